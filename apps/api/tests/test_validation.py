"""Bad input: 422 with a JSON body naming the field, 413 for huge bodies, and nothing
stored when a request is refused."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support import auth, new_user


def _field_errors(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    return [e["loc"] for e in response.json()["detail"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   \t\n "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": 123}, "title"),
        ({"title": None}, "title"),
        ({"title": ["a"]}, "title"),
        ({"title": "ok", "description": "d" * 1001}, "description"),
        ({"title": "ok", "description": 5}, "description"),
        ({"title": "nul\x00byte"}, "title"),
        ({"title": "ok", "description": "bell\x07"}, "description"),
        ({"description": "no title"}, "title"),
    ],
)
def test_create_rejects_bad_fields(client: TestClient, body: dict[str, Any], field: str) -> None:
    user = new_user()
    response = client.post(f"/api/{user}/tasks", json=body, headers=auth(user))
    assert ["body", field] in _field_errors(response)
    assert client.get(f"/api/{user}/tasks", headers=auth(user)).json() == []


def test_limits_are_inclusive(client: TestClient) -> None:
    user = new_user()
    body = {"title": "  " + "x" * 200 + "  ", "description": "d" * 1000}
    response = client.post(f"/api/{user}/tasks", json=body, headers=auth(user))
    assert response.status_code == 201
    assert len(response.json()["title"]) == 200


def test_unicode_title_counts_characters(client: TestClient) -> None:
    user = new_user()
    response = client.post(f"/api/{user}/tasks", json={"title": "é" * 200}, headers=auth(user))
    assert response.status_code == 201
    assert response.json()["title"] == "é" * 200


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"", "application/json"),
        (b"{not json", "application/json"),
        (b"[]", "application/json"),
        (b'"just a string"', "application/json"),
        (b"title=x", "application/x-www-form-urlencoded"),
    ],
)
def test_create_rejects_missing_or_non_json_body(
    client: TestClient, content: bytes, content_type: str
) -> None:
    user = new_user()
    headers = {**auth(user), "Content-Type": content_type}
    response = client.post(f"/api/{user}/tasks", content=content, headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"


def test_huge_body_is_413(client: TestClient) -> None:
    user = new_user()
    body = {"title": "big", "description": "x" * 200_000}
    response = client.post(f"/api/{user}/tasks", json=body, headers=auth(user))
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


def test_huge_streamed_body_without_length_is_413(client: TestClient) -> None:
    user = new_user()

    def chunks() -> Any:
        for _ in range(100):
            yield b"x" * 4096

    headers = {**auth(user), "Content-Type": "application/json"}
    response = client.post(f"/api/{user}/tasks", content=chunks(), headers=headers)
    assert response.status_code == 413


@pytest.mark.parametrize("task_id", ["abc", "0", "-1", "2147483648", "99999999999999999999", "1.5"])
def test_bad_task_ids_are_422(client: TestClient, task_id: str) -> None:
    user = new_user()
    response = client.get(f"/api/{user}/tasks/{task_id}", headers=auth(user))
    assert ["path", "task_id"] in _field_errors(response)


@pytest.mark.parametrize(
    "params",
    [{"q": "x" * 201}, {"q": "nul\x00"}, {"sort": "id"}, {"order": "up"}, {"offset": "-1"}],
)
def test_bad_list_parameters_are_422(client: TestClient, params: dict[str, str]) -> None:
    user = new_user()
    response = client.get(f"/api/{user}/tasks", params=params, headers=auth(user))
    assert response.status_code == 422


def test_bad_update_changes_nothing(client: TestClient) -> None:
    user = new_user()
    task = client.post(f"/api/{user}/tasks", json={"title": "Keep"}, headers=auth(user)).json()
    url = f"/api/{user}/tasks/{task['id']}"
    for body in (
        {"title": ""},
        {"completed": "maybe"},
        {"completed": None},
        {"description": "x" * 1001},
    ):
        assert client.put(url, json=body, headers=auth(user)).status_code == 422
    response = client.patch(f"{url}/complete", json={"completed": "yes please"}, headers=auth(user))
    assert response.status_code == 422
    assert client.get(url, headers=auth(user)).json() == task


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
@pytest.mark.parametrize(
    ("method", "suffix", "field"),
    [
        ("POST", "", "title"),
        ("PUT", "/{id}", "completed"),
        ("PATCH", "/{id}/complete", "completed"),
    ],
)
def test_non_finite_numbers_are_422_not_500(
    client: TestClient, literal: str, method: str, suffix: str, field: str
) -> None:
    user = new_user()
    task = client.post(f"/api/{user}/tasks", json={"title": "t"}, headers=auth(user)).json()
    headers = {**auth(user), "Content-Type": "application/json"}
    url = f"/api/{user}/tasks{suffix.format(id=task['id'])}"
    response = client.request(method, url, content=f'{{"{field}": {literal}}}', headers=headers)
    assert ["body", field] in _field_errors(response)


@pytest.mark.parametrize("field", ["title", "description"])
def test_lone_surrogates_are_422(client: TestClient, field: str) -> None:
    user = new_user()
    body = '{"title": "ok", "' + field + '": "bad \\ud800 text"}'
    headers = {**auth(user), "Content-Type": "application/json"}
    response = client.post(f"/api/{user}/tasks", content=body, headers=headers)
    assert ["body", field] in _field_errors(response)
    assert client.get(f"/api/{user}/tasks", headers=auth(user)).json() == []


@pytest.mark.parametrize("value", ["yes", "true", "on", 1, 0, "false", 1.0])
def test_completed_must_be_a_real_boolean(client: TestClient, value: object) -> None:
    user = new_user()
    task = client.post(f"/api/{user}/tasks", json={"title": "t"}, headers=auth(user)).json()
    url = f"/api/{user}/tasks/{task['id']}"
    assert client.put(url, json={"completed": value}, headers=auth(user)).status_code == 422
    response = client.patch(f"{url}/complete", json={"completed": value}, headers=auth(user))
    assert response.status_code == 422
    assert client.get(url, headers=auth(user)).json()["completed"] is False


@pytest.mark.parametrize(
    "content",
    [b'{"title": "\xff\xfe"}', b"[" * 10_000 + b"]" * 10_000, b'{"title": "a"'],
)
@pytest.mark.parametrize(
    ("method", "suffix"), [("POST", ""), ("PUT", "/{id}"), ("PATCH", "/{id}/complete")]
)
def test_unreadable_bodies_are_422_everywhere(
    client: TestClient, content: bytes, method: str, suffix: str
) -> None:
    user = new_user()
    task = client.post(f"/api/{user}/tasks", json={"title": "keep"}, headers=auth(user)).json()
    headers = {**auth(user), "Content-Type": "application/json"}
    url = f"/api/{user}/tasks{suffix.format(id=task['id'])}"
    response = client.request(method, url, content=content, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][0] == "body"
    assert client.get(f"/api/{user}/tasks/{task['id']}", headers=auth(user)).json() == task


@pytest.mark.parametrize(("method", "suffix"), [("PUT", "/{id}")])
def test_update_without_body_is_422(client: TestClient, method: str, suffix: str) -> None:
    user = new_user()
    task = client.post(f"/api/{user}/tasks", json={"title": "keep"}, headers=auth(user)).json()
    url = f"/api/{user}/tasks{suffix.format(id=task['id'])}"
    response = client.request(method, url, headers=auth(user))
    assert ["body"] in _field_errors(response)


def test_schema_states_the_limits(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    title = schemas["TaskCreate"]["properties"]["title"]
    assert (title["minLength"], title["maxLength"]) == (1, 200)
    assert schemas["TaskCreate"]["properties"]["description"]["maxLength"] == 1000
    update = schemas["TaskUpdate"]["properties"]
    assert "anyOf" not in update["title"]  # null is refused, so the schema does not offer it
    assert update["completed"]["type"] == "boolean"
