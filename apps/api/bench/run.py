"""`nx run api:bench`: the API under a mixed load, on PostgreSQL, with production settings,
against the floor (bench/floor.py) under the same load in the same run.

Starts a durable PostgreSQL (devtools.postgres), migrates a database for each contender,
serves the API as it ships (APP_ENV=production, WEB_CONCURRENCY workers) and the floor with
as many workers, seeds the same users and tasks in each, then drives 70% list / 20% create /
10% update-or-complete from a separate process (tools/bench/http-load.ts) at each
concurrency for a fixed time, the two contenders taking turns. A /healthz run at the first
concurrency is the in-run baseline. Prints the figures, ours/floor ratios included, and
writes them to docs/benchmarks.md. Never fails on a figure.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
from datetime import UTC, datetime
from typing import Any

from bench.stack import POOL_SIZE, TSX, WORKSPACE, seed, serving

REPORT = WORKSPACE / "docs" / "benchmarks.md"
MIX = {"list": 70, "create": 20, "update": 10}
Run = tuple[str, dict[str, Any], dict[str, Any]]  # name, ours, the floor's


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, nargs="+", default=[32, 128])
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--users", type=int, default=256)
    parser.add_argument("--tasks-per-user", type=int, default=10)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs alone")
    args = parser.parse_args()

    with serving(args.workers, with_floor=True) as stack:
        floor = stack.contender()
        ours_users = seed(stack.api.base_url, stack.secret, args.users, args.tasks_per_user)
        floor_users = seed(floor.base_url, stack.secret, args.users, args.tasks_per_user)
        rss_before = {"api": stack.api.worker_rss_mib(), "floor": floor.worker_rss_mib()}

        def both(mix: dict[str, int], connections: int, seconds: int) -> tuple[Any, Any]:
            ours = stack.load(ours_users, mix, connections, seconds)
            return ours, stack.load(floor_users, mix, connections, seconds, server=floor)

        health = min(args.seconds, 10)
        runs: list[Run] = [
            ("healthz (baseline)", *both({"health": 1}, args.connections[0], health))
        ]
        for connections in args.connections:
            runs.append(
                (f"mixed, {connections} connections", *both(MIX, connections, args.seconds))
            )
        log_lines = stack.api.log.read_text().count('"msg":"request"')

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
        "rss_before": rss_before,
    }
    report = render(runs, context)
    print(report)
    if not args.no_write:
        write_report(report)
        print(f"\nwritten to {REPORT.relative_to(WORKSPACE)}")


def render(runs: list[Run], ctx: dict[str, Any]) -> str:
    def rss(values: list[float]) -> str:
        return " / ".join(f"{v:.0f}" for v in values) + " MiB"

    lines = [
        f"- Measured {ctx['date']} on {ctx['cores']} cores ({ctx['machine']}); the load generator shares those cores.",
        f"- API: `todo-api serve`, APP_ENV=production, {ctx['workers']} uvicorn workers, pool {ctx['pool']} per worker, "
        f"JSON request logs on ({ctx['log_lines']} lines written). PostgreSQL: {ctx['postgres']}.",
        f"- Floor: `apps/api/bench/floor.py` (Starlette, asyncpg, orjson; the same SQL, HS256 check and JSON), "
        f"{ctx['workers']} uvicorn workers, on its own database in the same PostgreSQL, under the same load right after ours.",
        f"- Load: closed loop, {ctx['seconds']} s per run after a 3 s warm-up, {ctx['users']} users seeded with 10 tasks each; "
        "mix 70% list / 20% create / 10% update-or-complete.",
        "- CPU ms / request: the server's processes' (or PostgreSQL's) user+system CPU from `/proc`, divided by the requests served.",
        "",
        "| run | server | req/s | errors | p50 ms | p95 ms | p99 ms | server CPU ms / req | PostgreSQL CPU ms / req |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, ours, floor in runs:
        for who, r in (("ours", ours), ("floor", floor)):
            o = r["overall"]
            lines.append(
                f"| {name} | {who} | {r['requests_per_second']} | {r['errors']} | {o['p50_ms']} | {o['p95_ms']} | "
                f"{o['p99_ms']} | {r['server_cpu_ms_per_request']} | {r['postgres_cpu_ms_per_request']} |"
            )
    lines += [
        "",
        "**Ours / floor**, same run (CPU and p95: lower is better; req/s: higher is better):",
        "",
        "| run | server CPU / req | PostgreSQL CPU / req | req/s | p95 |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, ours, floor in runs:
        lines.append(
            f"| {name} | **{_ratio(ours, floor, 'server_cpu_ms_per_request')}** | "
            f"{_ratio(ours, floor, 'postgres_cpu_ms_per_request')} | "
            f"{_ratio(ours, floor, 'requests_per_second')} | "
            f"{_ratio(ours['overall'], floor['overall'], 'p95_ms')} |"
        )
    last_ours, last_floor = runs[-1][1], runs[-1][2]
    lines += [
        "",
        f"Memory (RSS of each worker): ours {rss(ctx['rss_before']['api'])} after seeding, "
        f"{rss(last_ours['worker_rss_mib'])} after the last run; the floor "
        f"{rss(ctx['rss_before']['floor'])} and {rss(last_floor['worker_rss_mib'])}.",
        "",
        "Ours by request kind:",
        "",
        "| run | kind | count | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, ours, _ in runs[1:]:
        for kind, k in sorted(ours["by_kind"].items()):
            lines.append(
                f"| {name} | {kind} | {k['count']} | {k['p50_ms']} | {k['p95_ms']} | {k['p99_ms']} | {k['errors']} |"
            )
    return "\n".join(lines)


def _ratio(ours: dict[str, Any], floor: dict[str, Any], key: str) -> str:
    return f"{ours[key] / floor[key]:.2f}x" if floor[key] else "n/a"


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
