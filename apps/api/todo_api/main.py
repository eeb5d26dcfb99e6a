"""The ASGI application. `create_app()` builds one from settings; uvicorn serves
`todo_api.main:serve_app` as a factory, so importing this module has no side effects."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI

from todo_api import __version__
from todo_api.api.errors import register_error_handlers
from todo_api.api.mcp import mount_mcp
from todo_api.api.routes import chat, health, tasks
from todo_api.assistant import create_assistant
from todo_api.assistant.protocol import Assistant
from todo_api.core.config import Settings, load_settings
from todo_api.core.db import create_app_engine, session_factory
from todo_api.core.drain import ConnectionDrainMiddleware, Drain
from todo_api.core.logging import configure_logging
from todo_api.core.metrics import track_pool, untrack_pool
from todo_api.core.middleware import RequestContextMiddleware
from todo_api.core.migrate import upgrade_to_head

logger = logging.getLogger("todo_api")


def serve_app() -> FastAPI:
    """Factory for `todo-api serve`: each uvicorn worker process is a fresh interpreter, so
    each sets up its own JSON logging before building the app."""
    settings = load_settings()
    configure_logging(settings.log_level)
    return create_app(settings)


def create_app(
    settings: Settings | None = None, assistant: Assistant | None = None, drain: Drain | None = None
) -> FastAPI:
    """`assistant` replaces the assistant the settings choose (tests script one); `drain`
    the connection drain's shared state (tests give each app its own)."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.token_secret_source is None:
            logger.warning(
                "JWT_SECRET is not set: tokens are verified with the development placeholder. "
                "Never deploy like this; APP_ENV=production refuses it."
            )
        if settings.should_auto_migrate:
            await anyio.to_thread.run_sync(upgrade_to_head, settings)
        engine = create_app_engine(settings)
        track_pool(engine)  # the pool gauges
        app.state.engine = engine
        app.state.sessions = session_factory(engine)
        try:
            async with mcp.run():
                yield
        finally:
            untrack_pool(engine)
            await engine.dispose()
            close = getattr(app.state.assistant, "aclose", None)
            if close is not None:
                await close()  # the LLM assistant's HTTP client

    app = FastAPI(
        title="Todo AI Chatbot API",
        version=__version__,
        summary="Tasks for signed-in users; bearer JWT (HS256) on every /api route.",
        lifespan=lifespan,
        # operationId = the route function's name (list_tasks, create_task, ...): the names
        # that generated clients show.
        generate_unique_id_function=lambda route: route.name,
    )
    app.state.settings = settings
    app.state.drain = drain or Drain()
    app.state.assistant = create_assistant(settings) if assistant is None else assistant
    app.include_router(health.router)
    app.include_router(tasks.router)
    app.include_router(chat.router)
    mcp = mount_mcp(app, settings)  # /mcp: the task tools over MCP
    register_error_handlers(app)
    # The request id and log line cover everything, including 413s.
    app.add_middleware(RequestContextMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(ConnectionDrainMiddleware, drain=app.state.drain)
    return app
