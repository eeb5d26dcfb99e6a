"""The six task endpoints: shapes and status codes exactly as CONTRACT.md fixes them."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support import auth, new_user
from todo_api.core.config import Settings
from todo_api.main import create_app


def _create(client: TestClient, user: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/{user}/tasks", json=body, headers=auth(user))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_create_returns_the_task(client: TestClient) -> None:
    user = new_user()
    task = _create(client, user, title="  Buy groceries  ", description="milk, eggs")
    assert task["title"] == "Buy groceries"  # trimmed
    assert task["description"] == "milk, eggs"
    assert task["completed"] is False
    assert task["user_id"] == user
    assert isinstance(task["id"], int)
    created = datetime.fromisoformat(task["created_at"])
    assert created.tzinfo is not None
    assert task["created_at"].endswith("Z")


def test_create_without_description(client: TestClient) -> None:
    task = _create(client, new_user(), title="Pay bills")
    assert task["description"] is None


def test_get_one(client: TestClient) -> None:
    user = new_user()
    task = _create(client, user, title="Read")
    response = client.get(f"/api/{user}/tasks/{task['id']}", headers=auth(user))
    assert response.status_code == 200
    assert response.json() == task


def test_get_missing_is_404_json(client: TestClient) -> None:
    user = new_user()
    response = client.get(f"/api/{user}/tasks/999999", headers=auth(user))
    assert response.status_code == 404
    assert response.json() == {"detail": "task 999999 not found"}


def test_list_filters_by_status(client: TestClient) -> None:
    user = new_user()
    a = _create(client, user, title="a")
    b = _create(client, user, title="b")
    client.patch(f"/api/{user}/tasks/{b['id']}/complete", headers=auth(user))

    def ids(status: str | None) -> list[int]:
        params = {"status": status} if status else {}
        response = client.get(f"/api/{user}/tasks", params=params, headers=auth(user))
        assert response.status_code == 200
        return [t["id"] for t in response.json()]

    assert ids(None) == [a["id"], b["id"]]
    assert ids("all") == [a["id"], b["id"]]
    assert ids("pending") == [a["id"]]
    assert ids("completed") == [b["id"]]


def test_list_rejects_unknown_status(client: TestClient) -> None:
    user = new_user()
    response = client.get(f"/api/{user}/tasks", params={"status": "done"}, headers=auth(user))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "status"]


def test_list_search_is_case_insensitive_and_literal(client: TestClient) -> None:
    user = new_user()
    _create(client, user, title="Call MOM tonight")
    _create(client, user, title="Groceries", description="buy 100% juice")
    _create(client, user, title="Other")

    def titles(q: str) -> list[str]:
        response = client.get(f"/api/{user}/tasks", params={"q": q}, headers=auth(user))
        assert response.status_code == 200
        return [t["title"] for t in response.json()]

    assert titles("mom") == ["Call MOM tonight"]
    assert titles("JUICE") == ["Groceries"]  # matches the description
    assert titles("100%") == ["Groceries"]  # % is literal, not a wildcard
    assert titles("_") == []  # so is _
    assert titles("nothing-like-this") == []


def test_list_sorts(client: TestClient) -> None:
    user = new_user()
    first = _create(client, user, title="banana")
    second = _create(client, user, title="Apple")
    third = _create(client, user, title="cherry")
    client.put(
        f"/api/{user}/tasks/{first['id']}", json={"title": "banana split"}, headers=auth(user)
    )

    def titles(**params: str) -> list[str]:
        response = client.get(f"/api/{user}/tasks", params=params, headers=auth(user))
        assert response.status_code == 200, response.text
        return [t["title"] for t in response.json()]

    assert titles(sort="title") == ["Apple", "banana split", "cherry"]
    assert titles(sort="title", order="desc") == ["cherry", "banana split", "Apple"]
    assert titles(sort="created_at", order="desc") == ["cherry", "Apple", "banana split"]
    assert titles(sort="updated_at", order="desc")[0] == "banana split"
    assert first["id"] < second["id"] < third["id"]


def test_pagination_is_stable_and_linked(client: TestClient) -> None:
    user = new_user()
    created = [_create(client, user, title="same title")["id"] for _ in range(7)]
    seen: list[int] = []
    url: str | None = f"/api/{user}/tasks?sort=title&limit=3"
    pages = 0
    while url:
        response = client.get(url, headers=auth(user))
        assert response.status_code == 200
        seen += [t["id"] for t in response.json()]
        url = response.links.get("next", {}).get("url")
        assert url is None or url.startswith(f"/api/{user}/tasks?")  # relative: proxy-safe
        pages += 1
    # Equal sort keys fall back to the id: every task exactly once, in a fixed order.
    assert seen == created
    assert pages == 3


def test_list_limit_bounds(client: TestClient) -> None:
    user = new_user()
    for bad in ("0", "501", "-1", "x"):
        response = client.get(f"/api/{user}/tasks", params={"limit": bad}, headers=auth(user))
        assert response.status_code == 422, bad


def test_put_updates_given_fields_only(client: TestClient) -> None:
    user = new_user()
    task = _create(client, user, title="Call mom", description="about Sunday")
    url = f"/api/{user}/tasks/{task['id']}"
    response = client.put(url, json={"title": "Call mom tonight"}, headers=auth(user))
    assert response.status_code == 200
    updated = response.json()
    assert updated["title"] == "Call mom tonight"
    assert updated["description"] == "about Sunday"
    assert datetime.fromisoformat(updated["updated_at"]) > datetime.fromisoformat(
        task["updated_at"]
    )
    assert updated["created_at"] == task["created_at"]

    response = client.put(url, json={"completed": True, "description": None}, headers=auth(user))
    assert response.status_code == 200
    assert response.json()["completed"] is True
    assert response.json()["description"] is None


def test_put_rejects_null_title(client: TestClient) -> None:
    user = new_user()
    task = _create(client, user, title="keep me")
    url = f"/api/{user}/tasks/{task['id']}"
    response = client.put(url, json={"title": None}, headers=auth(user))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "title"]
    assert client.get(url, headers=auth(user)).json()["title"] == "keep me"


def test_put_missing_is_404(client: TestClient) -> None:
    user = new_user()
    response = client.put(f"/api/{user}/tasks/999999", json={"title": "x"}, headers=auth(user))
    assert response.status_code == 404


def test_delete(client: TestClient) -> None:
    user = new_user()
    task = _create(client, user, title="Delete me")
    url = f"/api/{user}/tasks/{task['id']}"
    response = client.delete(url, headers=auth(user))
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(url, headers=auth(user)).status_code == 404
    assert client.delete(url, headers=auth(user)).status_code == 404


def test_patch_complete_toggles_without_body(client: TestClient) -> None:
    user = new_user()
    task = _create(client, user, title="Toggle")
    url = f"/api/{user}/tasks/{task['id']}/complete"
    assert client.patch(url, headers=auth(user)).json()["completed"] is True
    assert client.patch(url, headers=auth(user)).json()["completed"] is False


def test_patch_complete_sets_explicitly(client: TestClient) -> None:
    user = new_user()
    task = _create(client, user, title="Set")
    url = f"/api/{user}/tasks/{task['id']}/complete"
    for _ in range(2):  # idempotent
        response = client.patch(url, json={"completed": True}, headers=auth(user))
        assert response.status_code == 200
        assert response.json()["completed"] is True
    assert (
        client.patch(url, json={"completed": False}, headers=auth(user)).json()["completed"]
        is False
    )
    assert client.patch(url, json={}, headers=auth(user)).json()["completed"] is True  # {} toggles


def test_patch_complete_missing_is_404(client: TestClient) -> None:
    user = new_user()
    assert client.patch(f"/api/{user}/tasks/999999/complete", headers=auth(user)).status_code == 404


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    user = new_user()
    response = client.get("/no/such/route")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    response = client.post(f"/api/{user}/tasks/1", headers=auth(user))
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_request_id_is_returned_and_propagated(client: TestClient) -> None:
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
    assert echoed == "abc-123"
    # An unsafe id (log injection) is replaced, not echoed.
    replaced = client.get("/healthz", headers={"X-Request-ID": "a b\tc"}).headers["x-request-id"]
    assert replaced != "a b\tc"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/healthz", 200),
        ("get", "/api/{user}/tasks", 200),
        ("get", "/api/{user}/tasks/999999", 404),
        ("post", "/api/{user}/tasks", 422),
        ("get", "/api/{user}/tasks", 401),
    ],
)
def test_every_answer_is_nosniff_and_never_cached(
    client: TestClient, method: str, path: str, status: int
) -> None:
    user = new_user()
    headers = {} if status == 401 else auth(user)
    response = client.request(
        method, path.format(user=user), headers=headers, json={} if method == "post" else None
    )
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_too_large_and_unhandled_answers_carry_the_security_headers(settings: Settings) -> None:
    app = create_app(settings)

    async def boom() -> None:
        raise RuntimeError("something broke")

    app.add_api_route("/test-only/boom", boom)
    user = new_user()
    with TestClient(app, raise_server_exceptions=False) as client:
        answers = [
            client.get("/test-only/boom"),
            client.post(
                f"/api/{user}/tasks",
                content=b"x" * (settings.max_body_bytes + 1),
                headers=auth(user),
            ),
        ]
    assert [a.status_code for a in answers] == [500, 413]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["cache-control"] == "no-store"


def test_unexpected_errors_are_json_500_with_the_request_id(settings: Settings) -> None:
    app = create_app(settings)

    async def boom() -> None:
        raise RuntimeError("something broke")

    app.add_api_route("/test-only/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/test-only/boom", headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "trace-500"
    assert response.json() == {"detail": "internal server error", "request_id": "trace-500"}
    assert "something broke" not in response.text


def test_missing_secret_is_warned_about_at_start(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    no_secret = settings.model_copy(update={"jwt_secret": None, "better_auth_secret": None})
    with caplog.at_level(logging.WARNING), TestClient(create_app(no_secret)):
        pass
    assert any("JWT_SECRET is not set" in r.getMessage() for r in caplog.records)
