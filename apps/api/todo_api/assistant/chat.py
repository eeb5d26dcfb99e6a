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
from datetime import timedelta
from typing import Any

from todo_api.assistant.protocol import Assistant, HistoryMessage, Turn, with_progress
from todo_api.assistant.tools import ToolRunner
from todo_api.core.logging import log_info
from todo_api.core.metrics import record_chat_turn
from todo_api.core.sql import Db, Row, as_datetime
from todo_api.core.text import shorten
from todo_api.crud.conversations import ConversationNotFoundError
from todo_api.models import (
    CONVERSATION_TITLE_MAX,
    ChatRequest,
    ChatResponse,
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


_PRUNE_EVENTS = (
    "DELETE FROM chat_rate_event WHERE user_id = %(user_id)s AND created_at <= %(since)s"
)
_COUNT_EVENTS = "SELECT count(*), min(created_at) FROM chat_rate_event WHERE user_id = %(user_id)s"
_ADD_EVENT = "INSERT INTO chat_rate_event (user_id, created_at) VALUES (%(user_id)s, %(now)s)"
# The three above as one statement on PostgreSQL: its parts share one snapshot, so the count
# leaves out the pruned events itself, and the event is added only under the limit.
_PG_TAKE_SLOT = (
    "WITH pruned AS (DELETE FROM chat_rate_event"
    " WHERE user_id = %(user_id)s AND created_at <= %(since)s),"
    " recent AS (SELECT count(*) AS n, min(created_at) AS oldest FROM chat_rate_event"
    " WHERE user_id = %(user_id)s AND created_at > %(since)s),"
    " added AS (INSERT INTO chat_rate_event (user_id, created_at)"
    " SELECT %(user_id)s, %(now)s FROM recent WHERE n < %(limit)s)"
    " SELECT n, oldest FROM recent"
)
_NEW_CONVERSATION = (
    "INSERT INTO conversation (user_id, title, created_at, updated_at)"
    " VALUES (%(user_id)s, %(title)s, %(now)s, %(now)s) RETURNING id"
)
# A conversation's newest `window` messages.
_RECENT = (
    "(SELECT id, conversation_id, role, content, tool_calls, memo FROM message"
    " WHERE conversation_id = %(id)s ORDER BY id DESC LIMIT %(window)s)"
)
# The user's conversation (no row when it is not theirs) with its newest `window` messages
# (one row of NULLs when it has none): ownership and history in one round trip.
_HISTORY = (
    "SELECT m.role, m.content, m.tool_calls, m.memo FROM conversation c"  # noqa: S608 (constants)
    f" LEFT JOIN {_RECENT} m ON m.conversation_id = c.id"
    " WHERE c.id = %(id)s AND c.user_id = %(user_id)s ORDER BY m.id DESC"
)
_ADD_MESSAGE = (
    "INSERT INTO message (user_id, conversation_id, role, content, tool_calls, memo, created_at)"
    " VALUES (%(user_id)s, %(id)s, %(role)s, %(content)s, %(tool_calls)s, %(memo)s, %(now)s)"
)
_TOUCH = "UPDATE conversation SET updated_at = %(now)s WHERE id = %(id)s"

# PostgreSQL does two steps of a turn in one statement each (a WITH that writes); SQLite has
# no such WITH and runs them one after the other. The history is read from the statement's
# snapshot, so it never holds the message the same statement adds.
_PG_HISTORY_THEN_ADD = (
    "WITH c AS (SELECT id FROM conversation WHERE id = %(id)s AND user_id = %(user_id)s),"  # noqa: S608
    " added AS (INSERT INTO message"
    " (user_id, conversation_id, role, content, tool_calls, memo, created_at)"
    " SELECT %(user_id)s, c.id, %(role)s, %(content)s, NULL, NULL, %(now)s FROM c)"
    f" SELECT m.role, m.content, m.tool_calls, m.memo FROM c LEFT JOIN {_RECENT} m"
    " ON m.conversation_id = c.id ORDER BY m.id DESC"
)
_PG_ADD_REPLY = f"WITH touched AS ({_TOUCH}) {_ADD_MESSAGE}"


async def _take_rate_slot(db: Db, user_id: str, limit: int) -> None:
    """Count the user's chat messages in the last minute and record this one, or raise
    ChatRateLimitedError. Run in the transaction that stores the user's message. Under a
    burst of parallel requests from one user the count can run over by a few: it is a guard
    against floods, not an accounting system."""
    if limit <= 0:
        return
    now = utcnow()
    since = now - RATE_WINDOW
    params = {"user_id": user_id, "since": db.param_time(since), "now": db.param_time(now)}
    if db.sqlite:
        await db.run(_PRUNE_EVENTS, params)
        row = await db.one(_COUNT_EVENTS, params)
    else:
        row = await db.one(_PG_TAKE_SLOT, {**params, "limit": limit})
    count, oldest = row if row is not None else (0, None)
    if count >= limit:
        # A slot frees up when the oldest event leaves the window.
        waited = (as_datetime(oldest) - since).total_seconds()
        raise ChatRateLimitedError(max(1, math.ceil(waited)))
    if db.sqlite:
        await db.run(_ADD_EVENT, params)


async def _history(db: Db, user_id: str, conversation_id: int, window: int) -> list[HistoryMessage]:
    """The newest `window` messages of the user's conversation, oldest first; or
    ConversationNotFoundError."""
    rows = await db.all(_HISTORY, {"id": conversation_id, "user_id": user_id, "window": window})
    return _history_of(db, conversation_id, rows)


def _history_of(db: Db, conversation_id: int, rows: list[Row]) -> list[HistoryMessage]:
    """History messages, oldest first, from rows of _HISTORY's shape (none: not the user's)."""
    if not rows:
        raise ConversationNotFoundError(conversation_id)
    return [
        HistoryMessage(
            role="assistant" if role == "assistant" else "user",
            content=content,
            tool_calls=tuple(db.json_value(tool_calls) or ()),
            memo=db.json_value(memo),
        )
        for role, content, tool_calls, memo in reversed(rows)
        if role is not None
    ]


async def _start(
    db: Db, user_id: str, request: ChatRequest, rate_limit: int, window: int
) -> tuple[int, list[HistoryMessage]]:
    """The conversation (found or begun), the rate slot and the user's message, committed
    before the assistant runs, so a failure later loses nothing. Returns the conversation's
    id and its history before this message."""
    conversation_id = request.conversation_id
    if conversation_id is not None and not db.sqlite:
        # One statement reads the history and adds the message; with the rate limit, in the
        # slot's transaction (a conversation not found rolls the slot back). So here a user
        # over the limit hears 429 before 404; SQLite's path below checks ownership first.
        params = {
            "id": conversation_id,
            "user_id": user_id,
            "window": window,
            "role": "user",
            "content": request.message,
            "now": db.param_time(utcnow()),
        }
        if rate_limit <= 0:
            return conversation_id, _history_of(
                db, conversation_id, await db.all(_PG_HISTORY_THEN_ADD, params)
            )
        async with db.transaction():
            await _take_rate_slot(db, user_id, rate_limit)
            rows = await db.all(_PG_HISTORY_THEN_ADD, params)
            return conversation_id, _history_of(db, conversation_id, rows)

    history = (
        [] if conversation_id is None else await _history(db, user_id, conversation_id, window)
    )
    # A transaction only when more than the message is written (BEGIN and COMMIT are two
    # round trips of a turn's few): a new conversation, or the rate limit's event.
    if conversation_id is None or rate_limit > 0:
        async with db.transaction():
            await _take_rate_slot(db, user_id, rate_limit)
            conversation_id = await _store_message(db, user_id, conversation_id, request.message)
    else:
        await _store_message(db, user_id, conversation_id, request.message)
        await db.commit()
    return conversation_id, history


async def _store_message(db: Db, user_id: str, conversation_id: int | None, text: str) -> int:
    """The user's message, in a new conversation when `conversation_id` is None."""
    now = db.param_time(utcnow())
    if conversation_id is None:
        title = _title_from(text)
        created = await db.one(_NEW_CONVERSATION, {"user_id": user_id, "title": title, "now": now})
        assert created is not None  # noqa: S101 (INSERT ... RETURNING returns its row)
        conversation_id = int(created[0])
    message = {"role": "user", "content": text, "tool_calls": None, "memo": None}
    await db.run(_ADD_MESSAGE, {"user_id": user_id, "id": conversation_id, "now": now, **message})
    return conversation_id


async def chat_turn(
    db: Db,
    assistant: Assistant,
    user_id: str,
    request: ChatRequest,
    *,
    rate_limit: int,
    history_window: int,
) -> ChatResponse:
    # On one connection: the user's message, each tool's own change (tools commit their
    # work), the reply.
    try:
        conversation_id, history = await _start(db, user_id, request, rate_limit, history_window)
    except ChatRateLimitedError:
        record_chat_turn(assistant.name, "rate_limited")
        raise

    turn = Turn(user_id, request.message, history, ToolRunner(db, user_id))
    started = time.perf_counter()
    try:
        reply = await assistant.reply(turn)
    except Exception:
        logger.exception("assistant %s failed", assistant.name)
        reply = with_progress(FALLBACK_REPLY, turn.tools.calls)
        turn.memo.clear()
        turn.failure = "failed"
    record_chat_turn(assistant.name, turn.failure or "ok")
    calls: list[dict[str, Any]] = [call.as_dict() for call in turn.tools.calls]
    log_info(
        logger,
        "chat turn",
        {
            "assistant": assistant.name,
            "tools": [c["name"] for c in calls],
            "assistant_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )

    now = db.param_time(utcnow())
    reply_row = {
        "role": "assistant",
        "content": reply,
        "tool_calls": db.param_json(calls) if calls else None,
        "memo": db.param_json(turn.memo) if turn.memo else None,
    }
    # The reply row holds its tool calls and memo; the conversation's time only orders the
    # list of conversations, so on SQLite the two statements need no transaction around them.
    params = {"user_id": user_id, "id": conversation_id, "now": now, **reply_row}
    if db.sqlite:
        await db.run(_ADD_MESSAGE, params)
        await db.run(_TOUCH, params)
        await db.commit()
    else:
        await db.run(_PG_ADD_REPLY, params)
    return ChatResponse(
        conversation_id=conversation_id,
        response=reply,
        tool_calls=[ToolCallPublic.model_validate(c) for c in calls],
    )
