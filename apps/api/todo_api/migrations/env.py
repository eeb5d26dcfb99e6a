"""Alembic environment: the database comes from the app's settings (DATABASE_URL, or the
embedded SQLite file), never from alembic.ini, so one URL rule serves app and migrations."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

from todo_api import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from todo_api.core.config import Settings, load_settings
from todo_api.core.db import create_sync_engine

config = context.config
if config.config_file_name:  # the `alembic` CLI: log as alembic.ini says
    fileConfig(config.config_file_name, disable_existing_loggers=False)
settings: Settings = config.attributes.get("settings") or load_settings()
target_metadata = SQLModel.metadata


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Only our own tables: Better Auth's (user, session, account, verification) share the
    database but belong to the web app, so autogenerate must never propose dropping them."""
    return not (type_ == "table" and reflected and compare_to is None)


def run_offline() -> None:
    context.configure(
        url=settings.database.sync_url.render_as_string(hide_password=False),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=settings.database.is_sqlite,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = create_sync_engine(settings)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                # SQLite cannot ALTER most things; batch mode recreates tables instead.
                render_as_batch=settings.database.is_sqlite,
                include_object=include_object,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
