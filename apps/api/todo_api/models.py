"""Data model, layered as in the FastAPI full-stack template:
TaskBase -> TaskCreate / TaskUpdate (API input) -> Task (table) -> TaskPublic (API output).
Limits come from the contract: title 1-200 characters after trimming, description <= 1000.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, StrictBool
from pydantic import Field as SchemaField
from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

TITLE_MAX = 200
# Ids are PostgreSQL `integer`s; a larger number in a path or argument can only be a mistake.
MAX_ID = 2**31 - 1
DESCRIPTION_MAX = 1000
USER_ID_MAX = 128


def utcnow() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: object) -> object:
    # SQLite hands back naive datetimes; everything we store is UTC.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


UTCDateTime = Annotated[
    datetime,
    BeforeValidator(_as_utc),
    PlainSerializer(
        lambda v: v.astimezone(UTC).isoformat().replace("+00:00", "Z"), return_type=str
    ),
]


def _no_control_chars(value: str | None) -> str | None:
    if value is None:
        return value
    # NUL cannot be stored by PostgreSQL; other C0 controls (except tab/newline) are noise.
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ValueError("must not contain control characters")
    # A lone surrogate (JSON "\ud800") is not text: no database can encode it.
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise ValueError("must be valid Unicode text (no lone surrogates)")
    return value


def _clean_title(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty or only whitespace")
    if len(value) > TITLE_MAX:
        raise ValueError(f"must be at most {TITLE_MAX} characters")
    _no_control_chars(value)
    return value


def _clean_description(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > DESCRIPTION_MAX:
        raise ValueError(f"must be at most {DESCRIPTION_MAX} characters")
    _no_control_chars(value)
    return value or None


# The limits apply after trimming, so validation is in code; the schema states them for
# clients (and generated forms) all the same.
Title = Annotated[
    str,
    AfterValidator(_clean_title),
    SchemaField(json_schema_extra={"minLength": 1, "maxLength": TITLE_MAX}),
]
Description = Annotated[
    str | None,
    AfterValidator(_clean_description),
    SchemaField(json_schema_extra={"maxLength": DESCRIPTION_MAX}),
]


class TaskBase(SQLModel):
    title: str = Field(max_length=TITLE_MAX)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)


class TaskCreate(SQLModel):
    title: Title
    description: Description = None


class TaskUpdate(SQLModel):
    """Every field optional: an absent field stays as it is. A null title or completed is
    refused (the type does not admit None; only the default is None), while a null
    description clears it."""

    title: Title = None  # type: ignore[assignment]
    description: Description = None
    completed: StrictBool = None  # type: ignore[assignment]


class TaskCompletion(SQLModel):
    """Body of PATCH .../complete; without a body (or with `{}`) the endpoint toggles."""

    completed: StrictBool = None  # type: ignore[assignment]


class Task(TaskBase, table=True):
    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_user_id_created_at", "user_id", "created_at"),
        Index("ix_task_user_id_completed", "user_id", "completed"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(sa_column=Column(String(USER_ID_MAX), nullable=False))
    title: str = Field(sa_column=Column(String(TITLE_MAX), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    completed: bool = Field(default=False, nullable=False)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class TaskPublic(TaskBase):
    id: int
    user_id: str
    completed: bool
    created_at: UTCDateTime
    updated_at: UTCDateTime


# --- Conversations (the chat endpoint is stateless: history lives here) ---------------

MESSAGE_MAX = 2000  # characters in one chat message from the user
CONVERSATION_TITLE_MAX = 80


class Conversation(SQLModel, table=True):
    __tablename__ = "conversation"
    __table_args__ = (Index("ix_conversation_user_id_updated_at", "user_id", "updated_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(sa_column=Column(String(USER_ID_MAX), nullable=False))
    # The first user message, shortened: what a list of past conversations shows.
    title: str = Field(sa_column=Column(String(CONVERSATION_TITLE_MAX), nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class Message(SQLModel, table=True):
    __tablename__ = "message"
    __table_args__ = (Index("ix_message_conversation_id_id", "conversation_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(sa_column=Column(String(USER_ID_MAX), nullable=False))
    conversation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("conversation.id", ondelete="CASCADE"), nullable=False)
    )
    role: str = Field(sa_column=Column(String(16), nullable=False))  # user | assistant
    content: str = Field(sa_column=Column(Text, nullable=False))
    # The tool calls an assistant message made: [{name, arguments, result}].
    tool_calls: list[dict[str, Any]] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    # What the assistant noted for its next turn (Turn.memo); never shown to clients.
    memo: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class ChatRateEvent(SQLModel, table=True):
    """One row per accepted chat message, kept for the rate limit's window. Separate from
    `message`, so deleting a conversation does not reset a user's count."""

    __tablename__ = "chat_rate_event"
    __table_args__ = (Index("ix_chat_rate_event_user_id_created_at", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(sa_column=Column(String(USER_ID_MAX), nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


def _clean_message(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty or only whitespace")
    if len(value) > MESSAGE_MAX:
        raise ValueError(f"must be at most {MESSAGE_MAX} characters")
    _no_control_chars(value)
    return value


ChatText = Annotated[
    str,
    AfterValidator(_clean_message),
    SchemaField(json_schema_extra={"minLength": 1, "maxLength": MESSAGE_MAX}),
]


class ChatRequest(SQLModel):
    conversation_id: int | None = SchemaField(
        default=None, gt=0, le=MAX_ID, description="Omit to start a new conversation."
    )
    message: ChatText


class ToolCallPublic(SQLModel):
    name: str
    arguments: dict[str, Any]
    result: dict[str, Any] | list[dict[str, Any]]


class ChatResponse(SQLModel):
    conversation_id: int
    response: str
    tool_calls: list[ToolCallPublic]


class ConversationPublic(SQLModel):
    id: int
    user_id: str
    title: str
    created_at: UTCDateTime
    updated_at: UTCDateTime


class MessagePublic(SQLModel):
    id: int
    user_id: str
    conversation_id: int
    role: str
    content: str
    tool_calls: list[ToolCallPublic] | None = None
    created_at: UTCDateTime
