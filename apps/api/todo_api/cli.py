"""`todo-api`: serve, migrate, check-config, openapi, runtime, mint-token.

Every subcommand loads and checks the configuration first, so a missing or bad variable is
reported by name before anything starts.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from todo_api.core.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from todo_api.core.metrics_server import MetricsServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="todo-api", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP server (uvicorn)")
    serve.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))  # noqa: S104
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "1")),
        help="worker processes (env WEB_CONCURRENCY)",
    )
    serve.add_argument("--reload", action="store_true", help="restart on code changes (dev)")

    sub.add_parser("migrate", help="apply database migrations (alembic upgrade head)")
    sub.add_parser("check-config", help="validate the configuration and exit")

    openapi = sub.add_parser("openapi", help="write the OpenAPI document")
    openapi.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")

    runtime = sub.add_parser("runtime", help="write runtime.json (what the chart must agree with)")
    runtime.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")

    mint = sub.add_parser(
        "mint-token", help="print a bearer token for local testing (signed with JWT_SECRET)"
    )
    mint.add_argument("user_id", help="the user the token acts for (its `sub`)")
    mint.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds (default 3600)")

    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"todo-api: {exc}", file=sys.stderr)
        return 2
    return int(_COMMANDS[args.command](settings, args) or 0)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from todo_api.core.logging import configure_logging

    configure_logging(settings.log_level)  # for uvicorn's own messages in this process
    # Metrics before anything else: prometheus-client's mode is fixed when it is first
    # imported, and the workers must inherit the directory.
    from todo_api.core import metrics_server

    metrics = None
    os.environ.pop(metrics_server.MULTIPROC_ENV, None)  # only ever the directory made below
    if settings.metrics_port:
        if settings.metrics_port == args.port:
            print(
                f"todo-api: METRICS_PORT ({settings.metrics_port}) must differ from the API's "
                "port (PORT / --port); 0 turns the metrics off",
                file=sys.stderr,
            )
            return 2
        directory = metrics_server.prepare()
        try:
            metrics = metrics_server.start(args.host, settings.metrics_port, directory)
        except OSError as exc:
            shutil.rmtree(directory, ignore_errors=True)
            print(
                f"todo-api: cannot serve metrics on METRICS_PORT={settings.metrics_port}: "
                f"{exc.strerror or exc} (0 turns the metrics off)",
                file=sys.stderr,
            )
            return 2
        logging.getLogger("todo_api").info(
            "metrics on port %d (all workers)", metrics.port, extra={"metrics_port": metrics.port}
        )
        _close_on_sigterm(metrics)
    try:
        return _run_uvicorn(settings, args)
    finally:
        if metrics is not None:
            metrics.close()


def _close_on_sigterm(metrics: MetricsServer) -> None:
    """With one worker, uvicorn ends by raising the SIGTERM it caught again, with the
    handler it found in place: this one, which removes the metrics directory first."""

    def close_then_die(signum: int, _frame: object) -> None:
        metrics.close()
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)

    signal.signal(signal.SIGTERM, close_then_die)


def _run_uvicorn(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    workers = max(1, args.workers)
    if settings.should_auto_migrate and workers > 1 and not args.reload:
        # Migrate once here; several workers migrating at the same time would race.
        from todo_api.core.migrate import upgrade_to_head

        upgrade_to_head(settings)
        os.environ["AUTO_MIGRATE"] = "false"  # the workers inherit this
    uvicorn.run(
        "todo_api.main:serve_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=None if args.reload else workers,
        reload=args.reload,
        log_config=None,
        access_log=False,
        proxy_headers=False,
        server_header=False,
        # In-flight requests get this long to finish after SIGTERM.
        timeout_graceful_shutdown=25,
    )
    return 0


def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from todo_api.core.migrate import head_revision, upgrade_to_head

    upgrade_to_head(settings)
    print(f"todo-api: database {settings.database.redacted} is at revision {head_revision()}")
    return 0


def _check_config(settings: Settings, _args: argparse.Namespace) -> int:
    print(
        f"todo-api: configuration is valid (APP_ENV={settings.app_env}, "
        f"database={settings.database.redacted})"
    )
    return 0


def render_openapi(settings: Settings) -> str:
    """The OpenAPI document exactly as `openapi.json` holds it (stable key order)."""
    from todo_api.main import create_app

    return json.dumps(create_app(settings).openapi(), indent=2, sort_keys=True) + "\n"


def _openapi(settings: Settings, args: argparse.Namespace) -> int:
    document = render_openapi(settings)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(document)
    else:
        sys.stdout.write(document)
    return 0


def _runtime(settings: Settings, args: argparse.Namespace) -> int:
    from todo_api.runtime_manifest import render_runtime_manifest

    document = render_runtime_manifest(settings)
    if args.output:
        args.output.write_text(document)
    else:
        sys.stdout.write(document)
    return 0


def _mint_token(settings: Settings, args: argparse.Namespace) -> int:
    from todo_api.core.security import mint_token

    if settings.token_secret_or_none is None:
        print(
            "todo-api: no JWT_SECRET set; using the development placeholder secret", file=sys.stderr
        )
    print(mint_token(args.user_id, settings.token_secret, ttl_seconds=args.ttl))
    return 0


_COMMANDS = {
    "serve": _serve,
    "migrate": _migrate,
    "check-config": _check_config,
    "openapi": _openapi,
    "runtime": _runtime,
    "mint-token": _mint_token,
}


if __name__ == "__main__":
    raise SystemExit(main())
