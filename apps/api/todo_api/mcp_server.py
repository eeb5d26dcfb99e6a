"""The MCP server: the contract's five task tools, served by the official MCP SDK
(`MCPServer`) over Streamable HTTP at `/mcp`, behind the REST API's bearer tokens.

The tools are defined once, from `tools.TOOL_SPECS` (descriptions, argument schemas) and
run by `tools.ToolRunner` (validation, the task logic, a record of each call), so there is
no second copy of either. What differs between the two places the server is used is only
who the tools act for, an *actor*:

- over HTTP (`mount_mcp`): the bearer token's user, with a database session per call;
- in process (`build_server` for the LLM engine): the chat turn's `ToolRunner`, so the
  agent's calls land in the turn's session and in the chat response's list of calls.

Each tool takes the contract's `user_id`; a `user_id` that is not the actor's user is
refused with an error result, and nothing is done.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Final

from fastapi import FastAPI, HTTPException
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import ConfigDict
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from todo_api import __version__
from todo_api.api.deps import authenticated_user_id
from todo_api.assistant.tools import (
    TOOL_SPECS,
    ToolResult,
    ToolRunner,
    ToolSpec,
    error,
    is_error,
)
from todo_api.core.config import Settings
from todo_api.core.security import MAX_SUBJECT_LENGTH

MCP_PATH: Final = "/mcp"
SERVER_NAME: Final = "todo-tasks"
INSTRUCTIONS: Final = (
    "Manage one user's to-do list. Every tool takes user_id: the signed-in user's id "
    "(the subject of the bearer token); other users' lists cannot be reached. Use "
    "list_tasks to find a task's numeric id before completing, updating or deleting it."
)
# Where the HTTP gate leaves the token's user for the tools (the request scope's state).
_SCOPE_USER: Final = "mcp_token_user_id"

USER_ID_SCHEMA: Final[dict[str, Any]] = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_SUBJECT_LENGTH,
    "description": (
        "The signed-in user's id (the bearer token's subject). The tool acts for this "
        "user only, and refuses any other id."
    ),
}
_ANNOTATIONS: Final[dict[str, ToolAnnotations]] = {
    "add_task": ToolAnnotations(title="Add a task", read_only_hint=False, destructive_hint=False),
    "list_tasks": ToolAnnotations(title="List tasks", read_only_hint=True),
    "complete_task": ToolAnnotations(
        title="Complete a task", read_only_hint=False, destructive_hint=False, idempotent_hint=True
    ),
    "delete_task": ToolAnnotations(
        title="Delete a task", read_only_hint=False, destructive_hint=True, idempotent_hint=True
    ),
    "update_task": ToolAnnotations(
        title="Update a task", read_only_hint=False, destructive_hint=True, idempotent_hint=True
    ),
}

# Who the tools act for in one call: yields the runner bound to that user.
Actor = Callable[[Context[Any, Any]], AbstractAsyncContextManager[ToolRunner]]


def input_schema(spec: ToolSpec) -> dict[str, Any]:
    """The tool's JSON schema as clients see it: the contract's `user_id` (required)
    first, then the arguments of `spec.args`."""
    schema = spec.args.model_json_schema()
    return {
        **schema,
        "title": f"{spec.name}_arguments",
        "properties": {"user_id": USER_ID_SCHEMA, **schema.get("properties", {})},
        "required": ["user_id", *schema.get("required", [])],
    }


class _AsSent(ArgModelBase):
    """Passes the arguments on as sent, under one `arguments` keyword: the runner
    validates them against `spec.args` and answers mistakes with the contract's error
    values (`invalid_argument` naming the field), the same as for every other caller."""

    model_config = ConfigDict(extra="allow")

    def model_dump_one_level(self) -> dict[str, Any]:
        return {"arguments": dict(self.model_extra or {})}


def to_call_result(result: ToolResult) -> CallToolResult:
    """The contract's JSON as text (what a model reads), and as structured content (an
    object, so list_tasks' list is under `result`, as the SDK wraps non-object output)."""
    structured = result if isinstance(result, dict) else {"result": result}
    return CallToolResult(
        content=[TextContent(type="text", text=json.dumps(result, ensure_ascii=False))],
        structured_content=structured,
        is_error=is_error(result),
    )


def _check_user(claimed: object, actual: str) -> dict[str, Any] | None:
    if claimed is None:
        return error("invalid_argument", "user_id: Field required", field="user_id")
    if not isinstance(claimed, str):
        message = "user_id: Input should be a valid string"
        return error("invalid_argument", message, field="user_id")
    if claimed != actual:
        message = (
            "user_id is not the signed-in user (the bearer token's subject); "
            "these tools act only on the token's own tasks. Nothing was changed."
        )
        return error("forbidden", message, field="user_id")
    return None


def _tool(spec: ToolSpec, actor: Actor) -> Tool:
    async def run(arguments: dict[str, Any], ctx: Context[Any, Any]) -> CallToolResult:
        claimed = arguments.pop("user_id", None)
        async with actor(ctx) as runner:
            refusal = _check_user(claimed, runner.user_id)
            if refusal is not None:
                return to_call_result(refusal)
            return to_call_result(await runner.call(spec.name, arguments))

    return Tool(
        fn=run,
        name=spec.name,
        title=_ANNOTATIONS[spec.name].title,
        description=spec.description,
        parameters=input_schema(spec),
        fn_metadata=FuncMetadata(arg_model=_AsSent),
        is_async=True,
        context_kwarg="ctx",
        annotations=_ANNOTATIONS[spec.name],
    )


def build_server(actor: Actor) -> MCPServer:
    """An MCP server whose five tools act for whoever `actor` yields."""
    return MCPServer(
        SERVER_NAME,
        title="Todo tasks",
        instructions=INSTRUCTIONS,
        version=__version__,
        tools=[_tool(spec, actor) for spec in TOOL_SPECS.values()],
    )


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
        async with app.state.sessions() as session:
            yield ToolRunner(session, user_id)

    return actor


class McpEndpoint:
    """The ASGI app at /mcp: checks the bearer token exactly as /api does (the same
    dependency; 401 with `WWW-Authenticate: Bearer` and a JSON detail otherwise), then
    hands the request to the SDK's Streamable HTTP session manager.

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
            user_id = authenticated_user_id(Request(scope), self.settings)
        except HTTPException as exc:
            response = JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
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
