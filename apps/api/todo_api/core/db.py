"""Engines and sessions. The engine lives on the app (no module-level globals), so tests
and tools can build as many apps as they like against different databases."""

from __future__ import annotations

import select
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from todo_api.core.config import Settings
from todo_api.core.db_url import DatabaseUrls


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers run beside the writer; busy_timeout waits for the lock instead of
    # failing with "database is locked" when requests write at the same time.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _drop_if_closed(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """On checkout: a connection the server has closed (a restart, an idle timeout, a
    terminated backend) has a readable socket, its goodbye or EOF, while a live idle one has
    nothing to read. One non-blocking poll instead of pre-ping's round trip per request;
    DisconnectionError makes the pool open a fresh connection in its place."""
    driver = dbapi_conn.driver_connection
    if driver.closed or driver.broken:
        raise exc.DisconnectionError("connection closed")
    readable, _, _ = select.select([driver.fileno()], [], [], 0)
    if readable:
        raise exc.DisconnectionError("the server closed the connection")


def _prepare_sqlite_file(urls: DatabaseUrls) -> None:
    database = urls.sync_url.database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def create_app_engine(settings: Settings) -> AsyncEngine:
    urls = settings.database
    if urls.is_sqlite:
        _prepare_sqlite_file(urls)
        engine = create_async_engine(urls.async_url, connect_args={"timeout": 10})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_async_engine(
        urls.async_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        connect_args={"connect_timeout": settings.db_connect_timeout},
    )
    # A server restart leaves dead connections in the pool: each is checked on checkout.
    event.listen(engine.sync_engine, "checkout", _drop_if_closed)
    return engine


def create_sync_engine(settings: Settings) -> Engine:
    """For migrations and command-line tools."""
    urls = settings.database
    if urls.is_sqlite:
        _prepare_sqlite_file(urls)
        engine = create_engine(urls.sync_url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        urls.sync_url, connect_args={"connect_timeout": settings.db_connect_timeout}
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def open_session(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with factory() as session:
        yield session


async def current_revision(engine: AsyncEngine) -> str | None:
    """The Alembic revision the database is at, or None before the first migration."""
    async with engine.connect() as conn:
        exists = await conn.run_sync(
            lambda sync_conn: sync_conn.dialect.has_table(sync_conn, "alembic_version")
        )
        if not exists:
            return None
        return (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
