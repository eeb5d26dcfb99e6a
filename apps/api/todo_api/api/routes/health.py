"""Probes. /healthz: the process is alive (no dependencies). /readyz: it can serve,
meaning the database answers and is migrated at least to this build's head revision.
/drainz: the preStop hook (todo_api/core/drain.py); /readyz answers 503 while it drains.

A database *ahead* of this build (at a revision this build does not know) counts as
ready: during an upgrade the migration Job moves the schema forward while the previous
pods still serve, and after a rollback of the code the schema stays where it is.
Migrations are written expand/contract so that both builds work on the newer schema."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from todo_api.core.db import current_revision
from todo_api.core.drain import MAX_DRAIN_SECONDS
from todo_api.core.migrate import head_revision, known_revisions

router = APIRouter(tags=["health"])
logger = logging.getLogger(__name__)
READINESS_TIMEOUT_SECONDS = 2.0


@router.get("/healthz", summary="Liveness")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness: database reachable and migrated",
    responses={503: {"description": "Not ready; `reason` says why"}},
)
async def readyz(request: Request) -> JSONResponse:
    if request.app.state.drain.active:
        return _not_ready("draining: the pod is stopping")
    expected = head_revision()
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
            revision = await current_revision(request.app.state.engine)
    except Exception as exc:  # any failure to ask the database means "not ready"
        logger.warning("readiness: database unreachable", extra={"error": type(exc).__name__})
        return _not_ready("database unreachable")
    if revision != expected and (revision is None or revision in known_revisions()):
        return _not_ready(f"database at migration {revision}, expected {expected}")
    return JSONResponse({"status": "ready", "database": "ok", "migration": revision})


def _not_ready(reason: str) -> JSONResponse:
    return JSONResponse({"status": "not ready", "reason": reason}, status_code=503)


@router.get("/drainz", include_in_schema=False)
async def drainz(
    request: Request, seconds: float = Query(default=5.0, ge=0, le=MAX_DRAIN_SECONDS)
) -> dict[str, str | float]:
    """The preStop hook: drain keep-alive connections for `seconds`, answering when done
    (the kubelet sends SIGTERM after the hook returns)."""
    drained = request.app.state.drain.start(seconds)
    logger.info("draining connections before stop", extra={"seconds": drained})
    await asyncio.sleep(drained)
    return {"status": "drained", "seconds": drained}
