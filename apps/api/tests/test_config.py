"""Configuration: one URL rule for every accepted spelling, and a process that refuses to
start in production without what it needs, naming the variable and never the secret."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.support import API_ROOT, run_cli
from todo_api.core.config import DEV_JWT_SECRET, ConfigError, load_settings
from todo_api.core.db_url import normalise_database_url

SQLITE = Path("/tmp/x.sqlite3")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgres://u:p@db:5432/todo", "postgresql+psycopg://u:***@db:5432/todo"),
        ("postgresql://u:p@db/todo", "postgresql+psycopg://u:***@db/todo"),
        ("postgresql+psycopg://u:p@db/todo", "postgresql+psycopg://u:***@db/todo"),
        ("postgresql+psycopg2://u:p@db/todo", "postgresql+psycopg://u:***@db/todo"),
        ("postgresql+asyncpg://u:p@db/todo", "postgresql+psycopg://u:***@db/todo"),
        (
            "postgresql+asyncpg://u:p@db/todo?ssl=require",
            "postgresql+psycopg://u:***@db/todo?sslmode=require",
        ),
        (
            "postgresql://u:p@ep-x.aws.neon.tech/neondb?sslmode=require&channel_binding=require",
            "postgresql+psycopg://u:***@ep-x.aws.neon.tech/neondb?channel_binding=require&sslmode=require",
        ),
        ("  postgresql://u:p@db/todo  ", "postgresql+psycopg://u:***@db/todo"),
        ("sqlite:///./local.db", "sqlite:///./local.db"),
        ("sqlite+aiosqlite:////data/t.db", "sqlite:////data/t.db"),
    ],
)
def test_database_url_forms_are_normalised(raw: str, expected: str) -> None:
    urls = normalise_database_url(raw, sqlite_path=SQLITE)
    assert urls.redacted == expected


def test_async_driver_matches_backend() -> None:
    pg = normalise_database_url("postgres://u:p@h/d", sqlite_path=SQLITE)
    assert pg.async_url.drivername == "postgresql+psycopg" and not pg.is_sqlite
    lite = normalise_database_url(None, sqlite_path=SQLITE)
    assert lite.async_url.drivername == "sqlite+aiosqlite" and lite.is_sqlite
    assert lite.sync_url.database == str(SQLITE)


@pytest.mark.parametrize("raw", ["mysql://u:p@h/d", "not a url", "http://example.com"])
def test_unsupported_database_urls_name_the_variable(raw: str) -> None:
    with pytest.raises(ValueError, match="DATABASE_URL"):
        normalise_database_url(raw, sqlite_path=SQLITE)


def test_password_with_url_characters_survives() -> None:
    urls = normalise_database_url("postgresql://u:p%40ss%2Fw%3Ard@h/d", sqlite_path=SQLITE)
    assert urls.sync_url.password == "p@ss/w:rd"


def _clean_env(**env: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("APP_", "DATABASE", "JWT", "BETTER"))
    }
    return {**base, **env}


def _check_config(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # cwd without a .env file, so only the given environment counts.
    return run_cli("check-config", cwd=tmp_path, env=_clean_env(**env))


def test_production_without_anything_names_both_variables(tmp_path: Path) -> None:
    result = _check_config(tmp_path, APP_ENV="production")
    assert result.returncode == 2
    assert "DATABASE_URL is required" in result.stderr
    assert "JWT_SECRET (or BETTER_AUTH_SECRET) is required" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_short_secret_is_refused_without_printing_it(tmp_path: Path) -> None:
    secret = "short-secret-value"
    result = _check_config(
        tmp_path,
        APP_ENV="production",
        DATABASE_URL="postgresql://u:hunter2pass@db/x",
        JWT_SECRET=secret,
    )
    assert result.returncode == 2
    assert "JWT_SECRET must be at least 32 bytes" in result.stderr
    assert secret not in result.stderr + result.stdout
    assert "hunter2pass" not in result.stderr + result.stdout


def test_production_refuses_the_development_placeholder(tmp_path: Path) -> None:
    result = _check_config(
        tmp_path,
        APP_ENV="production",
        DATABASE_URL="postgresql://u:p@db/x",
        JWT_SECRET=DEV_JWT_SECRET,
    )
    assert result.returncode == 2
    assert "placeholder" in result.stderr


def test_production_accepts_better_auth_secret_as_fallback(tmp_path: Path) -> None:
    result = _check_config(
        tmp_path,
        APP_ENV="production",
        DATABASE_URL="postgresql://u:s3cretpw@db/x",
        BETTER_AUTH_SECRET="b" * 32,
    )
    assert result.returncode == 0, result.stderr
    assert "s3cretpw" not in result.stdout  # the password is masked
    assert "***" in result.stdout


def test_bad_values_name_the_variable(tmp_path: Path) -> None:
    result = _check_config(tmp_path, APP_ENV="staging")
    assert result.returncode == 2
    assert "APP_ENV" in result.stderr
    result = _check_config(tmp_path, DB_POOL_SIZE="lots")
    assert result.returncode == 2
    assert "DB_POOL_SIZE" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OPENAI_BASE_URL", "localhost:11434/v1"),
        ("OPENAI_MODEL", "   "),
        ("LLM_TIMEOUT_SECONDS", "120"),
        ("CHAT_RATE_LIMIT", "-1"),
        ("CHAT_HISTORY_MESSAGES", "many"),
    ],
)
def test_bad_assistant_settings_name_the_variable(tmp_path: Path, name: str, value: str) -> None:
    result = _check_config(tmp_path, **{name: value})
    assert result.returncode == 2
    assert name in result.stderr


def test_development_defaults_need_nothing(tmp_path: Path) -> None:
    result = _check_config(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "APP_ENV=development" in result.stdout
    assert "sqlite" in result.stdout


def test_jwt_secret_wins_over_better_auth_secret() -> None:
    settings = load_settings(_env_file=None, jwt_secret="j" * 32, better_auth_secret="b" * 32)
    assert settings.token_secret == "j" * 32
    assert load_settings(_env_file=None, better_auth_secret="b" * 32).token_secret == "b" * 32


def test_load_settings_raises_config_error() -> None:
    with pytest.raises(ConfigError, match="DB_POOL_SIZE"):
        load_settings(_env_file=None, db_pool_size=0)


def test_serve_refuses_to_start_when_misconfigured(tmp_path: Path) -> None:
    result = run_cli("serve", "--port", "1", cwd=tmp_path, env=_clean_env(APP_ENV="production"))
    assert result.returncode == 2
    assert "DATABASE_URL is required" in result.stderr


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("postgresql://u:p@h:5x/d", "DATABASE_URL is not a valid URL"),
        ("postgresql://user:p@ss@host/db", "percent-encode '@'"),
        ("mysql://u:p@h/d", "DATABASE_URL scheme 'mysql' is not supported"),
    ],
)
def test_bad_database_url_is_reported_at_load(tmp_path: Path, raw: str, message: str) -> None:
    result = _check_config(tmp_path, DATABASE_URL=raw)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "p@ss" not in result.stderr


@pytest.mark.parametrize(
    ("ssl", "mode"),
    [("false", "disable"), ("0", "disable"), ("true", "require"), ("verify-full", "verify-full")],
)
def test_asyncpg_ssl_values_map_to_sslmode(ssl: str, mode: str) -> None:
    urls = normalise_database_url(f"postgresql+asyncpg://u:p@h/d?ssl={ssl}", sqlite_path=SQLITE)
    assert urls.sync_url.query == {"sslmode": mode}


def test_short_better_auth_secret_is_named(tmp_path: Path) -> None:
    result = _check_config(
        tmp_path,
        APP_ENV="production",
        DATABASE_URL="postgresql://u:p@db/x",
        BETTER_AUTH_SECRET="short",
    )
    assert result.returncode == 2
    assert (
        "BETTER_AUTH_SECRET (used because JWT_SECRET is unset) must be at least 32 bytes"
        in result.stderr
    )


def test_whitespace_secret_is_refused(tmp_path: Path) -> None:
    result = _check_config(
        tmp_path, APP_ENV="production", DATABASE_URL="postgresql://u:p@db/x", JWT_SECRET=" " * 40
    )
    assert result.returncode == 2
    assert "JWT_SECRET must be at least 32 bytes" in result.stderr


def test_env_example_is_valid_with_every_setting_uncommented(tmp_path: Path) -> None:
    example = (API_ROOT.parent.parent / ".env.example").read_text()
    # "# NAME=value" lines are settings to uncomment; other comments are prose.
    lines = [re.sub(r"^# (?=[A-Z_]+=)", "", line) for line in example.splitlines()]
    (tmp_path / ".env").write_text("\n".join(lines) + "\n")
    result = _check_config(tmp_path)
    assert result.returncode == 0, result.stderr
