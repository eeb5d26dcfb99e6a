"""Error responses: every failure leaves as JSON with a `detail`, never as a bare page.

Unexpected exceptions become a 500 inside RequestContextMiddleware (so the response still
carries its X-Request-ID); the handlers here cover the expected failures."""

from __future__ import annotations

import json
import logging
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from todo_api.core.sql import DatabaseUnavailableError

logger = logging.getLogger("todo_api.errors")
# Inputs echoed in a 422 are cut here: the caller sent them, they need not come back whole.
ECHO_LIMIT = 200


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


def _json_safe(value: Any) -> Any | None:
    """The value if it encodes as strict UTF-8 JSON (no NaN/Infinity, no lone surrogates)
    and is short, else None."""
    try:
        encoded = json.dumps(value, allow_nan=False, ensure_ascii=False)
        encoded.encode("utf-8")
    except (TypeError, ValueError):  # UnicodeEncodeError is a ValueError
        return None
    return value if len(encoded) <= ECHO_LIMIT else None


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    detail = []
    for error in cast(RequestValidationError, exc).errors():
        item = {"type": error["type"], "loc": list(error["loc"]), "msg": error["msg"]}
        echoed = _json_safe(error.get("input"))
        if echoed is not None:
            item["input"] = echoed
        detail.append(item)
    return JSONResponse({"detail": detail}, status_code=422)


async def http_error(request: Request, exc: Exception) -> Response:
    if cast(StarletteHTTPException, exc).status_code == 400:
        # FastAPI's "error parsing the body" (invalid UTF-8, JSON nested too deep): bad input
        # like any other, so a 422 that names the body.
        detail = [{"type": "json_invalid", "loc": ["body"], "msg": "the body is not valid JSON"}]
        return JSONResponse({"detail": detail}, status_code=422)
    return await http_exception_handler(request, cast(StarletteHTTPException, exc))


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    if (
        isinstance(exc, DBAPIError)
        and not isinstance(exc, OperationalError)
        and not exc.connection_invalidated
    ):
        raise exc  # a genuine bug: RequestContextMiddleware turns it into a logged 500
    logger.warning("database unavailable", extra={"error": type(exc).__name__})
    return JSONResponse(
        {
            "detail": "the database is unavailable; retry shortly",
            "request_id": _request_id(request),
        },
        status_code=503,
        headers={"Retry-After": "2"},
    )


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(DBAPIError, database_unavailable)
    app.add_exception_handler(PoolTimeoutError, database_unavailable)
    app.add_exception_handler(DatabaseUnavailableError, database_unavailable)
