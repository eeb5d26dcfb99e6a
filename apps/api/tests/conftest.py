"""Fixtures. Every API test runs twice: on SQLite and on a real PostgreSQL server that the
suite starts itself (devtools.postgres), or on TEST_DATABASE_URL's server when given."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlmodel.ext.asyncio.session import AsyncSession

from devtools.postgres import PostgresServer, temporary_server
from tests.support import make_settings
from todo_api.core.config import Settings
from todo_api.core.db import create_app_engine, session_factory
from todo_api.core.migrate import upgrade_to_head
from todo_api.core.sql import Db, connect
from todo_api.main import create_app


class PostgresDatabases:
    """Hands out fresh, empty databases on one server."""

    def __init__(self, admin_url: str, server: PostgresServer | None) -> None:
        self.admin_url = admin_url
        self.server = server
        self._count = 0

    def create(self, prefix: str = "todo_test") -> str:
        self._count += 1
        name = f"{prefix}_{os.getpid()}_{self._count}"
        if self.server is not None:
            return self.server.create_database(name)
        import psycopg

        url = make_url(self.admin_url).set(drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield PostgresDatabases(external, None)
        return
    with temporary_server(durable=False) as server:
        yield PostgresDatabases(server.url(), server)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def settings(
    backend: str, postgres: PostgresDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """A migrated database of the current backend, shared by the session's API tests;
    tests keep apart by using their own user ids."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "todo.sqlite3"
        settings = make_settings(None, sqlite_path=path)
    else:
        settings = make_settings(postgres.create())
    upgrade_to_head(settings)
    return settings


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def fresh_settings(backend: str, postgres: PostgresDatabases, tmp_path: Path) -> Settings:
    """Settings for an empty, unmigrated database of the current backend."""
    if backend == "sqlite":
        return make_settings(None, sqlite_path=tmp_path / "fresh.sqlite3")
    return make_settings(postgres.create("todo_fresh"))


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (marked anyio) run on asyncio, as the app does."""
    return "asyncio"


@pytest.fixture
async def session(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A database session on the current backend's shared, migrated database."""
    engine = create_app_engine(settings)
    async with session_factory(engine)() as s:
        yield s
    await engine.dispose()


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Db]:
    """A pooled connection on the current backend's shared, migrated database, as a request
    or a chat turn has it."""
    engine = create_app_engine(settings)
    async with connect(engine) as connection:
        yield connection
    await engine.dispose()
