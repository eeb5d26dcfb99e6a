"""`/mcp`: the MCP server of `assistant/mcp_server.py` served over Streamable HTTP on the
FastAPI app, behind the REST API's bearer tokens; each call acts for the token's user,
with a database session of its own. `mount_mcp` adds the route; the app's lifespan runs
the SDK's session manager (`McpEndpoint.run`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

from fastapi import FastAPI
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from todo_api.assistant.mcp_server import Actor, build_server
from todo_api.assistant.tools import ToolRunner
from todo_api.core.config import Settings
from todo_api.core.security import CHALLENGE_HEADERS, InvalidTokenError, bearer_user_id
from todo_api.core.sql import connect

MCP_PATH: Final = "/mcp"
# Where the HTTP gate leaves the token's user for the tools (the request scope's state).
_SCOPE_USER: Final = "mcp_token_user_id"


def _http_actor(app: FastAPI) -> Actor:
    """The token's user (left in the request scope by the gate), with a database session
    from the app's factory for the duration of one call."""

    @asynccontextmanager
    async def actor(ctx: Context[Any, Any]) -> AsyncIterator[ToolRunner]:
        request = ctx.request_context.request
        state = request.scope.get("state", {}) if isinstance(request, Request) else {}
        user_id = state.get(_SCOPE_USER)
        if not isinstance(user_id, str):  # only reachable if the gate were bypassed
            raise RuntimeError("MCP request without an authenticated user")
        async with connect(app.state.engine) as db:
            yield ToolRunner(db, user_id)

    return actor


class McpEndpoint:
    """The ASGI app at /mcp: checks the bearer token exactly as /api does (the same
    `core.security.bearer_user_id`; 401 with `WWW-Authenticate: Bearer` and a JSON detail
    otherwise), then hands the request to the SDK's Streamable HTTP session manager.

    Stateless and JSON: each POST is answered on its own (no session id, no server-side
    session, no SSE stream), so any replica can serve any request, like the REST API.

    The SDK's DNS-rebinding protection (a Host/Origin allow-list) is off. It guards
    servers that trust whoever reaches them, such as a tool on localhost that a web page
    could reach by rebinding a hostname; here every request must carry a bearer token,
    which a browser never adds by itself, so a rebound page gets nothing. An allow-list
    would also have to know every name the API is reached by (Kubernetes service names,
    ingress hosts, 127.0.0.1:port in tests) and would break on each new one.
    """

    def __init__(self, server: MCPServer, settings: Settings) -> None:
        self.server = server
        self.settings = settings
        self._manager: StreamableHTTPSessionManager | None = None
        self.route: Route | None = None  # set by mount_mcp

    @asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        """Serve while inside (enter it in the app's lifespan). Each run gets a fresh
        session manager, as the SDK allows one run per manager."""
        self.server.streamable_http_app(
            streamable_http_path=MCP_PATH,
            stateless_http=True,
            json_response=True,
            max_request_body_size=self.settings.max_body_bytes,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        manager = self.server.session_manager
        async with manager.run():
            self._manager = manager
            try:
                yield
            finally:
                self._manager = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # FastAPI records only its own routes; the request log line wants the template.
        scope.setdefault("route", self.route)
        try:
            authorization = Headers(scope=scope).get("authorization")
            user_id = bearer_user_id(authorization, self.settings.token_secret)
        except InvalidTokenError as exc:
            response = JSONResponse(
                {"detail": str(exc)}, status_code=401, headers=dict(CHALLENGE_HEADERS)
            )
            await response(scope, receive, send)
            return
        manager = self._manager
        if manager is None:
            await JSONResponse({"detail": "the MCP server is not running"}, 503)(
                scope, receive, send
            )
            return
        scope.setdefault("state", {})[_SCOPE_USER] = user_id
        await manager.handle_request(scope, receive, send)


def mount_mcp(app: FastAPI, settings: Settings) -> McpEndpoint:
    """Serve the tools at `/mcp` on `app`; the app's lifespan must enter `.run()`."""
    endpoint = McpEndpoint(build_server(_http_actor(app)), settings)
    # An ASGI app as the endpoint: Starlette's Route serves it as is (any method).
    app.add_route(MCP_PATH, endpoint, include_in_schema=False)  # type: ignore[arg-type]
    route = app.router.routes[-1]
    if not isinstance(route, Route) or route.path != MCP_PATH:
        raise RuntimeError("add_route did not append the /mcp route")
    endpoint.route = route
    # The SDK logs "Terminating session: None" at INFO after every stateless request.
    logging.getLogger("mcp.server.streamable_http").setLevel(logging.WARNING)
    return endpoint
