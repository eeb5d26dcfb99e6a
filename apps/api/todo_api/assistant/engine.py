"""The interface both assistant engines implement (offline and LLM), so the chat endpoint
does not care which one answers.

An engine gets one `Turn`: the user's new message, the conversation's recent history
(oldest first, with the tool calls each assistant message made) and a `ToolRunner` bound
to the authenticated user. It calls tools through the runner (which records them for the
response and the history) and returns the reply text. An engine must not raise for
anything a user can say; the chat endpoint still turns an unexpected exception into a
friendly reply and a logged error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from todo_api.assistant.tools import ToolRunner


@dataclass(frozen=True)
class HistoryMessage:
    role: Literal["user", "assistant"]
    content: str
    # For assistant messages: [{name, arguments, result}] in call order, else empty.
    tool_calls: Sequence[dict[str, Any]] = field(default_factory=tuple)


@dataclass
class Turn:
    user_id: str
    message: str
    history: Sequence[HistoryMessage]
    tools: ToolRunner


class Engine(Protocol):
    # "offline" or "llm": logged with each turn.
    name: str

    async def reply(self, turn: Turn) -> str: ...
