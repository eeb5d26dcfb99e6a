"""SQL on the driver's own connection (psycopg, or aiosqlite for the embedded database),
taken from the engine's pool: the task paths run here instead of in ORM sessions, which cost
several times the CPU per statement (docs/benchmarks.md). Statements are written once, in
psycopg's `%(name)s` style; SQLite gets them as `:name`.

Outside a session each statement is its own transaction (no BEGIN, no ROLLBACK after a
read); inside one (`Db.of_session`) they join it and `commit()` commits it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Json
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn
from sqlmodel.ext.asyncio.session import AsyncSession

Row = tuple[Any, ...]
_DRIVER_UNAVAILABLE = (psycopg.OperationalError, sqlite3.OperationalError)
_NAMED = re.compile(r"%\((\w+)\)s")


class DatabaseUnavailableError(Exception):
    """The database cannot be reached or refused the work for now (a 503, not a bug)."""


class Db:
    """One connection's driver, for the statements of one request or tool call."""

    def __init__(self, driver: Any, sqlite: bool, session: AsyncSession | None = None) -> None:
        self._driver = driver
        self.sqlite = sqlite
        self._session = session

    @classmethod
    async def of_session(cls, session: AsyncSession) -> Db:
        """The session's own connection: statements join its transaction."""
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        return cls(raw.driver_connection, connection.dialect.name == "sqlite", session)

    async def all(self, sql: str, params: Mapping[str, Any]) -> list[Row]:
        try:
            cursor = await self._driver.execute(*self._statement(sql, params))
            rows: list[Row] = list(await cursor.fetchall())
        except _DRIVER_UNAVAILABLE as exc:
            raise DatabaseUnavailableError(str(exc)) from exc
        return rows

    async def run(self, sql: str, params: Mapping[str, Any]) -> None:
        """A statement that returns no rows."""
        try:
            await self._driver.execute(*self._statement(sql, params))
        except _DRIVER_UNAVAILABLE as exc:
            raise DatabaseUnavailableError(str(exc)) from exc

    async def one(self, sql: str, params: Mapping[str, Any]) -> Row | None:
        rows = await self.all(sql, params)
        return rows[0] if rows else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Statements that stand or fall together (inside a session: its transaction)."""
        if self._session is not None:
            yield
            await self._session.commit()
        elif self.sqlite:
            try:
                yield
            except BaseException:
                await self._driver.rollback()
                raise
            await self._driver.commit()
        else:
            async with self._driver.transaction():
                yield

    async def rollback(self) -> None:
        """Undo what a failed statement left open (outside a transaction, nothing is)."""
        if self._session is not None:
            await self._session.rollback()
        elif self.sqlite:
            await self._driver.rollback()

    def param_json(self, value: Any) -> Any:
        """A value for a JSON column."""
        return json.dumps(value) if self.sqlite else Json(value)

    def json_value(self, stored: Any) -> Any:
        """A JSON column's value (SQLite hands back its text)."""
        return json.loads(stored) if isinstance(stored, str) else stored

    async def commit(self) -> None:
        """Make a write durable: the session's transaction, or SQLite's implicit one
        (psycopg outside a session is in autocommit already)."""
        if self._session is not None:
            await self._session.commit()
        elif self.sqlite:
            await self._driver.commit()

    def param_time(self, value: datetime) -> Any:
        # SQLite keeps SQLAlchemy's text form (naive UTC), so rows written either way sort alike.
        if self.sqlite:
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    def _statement(self, sql: str, params: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        return (_sqlite_form(sql) if self.sqlite else sql), params


_SQLITE_FORMS: dict[str, str] = {}


def _sqlite_form(sql: str) -> str:
    form = _SQLITE_FORMS.get(sql)
    if form is None:
        form = _SQLITE_FORMS[sql] = _NAMED.sub(r":\1", sql).replace("%%", "%")
    return form


def as_datetime(value: Any) -> datetime:
    """A stored time as an aware UTC datetime (SQLite hands back its text form, PostgreSQL
    one in the session's time zone)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
    if value.utcoffset():
        return value.astimezone(UTC)  # type: ignore[no-any-return]
    return value  # type: ignore[no-any-return]


@asynccontextmanager
async def connect(engine: AsyncEngine) -> AsyncIterator[Db]:
    """A pooled connection (checked on checkout, as the engine says) for one request: the
    pool's own, without a SQLAlchemy Connection around it."""
    try:
        raw = await engine.raw_connection()
    except _DRIVER_UNAVAILABLE as exc:  # the pool's own errors are not wrapped by SQLAlchemy
        raise DatabaseUnavailableError(str(exc)) from exc
    try:
        driver: Any = raw.driver_connection
        if engine.dialect.name == "sqlite":
            yield Db(driver, sqlite=True)
            return
        # Client-side only while no transaction is open: no round trip either way.
        await driver.set_autocommit(True)
        try:
            yield Db(driver, sqlite=False)
        finally:
            if not driver.broken:
                await driver.set_autocommit(False)
    finally:
        # Back to the pool, whose reset (a rollback) runs the driver's coroutines.
        await greenlet_spawn(raw.close)
