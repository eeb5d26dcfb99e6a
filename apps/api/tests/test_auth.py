"""Bearer-token rules: 401 for every untrustworthy token, 403 for another user's path,
404 for another user's task (never a leak), with REST ids guessed in both directions."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from tests.support import SECRET, auth, new_user


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _token(claims: dict[str, Any], secret: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def _valid_claims(user: str) -> dict[str, Any]:
    return {"sub": user, "exp": int(time.time()) + 300}


def _tampered(user: str) -> str:
    """A valid token whose payload was swapped for a longer-lived one."""
    header, _, signature = _token({"sub": user, "exp": int(time.time()) + 1}).split(".")
    return ".".join([header, _b64({"sub": user, "exp": 9999999999}), signature])


BAD_TOKENS: dict[str, Callable[[str], str]] = {
    "wrong secret": lambda u: _token(
        _valid_claims(u), secret="another-secret-of-sufficient-length!!"
    ),
    "expired": lambda u: _token({"sub": u, "exp": int(time.time()) - 60}),
    "missing exp": lambda u: _token({"sub": u}),
    "missing sub": lambda u: _token({"exp": int(time.time()) + 300}),
    "empty sub": lambda u: _token({"sub": "", "exp": int(time.time()) + 300}),
    "numeric sub": lambda u: _token({"sub": 42, "exp": int(time.time()) + 300}),
    "alg none": lambda u: f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_valid_claims(u))}.",
    "alg none signed empty": lambda u: f"{_b64({'alg': 'none'})}.{_b64(_valid_claims(u))}",
    # Same key, other algorithm: only the algorithm check can refuse these.
    "HS512": lambda u: _token(_valid_claims(u), algorithm="HS512"),
    "HS384": lambda u: _token(_valid_claims(u), algorithm="HS384"),
    "tampered payload": lambda u: _tampered(u),
    "garbage": lambda u: "not-a-jwt",
    "three dots": lambda u: "a.b.c",
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
def test_bad_tokens_are_401(client: TestClient, case: str) -> None:
    user = new_user()
    token = BAD_TOKENS[case](user)
    response = client.get(f"/api/{user}/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert isinstance(response.json()["detail"], str)
    if case.startswith("HS") or case.startswith("alg none"):
        assert "algorithm" in response.json()["detail"] or "malformed" in response.json()["detail"]
    if case.startswith("HS"):
        assert "algorithm" in response.json()["detail"]


def test_rs256_token_is_401(client: TestClient) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    user = new_user()
    token = jwt.encode(_valid_claims(user), key, algorithm="RS256")
    response = client.get(f"/api/{user}/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "algorithm" in response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "bearer"],
)
def test_missing_or_malformed_header_is_401(client: TestClient, header: str | None) -> None:
    user = new_user()
    headers = {} if header is None else {"Authorization": header}
    response = client.get(f"/api/{user}/tasks", headers=headers)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", ""),
        ("POST", ""),
        ("GET", "/1"),
        ("PUT", "/1"),
        ("DELETE", "/1"),
        ("PATCH", "/1/complete"),
    ],
)
def test_every_endpoint_requires_a_token(client: TestClient, method: str, suffix: str) -> None:
    response = client.request(method, f"/api/{new_user()}/tasks{suffix}", json={"title": "x"})
    assert response.status_code == 401


def test_expired_within_leeway_is_accepted(client: TestClient) -> None:
    user = new_user()
    token = _token({"sub": user, "exp": int(time.time()) - 2})
    response = client.get(f"/api/{user}/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", ""),
        ("POST", ""),
        ("GET", "/{id}"),
        ("PUT", "/{id}"),
        ("DELETE", "/{id}"),
        ("PATCH", "/{id}/complete"),
    ],
)
def test_token_for_another_user_is_403_everywhere(
    client: TestClient, method: str, suffix: str
) -> None:
    alice, bob = new_user(), new_user()
    task = client.post(f"/api/{bob}/tasks", json={"title": "bob's"}, headers=auth(bob)).json()
    url = f"/api/{bob}/tasks{suffix.format(id=task['id'])}"
    response = client.request(method, url, json={"title": "sneaky"}, headers=auth(alice))
    assert response.status_code == 403
    assert response.json() == {"detail": "the token does not grant access to this user's data"}
    assert client.get(f"/api/{bob}/tasks", headers=auth(bob)).json() == [task]  # untouched


def test_other_claims_get_specific_messages(client: TestClient) -> None:
    user = new_user()
    cases = {
        "audience": _token({**_valid_claims(user), "aud": "someone-else"}),
        "not valid yet": _token({**_valid_claims(user), "nbf": int(time.time()) + 3600}),
    }
    for expected, token in cases.items():
        response = client.get(f"/api/{user}/tasks", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert expected in response.json()["detail"]


def test_users_cannot_see_change_or_delete_each_others_tasks(client: TestClient) -> None:
    alice, bob = new_user(), new_user()
    a_task = client.post(
        f"/api/{alice}/tasks", json={"title": "alice's"}, headers=auth(alice)
    ).json()
    b_task = client.post(f"/api/{bob}/tasks", json={"title": "bob's"}, headers=auth(bob)).json()

    # Each list shows only its owner's tasks.
    assert [t["id"] for t in client.get(f"/api/{alice}/tasks", headers=auth(alice)).json()] == [
        a_task["id"]
    ]
    assert [t["id"] for t in client.get(f"/api/{bob}/tasks", headers=auth(bob)).json()] == [
        b_task["id"]
    ]

    # Bob guesses Alice's id under his own path: 404, exactly like a task that never existed.
    url = f"/api/{bob}/tasks/{a_task['id']}"
    never = f"/api/{bob}/tasks/2147483000"
    for method, body in [("GET", None), ("PUT", {"title": "pwned"}), ("DELETE", None)]:
        guessed = client.request(method, url, json=body, headers=auth(bob))
        missing = client.request(method, never, json=body, headers=auth(bob))
        assert guessed.status_code == 404
        assert guessed.json()["detail"] == f"task {a_task['id']} not found"
        assert missing.status_code == 404
    assert client.patch(f"{url}/complete", headers=auth(bob)).status_code == 404

    # Alice's task is untouched.
    after = client.get(f"/api/{alice}/tasks/{a_task['id']}", headers=auth(alice)).json()
    assert after == a_task


def test_sweep_of_guessed_ids_finds_nothing(client: TestClient) -> None:
    alice, mallory = new_user(), new_user()
    ids = [
        client.post(f"/api/{alice}/tasks", json={"title": f"t{i}"}, headers=auth(alice)).json()[
            "id"
        ]
        for i in range(5)
    ]
    for task_id in range(min(ids) - 2, max(ids) + 3):
        response = client.get(f"/api/{mallory}/tasks/{task_id}", headers=auth(mallory))
        assert response.status_code == 404


def test_a_verified_token_is_remembered_but_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    from todo_api.core import security

    user = new_user()
    token = security.mint_token(user, SECRET, ttl_seconds=60)
    assert security.verify_token(token, SECRET).user_id == user
    assert (SECRET, token) in security._VERIFIED
    # The same token under another secret is checked afresh (and refused), not looked up.
    with pytest.raises(security.InvalidTokenError, match="signature"):
        security.verify_token(token, "another-secret-of-at-least-32-bytes!!")
    later = time.time() + 60 + security.LEEWAY_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(security.InvalidTokenError, match="expired"):
        security.verify_token(token, SECRET)
    assert (SECRET, token) not in security._VERIFIED


def test_the_verified_tokens_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from todo_api.core import security

    monkeypatch.setattr(security, "VERIFIED_CACHE_SIZE", 3)
    monkeypatch.setattr(security, "_VERIFIED", {})
    tokens = [security.mint_token(new_user(), SECRET) for _ in range(5)]
    for token in tokens:
        security.verify_token(token, SECRET)
    assert [t for _, t in security._VERIFIED] == tokens[-3:]
