"""Exception handlers: every error leaves as JSON with a `detail`, never as a bare 500 page."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

logger = logging.getLogger("todo_api.errors")


class ErrorResponse(BaseModel):
    """Every non-validation error: a sentence saying what went wrong."""

    detail: str


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


# Documented in the OpenAPI document so that generated clients know every outcome.
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _error("Missing, malformed, expired or wrongly signed bearer token"),
    403: _error("The token's user is not the path's {user_id}"),
    413: _error("Request body too large"),
    503: _error("Database unavailable; retry after the Retry-After seconds"),
}
NOT_FOUND_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: _error("No such task for this user"),
}


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    logger.warning("database unavailable", extra={"error": type(exc).__name__})
    return JSONResponse(
        {
            "detail": "the database is unavailable; retry shortly",
            "request_id": _request_id(request),
        },
        status_code=503,
        headers={"Retry-After": "2"},
    )


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return await database_unavailable(request, exc)
    logger.exception("unhandled error", extra={"request_id": _request_id(request)})
    return JSONResponse(
        {"detail": "internal server error", "request_id": _request_id(request)}, status_code=500
    )


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(OperationalError, database_unavailable)
    app.add_exception_handler(PoolTimeoutError, database_unavailable)
    app.add_exception_handler(Exception, unexpected_error)
