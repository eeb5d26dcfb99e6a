"""Chat routes: POST /api/{user_id}/chat (the contract's), and the conversations a user
has had, to list, read and delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from todo_api.api.deps import CurrentUser, DbDep, SessionDep, SettingsDep
from todo_api.api.errors import AUTH_RESPONSES, ErrorResponse
from todo_api.assistant import chat as service
from todo_api.assistant.protocol import Assistant
from todo_api.crud import conversations
from todo_api.crud.conversations import ConversationNotFoundError
from todo_api.models import MAX_ID, ChatRequest, ChatResponse, ConversationPublic, MessagePublic

router = APIRouter(prefix="/api/{user_id}", tags=["chat"], responses=AUTH_RESPONSES)

ConversationId = Annotated[int, Path(ge=1, le=MAX_ID, description="Conversation id")]
CONVERSATION_NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "No such conversation for this user"},
}
MAX_PAGE = 500


def _not_found(exc: ConversationNotFoundError) -> HTTPException:
    return HTTPException(404, str(exc))


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses={
        **CONVERSATION_NOT_FOUND,
        429: {
            "model": ErrorResponse,
            "description": "Too many chat messages; retry after the Retry-After seconds",
        },
    },
    summary="Send a message to the assistant",
)
async def chat(
    user_id: CurrentUser,
    db: DbDep,
    settings: SettingsDep,
    request: Request,
    body: ChatRequest,
) -> ChatResponse:
    assistant: Assistant = request.app.state.assistant
    try:
        return await service.chat_turn(
            db,
            assistant,
            user_id,
            body,
            rate_limit=settings.chat_rate_limit,
            history_window=settings.chat_history_messages,
        )
    except ConversationNotFoundError as exc:
        raise _not_found(exc) from None
    except service.ChatRateLimitedError as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)}) from None


@router.get(
    "/conversations",
    response_model=list[ConversationPublic],
    summary="List the user's conversations, most recent first",
)
async def list_conversations(
    user_id: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_ID, description="Rows to skip")] = 0,
) -> list[ConversationPublic]:
    rows = await conversations.list_conversations(session, user_id, limit=limit, offset=offset)
    return [ConversationPublic.model_validate(row) for row in rows]


@router.get(
    "/conversations/{conversation_id}/messages",
    response_model=list[MessagePublic],
    responses=CONVERSATION_NOT_FOUND,
    summary="Read a conversation's messages, oldest first",
)
async def list_messages(
    user_id: CurrentUser,
    session: SessionDep,
    conversation_id: ConversationId,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="The newest this many")] = 100,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only messages older than this id")
    ] = None,
) -> list[MessagePublic]:
    try:
        rows = await conversations.list_messages(
            session, user_id, conversation_id, limit=limit, before=before
        )
    except ConversationNotFoundError as exc:
        raise _not_found(exc) from None
    return [MessagePublic.model_validate(row) for row in rows]


@router.delete(
    "/conversations/{conversation_id}",
    status_code=204,
    responses=CONVERSATION_NOT_FOUND,
    summary="Delete a conversation and its messages",
)
async def delete_conversation(
    user_id: CurrentUser, session: SessionDep, conversation_id: ConversationId
) -> Response:
    try:
        await conversations.delete_conversation(session, user_id, conversation_id)
    except ConversationNotFoundError as exc:
        raise _not_found(exc) from None
    return Response(status_code=204)
