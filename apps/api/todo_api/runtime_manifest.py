"""What the api publishes for its deployment to agree with: `runtime.json`.

The Helm chart's tests read this file instead of parsing the api's Python and Dockerfile:
the image's port and user, the probe routes (checked against the app's GET routes),
and every environment variable the api reads, with the ones production requires.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from todo_api.core.config import Settings

# The probes the api serves for the kubelet (todo_api/api/routes/health.py).
PROBES = {"startup": "/healthz", "liveness": "/healthz", "readiness": "/readyz"}
# The preStop hook's route (todo_api/core/drain.py): GET with ?seconds=N, not in OpenAPI.
DRAIN = "/drainz"

# Prometheus metrics: `todo-api serve` serves them on their own port, METRICS_PORT (a
# Settings field; 0 turns them off), from the server process for all its workers
# (core/metrics_server.py). Any path answers; /metrics by convention.
METRICS_PATH = "/metrics"
# Where the workers' metric files go: Python's temporary directory, /tmp in the image (no
# TMPDIR), which must be writable (the chart mounts an emptyDir there).
METRICS_DIR = "/tmp"  # noqa: S108

# Read with os.environ outside Settings: `todo-api serve`'s defaults (cli.py).
PROCESS_ENV = ("HOST", "PORT", "WEB_CONCURRENCY")

# What Settings refuses to start without when APP_ENV=production (BETTER_AUTH_SECRET
# stands in for JWT_SECRET, so JWT_SECRET alone is listed).
REQUIRED_IN_PRODUCTION = ("DATABASE_URL", "JWT_SECRET")

DOCKERFILE = Path(__file__).resolve().parents[1] / "Dockerfile"


def settings_env() -> list[str]:
    """Settings' fields as environment variables (no prefix, case-insensitive)."""
    if Settings.model_config.get("env_prefix"):
        raise RuntimeError("Settings has an env_prefix now: teach runtime_manifest about it")
    return [name.upper() for name in Settings.model_fields]


def image_facts(dockerfile: Path = DOCKERFILE) -> dict[str, Any]:
    """The runtime stage's user (ARG APP_UID/APP_GID) and EXPOSEd ports."""
    text = dockerfile.read_text()
    runtime = next(
        (
            s
            for s in re.split(r"^FROM\s+", text, flags=re.M)
            if re.match(r"\S+\s+AS\s+runtime\b", s, re.I)
        ),
        None,
    )
    if runtime is None:
        raise RuntimeError(f"{dockerfile} has no `FROM ... AS runtime` stage")

    def arg(name: str) -> int:
        found = re.search(rf"^ARG\s+{name}=(\d+)\s*$", runtime, re.M)
        if found is None:
            raise RuntimeError(f"{dockerfile}'s runtime stage has no `ARG {name}=<number>`")
        return int(found.group(1))

    ports = [
        int(p.split("/")[0])
        for line in re.findall(r"^EXPOSE\s+(.+)$", runtime, re.M)
        for p in line.split()
    ]
    return {"uid": arg("APP_UID"), "gid": arg("APP_GID"), "ports": ports}


def runtime_manifest(settings: Settings) -> dict[str, Any]:
    from todo_api.api.routes import health
    from todo_api.main import create_app

    if not any(getattr(r, "path", None) == DRAIN for r in health.router.routes):
        raise RuntimeError(f"the drain route {DRAIN} is not served")
    # The app's own route table, as its OpenAPI document lists it (GET routes only).
    paths = create_app(settings).openapi()["paths"]
    routes = sorted(path for path, operations in paths.items() if "get" in operations)
    missing = [path for path in PROBES.values() if path not in routes]
    if missing:
        raise RuntimeError(f"probe routes the app does not serve: {missing}")
    names = sorted({*settings_env(), *PROCESS_ENV})
    return {
        "image": image_facts(),
        "probes": PROBES,
        "drain": DRAIN,
        "metrics": {
            "port": Settings.model_fields["metrics_port"].default,
            "env": "METRICS_PORT",
            "path": METRICS_PATH,
            "writableDir": METRICS_DIR,
        },
        "routes": routes,
        "env": [{"name": n, "requiredInProduction": n in REQUIRED_IN_PRODUCTION} for n in names],
    }


def render_runtime_manifest(settings: Settings) -> str:
    """runtime.json exactly as committed (stable key order)."""
    return json.dumps(runtime_manifest(settings), indent=2) + "\n"
