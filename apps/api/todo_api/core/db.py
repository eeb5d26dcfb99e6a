"""Engines and sessions. The engine lives on the app (no module-level globals), so tests
and tools can build as many apps as they like against different databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
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
    return create_async_engine(
        urls.async_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        # A server restart leaves dead connections in the pool; test each on checkout.
        pool_pre_ping=True,
        connect_args={"connect_timeout": settings.db_connect_timeout},
    )


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
