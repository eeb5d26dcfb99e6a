"""The interface both assistants implement (offline and LLM), so the chat endpoint
does not care which one answers.

An assistant gets one `Turn`: the user's new message, the conversation's recent history
(oldest first, with the tool calls each assistant message made) and a `ToolRunner` bound
to the authenticated user. It calls tools through the runner (which records them for the
response and the history) and returns the reply text. An assistant must not raise for
anything a user can say; the chat endpoint still turns an unexpected exception into a
friendly reply and a logged error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from todo_api.assistant.tools import ToolCall, ToolRunner

TurnFailure = Literal["timeout", "llm_unavailable", "too_many_steps", "failed"]


@dataclass(frozen=True)
class HistoryMessage:
    role: Literal["user", "assistant"]
    content: str
    # For assistant messages: [{name, arguments, result}] in call order, else empty.
    tool_calls: Sequence[dict[str, Any]] = field(default_factory=tuple)
    # For assistant messages: what the assistant noted in `Turn.memo` on that turn.
    memo: Mapping[str, Any] | None = None


@dataclass
class Turn:
    # For logging and phrasing only: tools act for `tools.user_id`, fixed by the request.
    user_id: str
    message: str
    history: Sequence[HistoryMessage]
    tools: ToolRunner
    # JSON-able notes the assistant keeps for its next turn (the ids it showed, a question it
    # asked), stored with the reply and handed back as that message's `memo`. Structured
    # data, so nothing has to be read back out of reply text that contains user titles.
    memo: dict[str, Any] = field(default_factory=dict)
    # Set by an assistant whose reply only says that the turn failed (why, in a word:
    # "timeout", "llm_unavailable", "too_many_steps", "failed"): the chat turns metric's
    # outcome, "ok" when unset.
    failure: TurnFailure | None = None


class Assistant(Protocol):
    # "offline" or "llm": logged with each turn.
    name: str

    async def reply(self, turn: Turn) -> str: ...


def _done(call: ToolCall) -> str | None:
    result = call.result
    if not isinstance(result, dict) or "error" in result:
        return None
    status, title = result.get("status"), result.get("title")
    return f"{status} '{title}'" if status and title else None


def with_progress(reply: str, calls: Sequence[ToolCall]) -> str:
    """A failure reply, led by what the turn already did: those changes stand, and the
    user must not be told otherwise."""
    done = [d for d in map(_done, calls) if d]
    return f"Before that, I did this: {', '.join(done)}. {reply}" if done else reply
