"""Settings: the one place that reads the environment (and a local .env file)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from todo_api.core.db_url import DatabaseUrls, normalise_database_url

# Used only when APP_ENV=development and no secret is configured, so that a fresh clone
# runs with no set-up. Production refuses it (see _check_production).
DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-do-not-use-in-production"  # noqa: S105
MIN_SECRET_BYTES = 32


class ConfigError(Exception):
    """Configuration that cannot work; the message names the variables to fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        # The working directory's .env. `npm run nx` loads the workspace's .env into the
        # environment for every target, and the environment wins over this file.
        env_file=".env",
        env_ignore_empty=True,  # NAME= (as in .env.example) means unset
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    app_env: Literal["development", "test", "production"] = "development"
    database_url: SecretStr | None = None
    # Embedded SQLite database used when DATABASE_URL is unset.
    sqlite_path: Path = Path(".data/todo.sqlite3")
    jwt_secret: SecretStr | None = None
    better_auth_secret: SecretStr | None = None

    # Connection pool, per worker process (PostgreSQL only).
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_max_overflow: int = Field(default=10, ge=0, le=200)
    db_pool_timeout: float = Field(default=10.0, gt=0)
    db_connect_timeout: int = Field(default=5, ge=1, le=120)

    # Run migrations when the app starts; default: only in development.
    auto_migrate: bool | None = None
    # Requests with a larger body are refused with 413 before they reach a route.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # Prometheus metrics: `todo-api serve` serves every worker's in one scrape on this port,
    # apart from the API's own (PORT); 0 turns them off. See docs/observability.md.
    metrics_port: int = Field(default=9464, ge=0, le=65535)

    # Chat: user messages allowed per user per minute (0 turns the limit off; it is
    # counted in the database, so it holds across replicas), and how many earlier
    # messages of a conversation the assistant sees.
    chat_rate_limit: int = Field(default=30, ge=0, le=100_000)
    chat_history_messages: int = Field(default=20, ge=0, le=200)

    # LLM assistant: used when OPENAI_API_KEY or OPENAI_BASE_URL is set (any OpenAI-compatible
    # server: OpenAI, Ollama, vLLM); otherwise the embedded offline assistant answers.
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    # Below the web proxy's 60 s chat timeout, so a slow model ends as a reply, not a 504.
    llm_timeout_seconds: float = Field(default=30.0, gt=0, le=50)

    @property
    def llm_configured(self) -> bool:
        return self.openai_api_key is not None or self.openai_base_url is not None

    @model_validator(mode="after")
    def _check(self) -> Settings:
        problems = []
        try:
            _ = self.database  # parse DATABASE_URL now, not at the first request
        except ValueError as exc:
            problems.append(str(exc))
        base = self.openai_base_url
        if base is not None and not base.startswith(("http://", "https://")):
            problems.append(
                "OPENAI_BASE_URL must be an http:// or https:// URL, "
                "e.g. http://localhost:11434/v1 for Ollama"
            )
        if not self.openai_model.strip():
            problems.append("OPENAI_MODEL must name a model, e.g. gpt-4o-mini")
        if self.app_env == "production":
            problems += self._production_problems()
        if problems:
            raise ValueError("\n  ".join(problems))
        return self

    def _production_problems(self) -> list[str]:
        problems = []
        if self.database_url is None or not self.database_url.get_secret_value().strip():
            problems.append("DATABASE_URL is required when APP_ENV=production")
        found = self._token_secret()
        if found is None:
            problems.append(
                "JWT_SECRET (or BETTER_AUTH_SECRET) is required when APP_ENV=production"
            )
            return problems
        source, secret = found
        used = "" if source == "JWT_SECRET" else " (used because JWT_SECRET is unset)"
        if len(secret.strip().encode()) < MIN_SECRET_BYTES:
            problems.append(f"{source}{used} must be at least {MIN_SECRET_BYTES} bytes")
        elif secret == DEV_JWT_SECRET:
            problems.append(f"{source} is the development placeholder; set a real secret")
        return problems

    def _token_secret(self) -> tuple[str, str] | None:
        """(variable, value) of the token key: JWT_SECRET, else BETTER_AUTH_SECRET."""
        candidates = (
            ("JWT_SECRET", self.jwt_secret),
            ("BETTER_AUTH_SECRET", self.better_auth_secret),
        )
        for name, value in candidates:
            if value is not None and value.get_secret_value():
                return name, value.get_secret_value()
        return None

    @property
    def token_secret_source(self) -> str | None:
        found = self._token_secret()
        return found[0] if found else None

    @property
    def token_secret_or_none(self) -> str | None:
        found = self._token_secret()
        return found[1] if found else None

    @property
    def token_secret(self) -> str:
        """Key for HS256 tokens: JWT_SECRET, else BETTER_AUTH_SECRET, else (dev) a placeholder."""
        return self.token_secret_or_none or DEV_JWT_SECRET

    @property
    def should_auto_migrate(self) -> bool:
        return self.auto_migrate if self.auto_migrate is not None else self.app_env == "development"

    @cached_property
    def database(self) -> DatabaseUrls:
        raw = self.database_url.get_secret_value() if self.database_url else None
        return normalise_database_url(raw, sqlite_path=self.sqlite_path)


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation failures into a ConfigError that names variables."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors(include_url=False, include_input=False):
        name = "_".join(str(p) for p in err["loc"]).upper()
        message = err["msg"].removeprefix("Value error, ")
        lines.append(f"{name}: {message}" if name else message)
    return "invalid configuration:\n  " + "\n  ".join(lines)
