"""Helpers shared by the tests: tokens, settings per backend, and a real server process."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx2 as httpx

from devtools.postgres import free_port
from todo_api.core.config import Settings
from todo_api.core.security import mint_token

T = TypeVar("T")
API_ROOT = Path(__file__).resolve().parent.parent
# 64 bytes: long enough for HS512 too, so algorithm tests fail on the algorithm alone.
SECRET = "test-secret-that-is-long-enough-for-every-hmac-0123456789abcdefg"


def new_user() -> str:
    return f"user-{uuid.uuid4().hex[:12]}"


def auth(user_id: str, secret: str = SECRET, ttl: int = 300) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(user_id, secret, ttl_seconds=ttl)}"}


def make_settings(
    database_url: str | None, sqlite_path: Path | None = None, **extra: object
) -> Settings:
    values: dict[str, object] = {
        "app_env": "test",
        "jwt_secret": SECRET,
        "database_url": database_url,
        "auto_migrate": False,
        **extra,
    }
    if sqlite_path is not None:
        values["sqlite_path"] = sqlite_path
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`todo-api ARGS` as a separate process; importable from any working directory."""
    full_env = {**(os.environ if env is None else env), "PYTHONPATH": str(API_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "todo_api.cli", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def server_env(settings: Settings) -> dict[str, str]:
    """The environment that points a server process at `settings`' database."""
    if settings.database.is_sqlite:
        return {"APP_ENV": "test", "SQLITE_PATH": str(settings.sqlite_path)}
    assert settings.database_url is not None
    return {"APP_ENV": "test", "DATABASE_URL": settings.database_url.get_secret_value()}


@dataclass
class ServerProcess:
    base_url: str
    process: subprocess.Popen[str]
    log_path: Path

    def log_lines(self) -> list[str]:
        return self.log_path.read_text().splitlines()


@contextlib.contextmanager
def run_server(env: dict[str, str], log_path: Path, workers: int = 1) -> Iterator[ServerProcess]:
    """`todo-api serve` as a real process on a free port; stopped (SIGTERM) at the end.
    Metrics are off (METRICS_PORT=0) unless `env` sets METRICS_PORT."""
    command = ["-m", "todo_api.cli", "serve", "--workers", str(workers)]
    with run_python_server(command, env, log_path) as server:
        yield server


@contextlib.contextmanager
def run_python_server(
    command: list[str], env: dict[str, str], log_path: Path
) -> Iterator[ServerProcess]:
    """`python <command> --host 127.0.0.1 --port <free>` (a server that answers /healthz)
    with JWT_SECRET and `env`, but none of the caller's database or auth settings; stopped
    (SIGTERM) at the end."""
    port = free_port()
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "JWT_SECRET", "BETTER_AUTH_SECRET", "APP_ENV"}
    }
    full_env.update({"JWT_SECRET": SECRET, "PYTHONUNBUFFERED": "1", "METRICS_PORT": "0", **env})
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, *command, "--host", "127.0.0.1", "--port", str(port)],
            cwd=API_ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    server = ServerProcess(f"http://127.0.0.1:{port}", process, log_path)
    try:
        wait_until_healthy(server)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(probe: Callable[[], T], done: Callable[[T], bool], timeout: float = 10) -> T:
    """Poll `probe` until `done` accepts its result; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if done(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting; last result: {result!r}")
        time.sleep(0.05)


def wait_until_healthy(server: ServerProcess, timeout: float = 120) -> None:
    # Generous: a cold start (imports, migrations) on a busy 2-core machine took over 30 s.
    # A server that exits is reported at once below, so the limit only bounds a hang.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log_path.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server did not become healthy:\n{server.log_path.read_text()}")
