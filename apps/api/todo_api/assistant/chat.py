"""One chat turn, stateless: everything the turn needs is read from the database and
everything it produces is written back, so any replica can serve the next turn and a
conversation survives restarts.

Order of a turn: find (or start) the conversation, check the rate limit, store the user's
message, run the engine with a ToolRunner bound to the authenticated user, store the reply
with the tool calls it made.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todo_api.assistant.engine import Engine, HistoryMessage, Turn
from todo_api.assistant.tools import ToolRunner
from todo_api.models import (
    CONVERSATION_TITLE_MAX,
    ChatRequest,
    ChatResponse,
    Conversation,
    Message,
    ToolCallPublic,
    utcnow,
)

logger = logging.getLogger("todo_api.chat")

RATE_WINDOW = timedelta(minutes=1)
FALLBACK_REPLY = (
    "Sorry, something went wrong on my side and I couldn't finish that. "
    "Your tasks are safe; please try again in a moment."
)


class ConversationNotFoundError(LookupError):
    def __init__(self, conversation_id: int) -> None:
        super().__init__(f"conversation {conversation_id} not found")
        self.conversation_id = conversation_id


class ChatRateLimitedError(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many chat messages; try again in {retry_after} s")
        self.retry_after = retry_after


def _title_from(message: str) -> str:
    line = " ".join(message.split())
    if len(line) <= CONVERSATION_TITLE_MAX:
        return line
    return line[: CONVERSATION_TITLE_MAX - 1].rstrip() + "…"


async def get_conversation(
    session: AsyncSession, user_id: str, conversation_id: int
) -> Conversation:
    result = await session.exec(
        select(Conversation).where(
            Conversation.id == conversation_id, Conversation.user_id == user_id
        )
    )
    conversation = result.first()
    if conversation is None:
        raise ConversationNotFoundError(conversation_id)
    return conversation


async def list_conversations(
    session: AsyncSession, user_id: str, *, limit: int, offset: int = 0
) -> list[Conversation]:
    result = await session.exec(
        select(Conversation)
        .where(Conversation.user_id == user_id)
        .order_by(col(Conversation.updated_at).desc(), col(Conversation.id).desc())
        .limit(limit)
        .offset(offset)
    )
    return list(result.all())


async def list_messages(
    session: AsyncSession,
    user_id: str,
    conversation_id: int,
    *,
    limit: int,
    before: int | None = None,
) -> list[Message]:
    """The newest `limit` messages (older than message `before`, when given), oldest
    first: a page that reads top to bottom, and `before` pages back through history."""
    await get_conversation(session, user_id, conversation_id)
    query = select(Message).where(Message.conversation_id == conversation_id)
    if before is not None:
        query = query.where(col(Message.id) < before)
    result = await session.exec(query.order_by(col(Message.id).desc()).limit(limit))
    return list(reversed(result.all()))


async def delete_conversation(session: AsyncSession, user_id: str, conversation_id: int) -> None:
    conversation = await get_conversation(session, user_id, conversation_id)
    # Explicit, so it does not depend on SQLite's foreign-key enforcement being on.
    await session.exec(delete(Message).where(col(Message.conversation_id) == conversation_id))
    await session.delete(conversation)
    await session.commit()


async def _check_rate(session: AsyncSession, user_id: str, limit: int) -> None:
    if limit <= 0:
        return
    since = utcnow() - RATE_WINDOW
    result = await session.exec(
        select(func.count(), func.min(Message.created_at)).where(
            Message.user_id == user_id, Message.role == "user", Message.created_at > since
        )
    )
    count, oldest = result.one()
    if count < limit:
        return
    # The window frees a slot when its oldest message leaves it.
    oldest_utc = oldest if oldest.tzinfo else oldest.replace(tzinfo=since.tzinfo)
    wait = (oldest_utc + RATE_WINDOW - utcnow()).total_seconds()
    raise ChatRateLimitedError(max(1, math.ceil(wait)))


async def _history(
    session: AsyncSession, conversation_id: int, window: int
) -> list[HistoryMessage]:
    if window == 0:
        return []
    result = await session.exec(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(col(Message.id).desc())
        .limit(window)
    )
    return [
        HistoryMessage(
            role="assistant" if m.role == "assistant" else "user",
            content=m.content,
            tool_calls=tuple(m.tool_calls or ()),
        )
        for m in reversed(result.all())
    ]


async def chat_turn(
    session: AsyncSession,
    engine: Engine,
    user_id: str,
    request: ChatRequest,
    *,
    rate_limit: int,
    history_window: int,
) -> ChatResponse:
    if request.conversation_id is not None:
        conversation = await get_conversation(session, user_id, request.conversation_id)
    else:
        conversation = None
    await _check_rate(session, user_id, rate_limit)

    if conversation is None:
        conversation = Conversation(user_id=user_id, title=_title_from(request.message))
        session.add(conversation)
        await session.flush()
        history: list[HistoryMessage] = []
    else:
        history = await _history(session, _id(conversation), history_window)
    conversation_id = _id(conversation)
    # The user's message is stored before the engine runs: a failure later loses nothing.
    session.add(
        Message(
            user_id=user_id, conversation_id=conversation_id, role="user", content=request.message
        )
    )
    await session.commit()

    runner = ToolRunner(session, user_id)
    started = time.perf_counter()
    try:
        reply = await engine.reply(Turn(user_id, request.message, history, runner))
    except Exception:
        logger.exception("assistant engine %s failed", engine.name)
        await session.rollback()
        reply = FALLBACK_REPLY
    calls: list[dict[str, Any]] = [call.as_dict() for call in runner.calls]
    logger.info(
        "chat turn",
        extra={
            "engine": engine.name,
            "tools": [c["name"] for c in calls],
            "engine_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )

    now = utcnow()
    session.add(
        Message(
            user_id=user_id,
            conversation_id=conversation_id,
            role="assistant",
            content=reply,
            tool_calls=calls or None,
            created_at=now,
        )
    )
    conversation = await get_conversation(session, user_id, conversation_id)
    conversation.updated_at = now
    await session.commit()
    return ChatResponse(
        conversation_id=conversation_id,
        response=reply,
        tool_calls=[ToolCallPublic.model_validate(c) for c in calls],
    )


def _id(conversation: Conversation) -> int:
    if conversation.id is None:  # pragma: no cover - set by the INSERT
        raise RuntimeError("conversation was not stored")
    return conversation.id
