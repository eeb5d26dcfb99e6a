"""A pooled PostgreSQL connection that the server closed is replaced on checkout, with no
round trip per request (no pre-ping) and no failed request (core/db.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import PostgresDatabases
from tests.support import auth, make_settings, new_user
from todo_api.core.migrate import upgrade_to_head
from todo_api.main import create_app

pytestmark = pytest.mark.anyio


def _terminate_others(client: TestClient) -> int:
    """Ends every other backend on the app's database, as a restart or an idle timeout
    would: the pool's connections are all closed by the server."""
    import psycopg

    url = client.app.state.settings.database.sync_url  # type: ignore[attr-defined]
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_connections_the_server_closed_are_replaced_without_a_failed_request(
    postgres: PostgresDatabases,
) -> None:
    settings = make_settings(postgres.create("todo_recovery"), db_pool_size=3)
    upgrade_to_head(settings)
    user = new_user()
    with TestClient(create_app(settings)) as client:
        url = f"/api/{user}/tasks"
        # Fill the pool: three requests at once would need three connections; one after
        # another reuse one, so warm it with the ORM paths too (chat history, readiness).
        assert client.post(url, json={"title": "kept"}, headers=auth(user)).status_code == 201
        assert client.get("/readyz").status_code == 200
        assert _terminate_others(client) >= 1
        for _ in range(5):  # every pooled connection is dead: each must be replaced
            listed = client.get(url, headers=auth(user))
            assert listed.status_code == 200, listed.text
            assert [t["title"] for t in listed.json()] == ["kept"]
        assert client.get("/readyz").status_code == 200
        created = client.post(url, json={"title": "after"}, headers=auth(user))
        assert created.status_code == 201
