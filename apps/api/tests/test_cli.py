"""The `todo-api` command: token minting for local testing and the committed OpenAPI file."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.support import API_ROOT, SECRET, make_settings, run_cli
from todo_api.cli import main, render_openapi
from todo_api.core.security import verify_token


def test_mint_token_prints_a_token_the_api_accepts(
    client: TestClient, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JWT_SECRET", SECRET)
    assert main(["mint-token", "dev-user", "--ttl", "60"]) == 0
    token = capsys.readouterr().out.strip()
    assert verify_token(token, SECRET).user_id == "dev-user"
    response = client.get("/api/dev-user/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_unknown_command_explains_usage() -> None:
    result = run_cli("launch", cwd=API_ROOT)
    assert result.returncode == 2
    assert "invalid choice: 'launch'" in result.stderr


def test_committed_openapi_document_is_current() -> None:
    committed = (API_ROOT / "openapi.json").read_text()
    assert committed == render_openapi(make_settings(None)), (
        "apps/api/openapi.json is stale: run `npm run nx -- run api:openapi` and commit it"
    )


def test_no_http_route_issues_tokens() -> None:
    """Tokens come from the web server or the CLI only, never from an endpoint."""
    paths = json.loads(render_openapi(make_settings(None)))["paths"]
    assert [p for p in paths if any(w in p.lower() for w in ("token", "login", "auth"))] == []
