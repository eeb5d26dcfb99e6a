"""Plain ASGI middleware (no per-request task or body buffering): request ids, one JSON
log line and the request metrics per request, and a cap on request body size."""

from __future__ import annotations

import json
import logging
import os
import re
import time
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from todo_api.core.logging import log_info
from todo_api.core.metrics import record_request

logger = logging.getLogger("todo_api.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


# Every answer is JSON about one user (or a probe): never sniffed as another type, never
# kept by a shared cache or the browser's back/forward cache.
_SECURITY_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store"))


class RequestContextMiddleware:
    """Takes `X-Request-ID` from the caller (or makes one), returns it with the security
    headers, refuses bodies over `max_bytes` with 413 (by Content-Length or while streaming),
    and logs and counts the request (core/metrics.py) with its route template, never its raw
    path (which holds user ids). One layer for all of it: each ASGI layer costs every request."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID.match(incoming) else os.urandom(16).hex()
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        response_started = False
        received = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                present = {key.lower() for key, _ in headers}
                headers.extend(h for h in _SECURITY_HEADERS if h[0] not in present)
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLargeError(self.max_bytes)
            return message

        try:
            declared = _header(scope, b"content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
                await _too_large(send_with_id, self.max_bytes)
                return
            await self.app(scope, limited_receive, send_with_id)
        except _BodyTooLargeError:
            if response_started:
                raise
            await _too_large(send_with_id, self.max_bytes)
        except Exception:
            # Answer here rather than in Starlette's outermost error middleware, so that the
            # 500 carries the request id the caller can quote.
            logger.exception("unhandled error", extra={"request_id": request_id})
            if response_started:
                raise
            await _send_json(
                send_with_id, 500, {"detail": "internal server error", "request_id": request_id}
            )
        finally:
            elapsed = time.perf_counter() - started
            path = getattr(scope.get("route"), "path", None) or "<unmatched>"
            method = scope["method"]
            record_request(path, method, status, elapsed)
            fields = {"method": method, "path": path, "status": status}
            fields |= {"duration_ms": round(elapsed * 1000, 2), "request_id": request_id}
            log_info(logger, "request", fields)


class _BodyTooLargeError(HTTPException):
    # An HTTPException, so that FastAPI's body parsing re-raises it as is (as a 413)
    # instead of wrapping it in a generic 400.
    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large_detail(limit))


def _too_large_detail(limit: int) -> str:
    return f"request body is larger than the {limit}-byte limit"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _too_large(send: Send, limit: int) -> None:
    await _send_json(send, 413, {"detail": _too_large_detail(limit)})


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
