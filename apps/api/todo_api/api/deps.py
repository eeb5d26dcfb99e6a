"""Dependencies shared by the routes, as `Annotated` aliases (SessionDep, CurrentUser)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel.ext.asyncio.session import AsyncSession

from todo_api.core.config import Settings
from todo_api.core.security import CHALLENGE_HEADERS, InvalidTokenError, bearer_user_id


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessions() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]


def authenticated_user_id(request: Request, settings: SettingsDep) -> str:
    """The user id (`sub`) of a valid bearer token, or 401."""
    try:
        return bearer_user_id(request.headers.get("authorization"), settings.token_secret)
    except InvalidTokenError as exc:
        raise HTTPException(401, str(exc), headers=dict(CHALLENGE_HEADERS)) from None


def current_user(user_id: str, token_user: Annotated[str, Depends(authenticated_user_id)]) -> str:
    """The `{user_id}` of the path, once proved to be the token's user (else 403)."""
    if user_id != token_user:
        raise HTTPException(403, "the token does not grant access to this user's data")
    return user_id


CurrentUser = Annotated[str, Depends(current_user)]
