"""The MCP server of the contract's five task tools, with the official MCP SDK
(`MCPServer`). No HTTP here: `api/mcp.py` serves it at `/mcp` behind the bearer tokens,
and the LLM assistant (`assistant/llm.py`) talks to it in process.

The tools are defined once, from `tools.TOOL_SPECS` (descriptions, argument schemas) and
run by `tools.ToolRunner` (validation, the task logic, a record of each call), so there is
no second copy of either. What differs between the two places the server is used is only
who the tools act for, an *actor*:

- over HTTP (`api/mcp.py`): the bearer token's user, with a database session per call;
- in process (the LLM assistant): the chat turn's `ToolRunner`, so the agent's calls land in
  the turn's session and in the chat response's list of calls.

Each tool takes the contract's `user_id`; a `user_id` that is not the actor's user is
refused with an error result, and nothing is done.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Final

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import ConfigDict

from todo_api import __version__
from todo_api.assistant.tools import (
    TOOL_SPECS,
    ToolResult,
    ToolRunner,
    ToolSpec,
    count_call,
    error,
    is_error,
)
from todo_api.core.security import MAX_SUBJECT_LENGTH

SERVER_NAME: Final = "todo-tasks"
INSTRUCTIONS: Final = (
    "Manage one user's to-do list. Every tool takes user_id: the signed-in user's id "
    "(the subject of the bearer token); other users' lists cannot be reached. Use "
    "list_tasks to find a task's numeric id before completing, updating or deleting it."
)

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
                count_call(spec.name, refusal)
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
