"""The assistant: task tools (also as an MCP server), two assistants behind one interface,
and the chat turn. Nothing here imports the HTTP layer (`api/`)."""

from __future__ import annotations

from todo_api.assistant.protocol import Assistant
from todo_api.core.config import Settings


def create_assistant(settings: Settings) -> Assistant:
    """The LLM assistant when an OpenAI-compatible server is configured (OPENAI_API_KEY or
    OPENAI_BASE_URL), else the embedded offline assistant: useful with no key and no network."""
    if settings.llm_configured:
        from todo_api.assistant.llm import LlmAssistant

        return LlmAssistant.from_settings(settings)
    from todo_api.assistant.offline import OfflineAssistant

    return OfflineAssistant()
