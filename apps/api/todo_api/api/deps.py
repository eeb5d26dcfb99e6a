"""Dependencies shared by the routes, as `Annotated` aliases (DbDep, SessionDep, CurrentUser).
All are `async def`: a plain `def` dependency runs in the thread pool, a hop per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel.ext.asyncio.session import AsyncSession

from todo_api.core.config import Settings
from todo_api.core.security import CHALLENGE_HEADERS, InvalidTokenError, bearer_user_id
from todo_api.core.sql import Db, connect


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessions() as session:
        yield session


async def get_db(request: Request) -> AsyncIterator[Db]:
    async with connect(request.app.state.engine) as db:
        yield db


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
DbDep = Annotated[Db, Depends(get_db)]


async def current_user(user_id: str, request: Request) -> str:
    """The `{user_id}` of the path, once proved to be the bearer token's `sub`: 401 without
    a valid token, 403 for another user's path."""
    settings: Settings = request.app.state.settings
    try:
        token_user = bearer_user_id(request.headers.get("authorization"), settings.token_secret)
    except InvalidTokenError as exc:
        raise HTTPException(401, str(exc), headers=dict(CHALLENGE_HEADERS)) from None
    if user_id != token_user:
        raise HTTPException(403, "the token does not grant access to this user's data")
    return user_id


CurrentUser = Annotated[str, Depends(current_user)]
