"""Connection draining before a pod stops, so a rolling update loses no request.

The kubelet calls GET /drainz?seconds=N as the api container's preStop hook. From then
until N seconds have passed, every response carries `Connection: close`: each keep-alive
connection a client (web's proxy) holds to this pod is closed right after a response,
never while idle. Without it, uvicorn's shutdown closes idle keep-alive connections, and a
request the client sends on one at that moment fails (ECONNRESET) although nothing is wrong.
Web's API client drops idle connections itself after 4 s (IDLE_SOCKET_MS in
apps/web/src/lib/server/api-transport.ts), so after N >= 5 s of draining no connection to
this pod is left for shutdown to cut.

The deadline lives in a file named after the parent process, so every worker of one
uvicorn drains together; it expires by itself, so a restarted container in the same pod
(whose /tmp survives) does not drain forever."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_DRAIN_SECONDS = 60
# Draining goes on this long after the hook returns: through uvicorn's graceful shutdown.
AFTER_HOOK_SECONDS = 5.0
_CHECK_EVERY_SECONDS = 0.25


class Drain:
    def __init__(self, marker: Path | None = None) -> None:
        self.marker = marker or Path(tempfile.gettempdir()) / f"todo-api-draining-{os.getppid()}"
        self._deadline = 0.0
        self._checked_at = float("-inf")

    def start(self, seconds: float) -> float:
        """Drains from now until `seconds` (at most MAX_DRAIN_SECONDS) plus AFTER_HOOK_SECONDS
        have passed; returns how long the hook should wait."""
        seconds = max(0.0, min(float(seconds), MAX_DRAIN_SECONDS))
        self._deadline = time.time() + seconds + AFTER_HOOK_SECONDS
        tmp = self.marker.with_suffix(f".{os.getpid()}")
        tmp.write_text(str(self._deadline))
        tmp.replace(self.marker)
        return seconds

    @property
    def active(self) -> bool:
        now = time.time()
        if now - self._checked_at >= _CHECK_EVERY_SECONDS:  # other workers' drains, cheaply
            self._checked_at = now
            with contextlib.suppress(OSError, ValueError):  # no drain yet, or being written
                self._deadline = max(self._deadline, float(self.marker.read_text()))
        return now < self._deadline


class ConnectionDrainMiddleware:
    """While draining, answers with `Connection: close` (uvicorn then closes the connection)."""

    def __init__(self, app: ASGIApp, drain: Drain) -> None:
        self.app = app
        self.drain = drain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.drain.active:
            await self.app(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"connection", b"close")]
            await send(message)

        await self.app(scope, receive, send_closing)
