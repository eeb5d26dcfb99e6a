"""Alembic, driven from code: `todo-api migrate`, auto-migration in development, and the
readiness check's notion of "migrated" all use these functions."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from todo_api.core.config import Settings

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # env.py reads the settings object from here rather than the environment.
    config.attributes["settings"] = settings
    return config


def upgrade_to_head(settings: Settings) -> None:
    command.upgrade(alembic_config(settings), "head")


@cache
def head_revision() -> str | None:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return script.get_current_head()


@cache
def known_revisions() -> frozenset[str]:
    """Every revision this build ships. A database at a revision outside this set was
    migrated by a newer build (an upgrade in progress, or a rollback of the code)."""
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return frozenset(revision.revision for revision in script.walk_revisions())
