"""Migrations: from an empty database to head, idempotent on re-run, matching the models,
and the readiness probe refusing a database that is not migrated."""

from __future__ import annotations

import subprocess
import sys

from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from tests.support import API_ROOT
from todo_api.core.config import Settings
from todo_api.core.db import create_sync_engine
from todo_api.core.migrate import alembic_config, head_revision, upgrade_to_head
from todo_api.main import create_app


def _tables(settings: Settings) -> set[str]:
    engine = create_sync_engine(settings)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_then_rerun_is_idempotent(fresh_settings: Settings) -> None:
    assert _tables(fresh_settings) == set()
    upgrade_to_head(fresh_settings)
    assert {"task", "alembic_version"} <= _tables(fresh_settings)
    upgrade_to_head(fresh_settings)  # no error, nothing to do
    assert {"task", "alembic_version"} <= _tables(fresh_settings)


def test_models_match_the_migrations(fresh_settings: Settings) -> None:
    upgrade_to_head(fresh_settings)
    # `alembic check` fails when autogenerate would write a new migration.
    command.check(alembic_config(fresh_settings))


def test_downgrade_to_base_and_back(fresh_settings: Settings) -> None:
    config = alembic_config(fresh_settings)
    upgrade_to_head(fresh_settings)
    command.downgrade(config, "base")
    assert "task" not in _tables(fresh_settings)
    upgrade_to_head(fresh_settings)
    assert "task" in _tables(fresh_settings)


def test_readiness_requires_migrations(fresh_settings: Settings) -> None:
    with TestClient(create_app(fresh_settings)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {
            "status": "not ready",
            "reason": f"database at migration None, expected {head_revision()}",
        }
        upgrade_to_head(fresh_settings)
        assert client.get("/readyz").status_code == 200


def test_readiness_waits_for_a_database_behind_and_accepts_one_ahead(
    fresh_settings: Settings,
) -> None:
    """Behind this build (an older revision it ships): not ready. Ahead (a revision from a
    newer build, as while an upgrade's migration Job has run, or after a code rollback):
    ready, so the serving pods are not taken out of the Service."""
    config = alembic_config(fresh_settings)
    upgrade_to_head(fresh_settings)
    command.downgrade(config, "-1")
    with TestClient(create_app(fresh_settings)) as client:
        behind = client.get("/readyz")
        assert behind.status_code == 503
        assert behind.json()["reason"].endswith(f"expected {head_revision()}")

        upgrade_to_head(fresh_settings)
        engine = create_sync_engine(fresh_settings)
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE alembic_version SET version_num = '9999_from_a_newer_build'")
            )
        engine.dispose()
        ahead = client.get("/readyz")
        assert ahead.status_code == 200
        assert ahead.json()["migration"] == "9999_from_a_newer_build"


def test_development_start_migrates_automatically(fresh_settings: Settings) -> None:
    settings = fresh_settings.model_copy(update={"auto_migrate": True})
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 200


def test_alembic_cli_upgrade_head(fresh_settings: Settings) -> None:
    """The documented explicit command, `alembic upgrade head`, run from apps/api."""
    env = {
        "APP_ENV": "test",
        "PATH": "/usr/bin:/bin",
        "SQLITE_PATH": str(fresh_settings.sqlite_path),
    }
    if not fresh_settings.database.is_sqlite and fresh_settings.database_url:
        env["DATABASE_URL"] = fresh_settings.database_url.get_secret_value()
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=API_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "task" in _tables(fresh_settings)


def test_tables_of_the_web_app_are_left_alone(fresh_settings: Settings) -> None:
    """Better Auth's tables live in the same database; `alembic check` must not flag them."""
    upgrade_to_head(fresh_settings)
    engine = create_sync_engine(fresh_settings)
    try:
        with engine.begin() as conn:
            conn.execute(text('CREATE TABLE "session" (id TEXT PRIMARY KEY, token TEXT)'))
    finally:
        engine.dispose()
    command.check(alembic_config(fresh_settings))
