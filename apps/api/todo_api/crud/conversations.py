"""Conversation operations: a user's conversations and their messages, to list, read
and delete. Every function acts for one user; another user's conversation is not found.
(The chat turn writes its messages itself, see assistant/chat.py.)"""

from __future__ import annotations

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todo_api.models import Conversation, Message


class ConversationNotFoundError(LookupError):
    def __init__(self, conversation_id: int) -> None:
        super().__init__(f"conversation {conversation_id} not found")
        self.conversation_id = conversation_id


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
