"""`nx run api:bench-chat`: offline-assistant chat turns end to end (HTTP, auth, database,
history, tools), on PostgreSQL, with production settings.

Each user has one conversation, so every turn also loads and extends its history. The mix
is what a person types: adding, listing, completing and renaming by id, and a reference by
title words. The rate limit is off (CHAT_RATE_LIMIT=0): it is per user and would measure
itself. Prints the figures and writes them to docs/benchmarks.md; never fails on a figure.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime
from typing import Any

from bench.run import write_report
from bench.stack import seed, serving

MESSAGES = [
    {"kind": "add", "text": "add buy oat milk {n}"},
    {"kind": "add", "text": "remind me to call the bank about card {n}"},
    {"kind": "list", "text": "show me all my tasks"},
    {"kind": "list", "text": "what's pending?"},
    {"kind": "complete", "text": "mark task {id} as done"},
    {"kind": "rename", "text": "rename task {id} to water the plants {n}"},
    {"kind": "by title", "text": "complete the seed task 3"},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs alone")
    args = parser.parse_args()

    with serving(args.workers, CHAT_RATE_LIMIT="0") as stack:
        users = seed(stack.base_url, stack.secret, args.users, 5, "chat-user", "hi")
        runs = [
            (
                f"{connections} connections",
                stack.load(users, {"chat": 1}, connections, args.seconds, chatMessages=MESSAGES),
            )
            for connections in args.connections
        ]
        postgres = stack.postgres_version
        rss = stack.api.worker_rss_mib()
        log = stack.api.log.read_text().splitlines()
        turns = [json.loads(line) for line in log if line.startswith("{") and '"chat turn"' in line]
        assistant_ms = sorted(t["assistant_ms"] for t in turns if t.get("msg") == "chat turn")

    report = render(runs, args, postgres, assistant_ms, rss)
    print(report)
    if not args.no_write:
        write_report(report, "chat-bench", "Chat (`nx run api:bench-chat`)")
        print("\nwritten to docs/benchmarks.md")


def render(
    runs: list[tuple[str, dict[str, Any]]],
    args: argparse.Namespace,
    postgres: str,
    assistant_ms: list[float],
    rss: list[float],
) -> str:
    def q(p: float) -> float:
        return (
            assistant_ms[min(len(assistant_ms) - 1, int(p * len(assistant_ms)))]
            if assistant_ms
            else 0.0
        )

    lines = [
        f"- Measured {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} on {os.cpu_count()} cores; "
        "the load generator shares them.",
        f"- API: APP_ENV=production, {args.workers} uvicorn workers, offline assistant, "
        f"PostgreSQL {postgres}. {args.users} users with 5 seeded tasks.",
        f"- Load: closed loop, {args.seconds} s per run after a 3 s warm-up; each request is one "
        "chat turn (store message, load history, understand, run tools, store reply).",
        "",
        "| run | turns/s | errors | p50 ms | p95 ms | p99 ms | max ms | API CPU ms / turn | PostgreSQL CPU ms / turn |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in runs:
        o = r["overall"]
        lines.append(
            f"| {name} | {r['requests_per_second']} | {r['errors']} | {o['p50_ms']} | "
            f"{o['p95_ms']} | {o['p99_ms']} | {o['max_ms']} | {r['server_cpu_ms_per_request']} | "
            f"{r['postgres_cpu_ms_per_request']} |"
        )
    lines += [
        "",
        f"Inside those turns, the assistant itself (understanding + its tool calls, from the API's "
        f"`chat turn` log lines, all {len(assistant_ms)} turns of the runs, so queueing included): p50 {q(0.5)} ms, p95 {q(0.95)} ms, "
        f"p99 {q(0.99)} ms. The 1-connection run is the uncontended baseline; the others "
        "add queueing on the shared cores.",
        "",
        "Memory (RSS of each API worker after the runs): "
        + " / ".join(f"{v:.0f}" for v in rss)
        + " MiB.",
    ]
    lines += ["", "| run | message kind | count | p50 ms | p95 ms | p99 ms | errors |"]
    lines.append("|---|---|---:|---:|---:|---:|---:|")
    for name, r in runs:
        for kind, k in sorted(r["by_kind"].items()):
            lines.append(
                f"| {name} | {kind} | {k['count']} | {k['p50_ms']} | {k['p95_ms']} | "
                f"{k['p99_ms']} | {k['errors']} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
