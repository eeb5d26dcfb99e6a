"""One chat turn, stateless: everything the turn needs is read from the database and
everything it produces is written back, so any replica can serve the next turn and a
conversation survives restarts.

Order of a turn: find (or start) the conversation, check the rate limit, store the user's
message, run the assistant with a ToolRunner bound to the authenticated user, store the reply
with the tool calls it made.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import func, insert, update
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todo_api.assistant.protocol import Assistant, HistoryMessage, Turn, with_progress
from todo_api.assistant.tools import ToolRunner
from todo_api.core.metrics import record_chat_turn
from todo_api.core.text import shorten
from todo_api.crud.conversations import ConversationNotFoundError
from todo_api.models import (
    CONVERSATION_TITLE_MAX,
    ChatRateEvent,
    ChatRequest,
    ChatResponse,
    Conversation,
    Message,
    ToolCallPublic,
    utcnow,
)

logger = logging.getLogger("todo_api.chat")

RATE_WINDOW = timedelta(minutes=1)
FALLBACK_REPLY = "Sorry, something went wrong on my side and I couldn't finish that. Please try again in a moment."


class ChatRateLimitedError(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many chat messages; try again in {retry_after} s")
        self.retry_after = retry_after


def _title_from(message: str) -> str:
    return shorten(" ".join(message.split()), CONVERSATION_TITLE_MAX)


async def _take_rate_slot(session: AsyncSession, user_id: str, limit: int) -> None:
    """Count the user's chat messages in the last minute and record this one, or raise
    ChatRateLimitedError. The event is committed with the user's message. Under a burst of
    parallel requests from one user the count can run over by a few: it is a guard against
    floods, not an accounting system."""
    if limit <= 0:
        return
    now = utcnow()
    since = now - RATE_WINDOW
    await session.exec(
        delete(ChatRateEvent).where(
            col(ChatRateEvent.user_id) == user_id, col(ChatRateEvent.created_at) <= since
        )
    )
    result = await session.exec(
        select(func.count(), func.min(ChatRateEvent.created_at)).where(
            ChatRateEvent.user_id == user_id
        )
    )
    count, oldest = result.one()
    if count >= limit:
        await session.commit()  # keep the pruning
        # A slot frees up when the oldest event leaves the window.
        oldest_utc = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
        raise ChatRateLimitedError(max(1, math.ceil((oldest_utc - since).total_seconds())))
    await session.exec(insert(ChatRateEvent).values(user_id=user_id, created_at=now))


async def _history(
    session: AsyncSession, conversation_id: int, window: int
) -> list[HistoryMessage]:
    if window == 0:
        return []
    result = await session.exec(
        select(Message.role, Message.content, Message.tool_calls, Message.memo)
        .where(Message.conversation_id == conversation_id)
        .order_by(col(Message.id).desc())
        .limit(window)
    )
    return [
        HistoryMessage(
            role="assistant" if role == "assistant" else "user",
            content=content,
            tool_calls=tuple(tool_calls or ()),
            memo=memo,
        )
        for role, content, tool_calls, memo in reversed(result.all())
    ]


async def chat_turn(
    session: AsyncSession,
    assistant: Assistant,
    user_id: str,
    request: ChatRequest,
    *,
    rate_limit: int,
    history_window: int,
) -> ChatResponse:
    # A turn is the hot path of the assistant, so rows are written with plain INSERT and
    # UPDATE statements (no ORM unit of work) and history is read as columns, not objects.
    conversation_id = request.conversation_id
    if conversation_id is not None:
        owned = await session.exec(
            select(Conversation.id).where(
                Conversation.id == conversation_id, Conversation.user_id == user_id
            )
        )
        if owned.first() is None:
            raise ConversationNotFoundError(conversation_id)
    try:
        await _take_rate_slot(session, user_id, rate_limit)
    except ChatRateLimitedError:
        record_chat_turn(assistant.name, "rate_limited")
        raise

    now = utcnow()
    if conversation_id is None:
        created = await session.exec(
            insert(Conversation)
            .values(
                user_id=user_id, title=_title_from(request.message), created_at=now, updated_at=now
            )
            .returning(col(Conversation.id))
        )
        conversation_id = int(created.scalar_one())
        history: list[HistoryMessage] = []
    else:
        history = await _history(session, conversation_id, history_window)
    # The user's message is stored before the assistant runs: a failure later loses nothing.
    await session.exec(
        insert(Message).values(
            user_id=user_id,
            conversation_id=conversation_id,
            role="user",
            content=request.message,
            created_at=now,
        )
    )
    await session.commit()

    turn = Turn(user_id, request.message, history, ToolRunner(session, user_id))
    started = time.perf_counter()
    try:
        reply = await assistant.reply(turn)
    except Exception:
        logger.exception("assistant %s failed", assistant.name)
        reply = with_progress(FALLBACK_REPLY, turn.tools.calls)
        turn.memo.clear()
        turn.failure = "failed"
    record_chat_turn(assistant.name, turn.failure or "ok")
    # Tools commit their own work; whatever an assistant left behind (a failed statement, say)
    # must not leak into storing the reply.
    await session.rollback()
    calls: list[dict[str, Any]] = [call.as_dict() for call in turn.tools.calls]
    logger.info(
        "chat turn",
        extra={
            "assistant": assistant.name,
            "tools": [c["name"] for c in calls],
            "assistant_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )

    now = utcnow()
    await session.exec(
        insert(Message).values(
            user_id=user_id,
            conversation_id=conversation_id,
            role="assistant",
            content=reply,
            tool_calls=calls or None,
            memo=turn.memo or None,
            created_at=now,
        )
    )
    await session.exec(
        update(Conversation).where(col(Conversation.id) == conversation_id).values(updated_at=now)
    )
    await session.commit()
    return ChatResponse(
        conversation_id=conversation_id,
        response=reply,
        tool_calls=[ToolCallPublic.model_validate(c) for c in calls],
    )
