"""DATABASE_URL normalisation: every accepted spelling becomes one driver per use.

Accepted: postgres://, postgresql://, postgresql+psycopg://, postgresql+psycopg2://,
postgresql+asyncpg:// (asyncpg's ``ssl=`` becomes libpq's ``sslmode=``), Neon's
``?sslmode=require&channel_binding=require``, sqlite:// and sqlite+aiosqlite://.
psycopg 3 serves both the async app and the sync migrations, so libpq options such as
sslmode pass through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

_POSTGRES_SCHEMES = {
    "postgres",
    "postgresql",
    "postgresql+psycopg",
    "postgresql+psycopg2",
    "postgresql+asyncpg",
}
_SQLITE_SCHEMES = {"sqlite", "sqlite+aiosqlite", "sqlite+pysqlite"}
# asyncpg's `ssl=` values -> libpq's `sslmode=`; others (prefer, verify-full, ...) are the same.
_SSL_TO_SSLMODE = {"true": "require", "1": "require", "false": "disable", "0": "disable"}


@dataclass(frozen=True)
class DatabaseUrls:
    async_url: URL  # for the application (SQLAlchemy asyncio)
    sync_url: URL  # for Alembic and command-line tools
    is_sqlite: bool

    @property
    def redacted(self) -> str:
        """Safe to log: the password is masked."""
        return self.sync_url.render_as_string(hide_password=True)


def normalise_database_url(raw: str | None, *, sqlite_path: Path) -> DatabaseUrls:
    if raw is None or not raw.strip():
        path = sqlite_path.expanduser().resolve()
        return _sqlite(URL.create("sqlite", database=str(path)))
    raw = raw.strip()
    scheme_end = raw.find("://")
    netloc = raw[scheme_end + 3 :].split("/", 1)[0] if scheme_end >= 0 else ""
    if netloc.count("@") > 1:
        # Ambiguous: we cannot tell where the password ends. Never guess with secrets.
        raise ValueError("DATABASE_URL: percent-encode '@' in the user or password as %40")
    try:
        url = make_url(raw)
        _ = url.port  # a non-numeric port fails here
    except (ArgumentError, ValueError):
        raise ValueError(
            "DATABASE_URL is not a valid URL (expected postgresql://user:pass@host:5432/db)"
        ) from None
    scheme = url.drivername.lower()
    if scheme in _SQLITE_SCHEMES:
        return _sqlite(url)
    if scheme not in _POSTGRES_SCHEMES:
        raise ValueError(
            f"DATABASE_URL scheme '{url.drivername}' is not supported; use postgresql:// or sqlite://"
        )
    query = dict(url.query)
    ssl = query.pop("ssl", None)  # asyncpg's spelling
    if isinstance(ssl, str) and "sslmode" not in query:
        query["sslmode"] = _SSL_TO_SSLMODE.get(ssl.lower(), ssl)
    pg = url.set(drivername="postgresql+psycopg", query=query)
    return DatabaseUrls(async_url=pg, sync_url=pg, is_sqlite=False)


def _sqlite(url: URL) -> DatabaseUrls:
    return DatabaseUrls(
        async_url=url.set(drivername="sqlite+aiosqlite"),
        sync_url=url.set(drivername="sqlite"),
        is_sqlite=True,
    )
