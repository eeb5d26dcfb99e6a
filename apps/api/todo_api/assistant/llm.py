"""The LLM assistant: an OpenAI Agents SDK agent on any OpenAI-compatible Chat Completions
server (OpenAI, Ollama, vLLM), using the task tools of our own MCP server.

How the agent reaches the tools: for each turn, the MCP server of `assistant/mcp_server.py`
(the same tool definitions and schemas as /mcp) is built with the turn's `ToolRunner` as
its actor, and the MCP SDK's own client talks to it in process. The Agents SDK sees it
through `TurnTools`, an `agents.mcp.MCPServer`. So:

- every call runs through `turn.tools`: in the turn's database session, recorded (with
  arguments and result) for the chat response and the stored history;
- the acting user is the request's: `user_id` is taken out of the schemas the model sees
  and set to the turn's user on every call, whatever the model sent;
- no loopback HTTP, no token minting, no second copy of the tools.

Failures (timeout, the LLM server's errors, too many turns, a model misusing the tools)
end as a friendly reply and a logged error; `reply` never raises for them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, Final

from agents import Agent, RunConfig, Runner, RunResult, TResponseInputItem, set_tracing_disabled
from agents.exceptions import MaxTurnsExceeded, ModelBehaviorError
from agents.mcp import MCPServer as AgentsMCPServer
from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel
from agents.run_context import RunContextWrapper
from mcp import Client
from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, GetPromptResult, ListPromptsResult
from mcp_types import Tool as MCPTool
from openai import APIConnectionError, APIStatusError, APITimeoutError, AsyncOpenAI

from todo_api.assistant.mcp_server import SERVER_NAME, build_server
from todo_api.assistant.protocol import HistoryMessage, Turn, TurnFailure, with_progress
from todo_api.assistant.tools import ToolRunner
from todo_api.core.config import Settings

logger = logging.getLogger("todo_api.assistant.llm")

# The model and the turn's time limit come from Settings (openai_model,
# llm_timeout_seconds); these are the assistant's own.
# Model round trips per turn: enough for list -> act -> answer on a few tasks.
DEFAULT_MAX_TURNS: Final = 10
# How long a turn that was cut short still waits for a tool call already under way (see
# TurnTools). A database call takes milliseconds; this only bounds a hung one. Kept small:
# the turn's limit (at most 50 s) plus this must stay under the web proxy's 60 s.
CALL_GRACE_SECONDS: Final = 5.0
# How long a call cancelled after the grace period is given to unwind.
CANCEL_UNWIND_SECONDS: Final = 1.0
# Earlier turns' list_tasks results are replayed to the model with this many tasks at
# most (then {"more": N}): a list is stale by the next turn anyway, and 20 messages of
# up to tools.LIST_LIMIT tasks each would make a huge prompt. Action results stay whole.
HISTORY_LIST_ITEMS: Final = 20

INSTRUCTIONS: Final = """\
You are the assistant of a to-do app. You manage the signed-in user's task list with \
these tools: add_task, list_tasks, complete_task, delete_task, update_task.

- Use the tools for every change, and never say a change was made unless a tool \
confirmed it.
- Tasks are changed by numeric id. When the user names a task in words, call \
list_tasks first and pick the matching task; if several match, ask which one.
- To reopen a done task ("mark it as not done", "undo that" after completing), call \
update_task with completed false.
- Tool results are JSON. A result with "error" means nothing was done: say so briefly \
and suggest what would work.
- Lists from earlier messages may be cut short (ending in {"more": N}) and out of date: \
call list_tasks again when you need the current list.
- Answer in one or two short, friendly sentences that name the task, e.g. \
"Added 'Buy groceries' to your list." or "Marked 'Call mom' as done." When listing, \
give one task per line with its id and whether it is done.
- Answer in the user's language. For anything that is not about their tasks, say \
briefly that you help with their to-do list.
"""

TIMEOUT_REPLY: Final = "Sorry, that took me too long to answer. Please try again in a moment."
UNAVAILABLE_REPLY: Final = (
    "Sorry, I can't reach my language model right now. Please try again in a moment."
)
TOO_MANY_STEPS_REPLY: Final = (
    "Sorry, I couldn't finish that in a reasonable number of steps. "
    "Could you ask for one thing at a time?"
)
CONFUSED_REPLY: Final = "Sorry, something went wrong while I worked on that. Could you rephrase it?"


def _tool_failure(_ctx: RunContextWrapper[Any], error: Exception) -> str:
    """What the model reads when a call could not even be made (arguments that are not
    a JSON object, say), in the shape of the tools' own error values."""
    logger.warning("llm tool call failed", extra={"error": type(error).__name__})
    if isinstance(error, ModelBehaviorError):
        message = "The arguments must be one JSON object that matches the tool's schema."
        return json.dumps({"error": "invalid_argument", "message": message})
    return json.dumps({"error": "tool_failed", "message": "The tool could not be run."})


class TurnTools(AgentsMCPServer):
    """Our MCP server's tools for one turn, as the Agents SDK sees an MCP server.

    The MCP SDK's client connects in process to an MCP server built with this turn's
    runner as the actor. Calls are serialized: they share the turn's database session.

    A turn cut short (the time limit, a failure elsewhere) with a call under way: the one
    mechanism is that each call runs in its own task, which the turn's cancellation does
    not reach (`asyncio.shield`), and `cleanup` waits for it at most `grace_seconds`, then
    cancels it. So a change made as time runs out is still made, recorded and reported,
    and a hung database delays the reply by `grace_seconds` (+ CANCEL_UNWIND_SECONDS) at
    most. Nothing else waits for a call."""

    def __init__(self, runner: ToolRunner, *, grace_seconds: float = CALL_GRACE_SECONDS) -> None:
        super().__init__(use_structured_content=False, failure_error_function=_tool_failure)
        self.runner = runner
        self.grace_seconds = grace_seconds
        self._client: Client | None = None
        self._exit_stack = AsyncExitStack()
        # Held from a call's start to the end of its task, not of its (cancellable)
        # caller: a second call never starts while one still uses the session.
        self._lock = asyncio.Lock()
        self._call: asyncio.Task[CallToolResult] | None = None

    @property
    def name(self) -> str:
        return SERVER_NAME

    async def connect(self) -> None:
        runner = self.runner

        @asynccontextmanager
        async def actor(_ctx: Context[Any, Any]) -> AsyncIterator[ToolRunner]:
            yield runner

        client = Client(build_server(actor), cache=None, raise_exceptions=False)
        self._client = await self._exit_stack.enter_async_context(client)

    async def cleanup(self) -> None:
        call = self._call
        try:
            if call is not None and not call.done():
                await asyncio.wait({call}, timeout=self.grace_seconds)
        finally:
            if call is not None and not call.done():
                logger.error("tool call still running after the grace period; cancelled")
                call.cancel()
                # It normally unwinds at once; waiting for that (briefly) keeps two
                # tasks off the session when chat.py rolls it back.
                await asyncio.wait({call}, timeout=CANCEL_UNWIND_SECONDS)
            self._client = None
            await self._exit_stack.aclose()

    def _connected(self) -> Client:
        if self._client is None:
            raise RuntimeError("TurnTools is not connected")
        return self._client

    async def list_tools(
        self, run_context: RunContextWrapper[Any] | None = None, agent: Any = None
    ) -> list[MCPTool]:
        listed = await self._connected().list_tools()
        return [_without_user_id(tool) for tool in listed.tools]

    async def call_tool(
        self, tool_name: str, arguments: dict[str, Any] | None, meta: dict[str, Any] | None = None
    ) -> CallToolResult:
        # The request's user, always: a user_id the model made up is overwritten.
        arguments = {**(arguments or {}), "user_id": self.runner.user_id}
        client = self._connected()
        await self._lock.acquire()  # a turn cancelled while waiting here starts nothing
        call = asyncio.create_task(client.call_tool(tool_name, arguments))
        call.add_done_callback(lambda _: self._lock.release())
        self._call = call
        # See the class docstring: cancelling this caller leaves the call running.
        return await asyncio.shield(call)

    async def list_prompts(self) -> ListPromptsResult:
        return await self._connected().list_prompts()

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None
    ) -> GetPromptResult:
        return await self._connected().get_prompt(name, arguments)


def _without_user_id(tool: MCPTool) -> MCPTool:
    schema = dict(tool.input_schema)
    schema["properties"] = {k: v for k, v in schema.get("properties", {}).items() if k != "user_id"}
    schema["required"] = [name for name in schema.get("required", []) if name != "user_id"]
    return tool.model_copy(update={"input_schema": schema})


def input_items(history: Sequence[HistoryMessage], message: str) -> list[TResponseInputItem]:
    """The conversation as the model's input: earlier messages oldest first (an assistant
    message preceded by the tool calls it made, with their results), then `message`."""
    items: list[TResponseInputItem] = []
    for n, past in enumerate(history):
        if past.role == "user":
            items.append({"role": "user", "content": past.content})
            continue
        for m, call in enumerate(past.tool_calls):
            call_id = f"call_history_{n}_{m}"
            arguments = {
                k: v for k, v in dict(call.get("arguments") or {}).items() if k != "user_id"
            }
            items.append(
                {
                    "type": "function_call",
                    "call_id": call_id,
                    "name": str(call.get("name")),
                    "arguments": json.dumps(arguments, ensure_ascii=False),
                }
            )
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": call_id,
                    "output": json.dumps(_shortened(call.get("result")), ensure_ascii=False),
                }
            )
        items.append({"role": "assistant", "content": past.content})
    items.append({"role": "user", "content": message})
    return items


def _shortened(result: Any) -> Any:
    """A past tool result as the model sees it again: lists (list_tasks) cut to their
    first HISTORY_LIST_ITEMS items plus {"more": N}; anything else (the actions' results,
    errors) whole."""
    if isinstance(result, list) and len(result) > HISTORY_LIST_ITEMS:
        return [*result[:HISTORY_LIST_ITEMS], {"more": len(result) - HISTORY_LIST_ITEMS}]
    return result


class LlmAssistant:
    """The `Assistant` that asks an LLM. One instance serves every request; each turn gets
    its own agent run, tools and runner."""

    name = "llm"

    def __init__(
        self,
        client: AsyncOpenAI,
        model: str,
        *,
        timeout_seconds: float,
        max_turns: int = DEFAULT_MAX_TURNS,
        call_grace_seconds: float = CALL_GRACE_SECONDS,
    ) -> None:
        """`model` and `timeout_seconds` have no defaults here: they are settings
        (`from_settings` reads them), defaulted in one place, core/config.py."""
        self.client = client
        self.model = OpenAIChatCompletionsModel(model=model, openai_client=client)
        self.model_name = model
        self.timeout_seconds = timeout_seconds
        self.max_turns = max_turns
        self.call_grace_seconds = call_grace_seconds
        # Traces would go to OpenAI's tracing endpoint, whatever server answers the chat.
        set_tracing_disabled(True)

    @classmethod
    def from_settings(cls, settings: Settings) -> LlmAssistant:
        options: dict[str, Any] = {
            # Keyless local servers (Ollama, vLLM) still need a value in the header.
            "api_key": (
                settings.openai_api_key.get_secret_value()
                if settings.openai_api_key
                else "not-needed"
            ),
            "timeout": settings.llm_timeout_seconds,
            "max_retries": 1,
        }
        if settings.openai_base_url:
            options["base_url"] = settings.openai_base_url
        return cls(
            AsyncOpenAI(**options),
            settings.openai_model,
            timeout_seconds=settings.llm_timeout_seconds,
        )

    async def aclose(self) -> None:
        """Close the HTTP connections to the LLM server (at shutdown)."""
        await self.client.close()

    async def reply(self, turn: Turn) -> str:
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.timeout_seconds):
                result = await self._run(turn)
        except TimeoutError:
            return self._failed(turn, TIMEOUT_REPLY, "timed out", "timeout", started)
        except (APIConnectionError, APIStatusError) as exc:
            status = getattr(exc, "status_code", None)
            timed_out = isinstance(exc, APITimeoutError)
            return self._failed(
                turn,
                TIMEOUT_REPLY if timed_out else UNAVAILABLE_REPLY,
                "llm server error",
                "timeout" if timed_out else "llm_unavailable",
                started,
                status=status,
            )
        except MaxTurnsExceeded:
            return self._failed(
                turn, TOO_MANY_STEPS_REPLY, "too many model turns", "too_many_steps", started
            )
        except Exception:
            # ModelBehaviorError (an unknown tool, say) and anything unforeseen.
            return self._failed(
                turn, CONFUSED_REPLY, "llm turn failed", "failed", started, exc_info=True
            )
        text = str(result.final_output or "").strip()
        return text or with_progress("Done.", turn.tools.calls)

    async def _run(self, turn: Turn) -> RunResult:
        tools = TurnTools(turn.tools, grace_seconds=self.call_grace_seconds)
        await tools.connect()
        try:
            agent = Agent(
                name="Todo assistant",
                instructions=INSTRUCTIONS,
                model=self.model,
                mcp_servers=[tools],
            )
            return await Runner.run(
                agent,
                input_items(turn.history, turn.message),
                max_turns=self.max_turns,
                run_config=RunConfig(tracing_disabled=True, trace_include_sensitive_data=False),
            )
        finally:
            await tools.cleanup()

    def _failed(
        self,
        turn: Turn,
        reply: str,
        what: str,
        failure: TurnFailure,
        started: float,
        *,
        status: int | None = None,
        exc_info: bool = False,
    ) -> str:
        logger.error(
            what,
            extra={
                "assistant": self.name,
                "model": self.model_name,
                "status": status,
                "tool_calls": len(turn.tools.calls),
                "duration_ms": round((time.monotonic() - started) * 1000, 2),
            },
            exc_info=exc_info,
        )
        turn.failure = failure
        return with_progress(reply, turn.tools.calls)
