"""Probes. /healthz: the process is alive (no dependencies). /readyz: it can serve,
meaning the database answers and is migrated at least to this build's head revision.

A database *ahead* of this build (at a revision this build does not know) counts as
ready: during an upgrade the migration Job moves the schema forward while the previous
pods still serve, and after a rollback of the code the schema stays where it is.
Migrations are written expand/contract so that both builds work on the newer schema."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from todo_api.core.db import current_revision
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
