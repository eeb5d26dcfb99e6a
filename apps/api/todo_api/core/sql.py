"""SQL on the driver's own connection (psycopg, or aiosqlite for the embedded database),
taken from the engine's pool: the task paths run here instead of in ORM sessions, which cost
several times the CPU per statement (docs/benchmarks.md). Statements are written once, in
psycopg's `%(name)s` style; SQLite gets them as `:name`.

Each statement is its own transaction (no BEGIN, no ROLLBACK after a read) unless run
inside `Db.transaction()`.
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

Row = tuple[Any, ...]
_DRIVER_UNAVAILABLE = (psycopg.OperationalError, sqlite3.OperationalError)
_NAMED = re.compile(r"%\((\w+)\)s")


class DatabaseUnavailableError(Exception):
    """The database cannot be reached or refused the work for now (a 503, not a bug)."""


class Db:
    """One connection's driver, for the statements of one request or tool call."""

    def __init__(self, driver: Any, sqlite: bool) -> None:
        self._driver = driver
        self.sqlite = sqlite

    async def all(self, sql: str, params: Mapping[str, Any]) -> list[Row]:
        return await self._execute(sql, params, fetch=True)

    async def run(self, sql: str, params: Mapping[str, Any]) -> None:
        """A statement that returns no rows."""
        await self._execute(sql, params, fetch=False)

    async def _execute(self, sql: str, params: Mapping[str, Any], fetch: bool) -> list[Row]:
        if self.sqlite:
            sql = _sqlite_form(sql)
        try:
            cursor = await self._driver.execute(sql, params)
            return list(await cursor.fetchall()) if fetch else []
        except _DRIVER_UNAVAILABLE as exc:
            raise DatabaseUnavailableError(str(exc)) from exc

    async def one(self, sql: str, params: Mapping[str, Any]) -> Row | None:
        rows = await self.all(sql, params)
        return rows[0] if rows else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Statements that stand or fall together."""
        if self.sqlite:
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
        """Undo what a failed statement left open (SQLite's implicit transaction; psycopg
        outside a transaction has nothing open)."""
        if self.sqlite:
            await self._driver.rollback()

    def param_json(self, value: Any) -> Any:
        """A value for a JSON column."""
        return json.dumps(value) if self.sqlite else Json(value)

    def json_value(self, stored: Any) -> Any:
        """A JSON column's value (SQLite hands back its text)."""
        return json.loads(stored) if isinstance(stored, str) else stored

    async def commit(self) -> None:
        """Make a write durable: SQLite's implicit transaction (psycopg is in autocommit)."""
        if self.sqlite:
            await self._driver.commit()

    def param_time(self, value: datetime) -> Any:
        # SQLite keeps SQLAlchemy's text form (naive UTC), so rows written either way sort alike.
        if self.sqlite:
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value


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
