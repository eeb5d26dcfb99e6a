"""The assistant: task tools (also as an MCP server), two engines behind one interface,
and the chat turn. Nothing here imports the HTTP layer (`api/`)."""

from __future__ import annotations

from todo_api.assistant.engine import Engine
from todo_api.core.config import Settings


def create_engine(settings: Settings) -> Engine:
    """The LLM engine when an OpenAI-compatible server is configured (OPENAI_API_KEY or
    OPENAI_BASE_URL), else the embedded offline engine: useful with no key and no network."""
    if settings.llm_configured:
        from todo_api.assistant.llm import LlmEngine

        return LlmEngine.from_settings(settings)
    from todo_api.assistant.offline import OfflineEngine

    return OfflineEngine()
