"""The chat endpoint and conversations: stateless turns, stored history, bounds, errors.

A scripted assistant stands in for the real ones here, so these tests are about the endpoint;
the assistants have suites of their own (test_offline_assistant, test_llm_assistant)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support import auth, new_user
from todo_api.assistant.protocol import Turn
from todo_api.core.config import Settings
from todo_api.main import create_app
from todo_api.models import MESSAGE_MAX


@dataclass
class ScriptedAssistant:
    """Adds a task named after the message when it starts with "add ", remembers each turn
    it saw, and fails on request."""

    name: str = "scripted"
    turns: list[Turn] = field(default_factory=list)
    fail_with: Exception | None = None

    async def reply(self, turn: Turn) -> str:
        self.turns.append(turn)
        if turn.message.startswith("add "):
            result = await turn.tools.call("add_task", {"title": turn.message[4:]})
            if self.fail_with is not None:
                raise self.fail_with
            return f"Added {result['title']}."  # type: ignore[call-overload]
        if self.fail_with is not None:
            raise self.fail_with
        return f"You said: {turn.message}"


@pytest.fixture
def assistant() -> ScriptedAssistant:
    return ScriptedAssistant()


@pytest.fixture
def chat_client(settings: Settings, assistant: ScriptedAssistant) -> Iterator[TestClient]:
    with TestClient(create_app(settings, assistant=assistant), raise_server_exceptions=False) as c:
        yield c


def _chat(client: TestClient, user: str, message: str, **body: Any) -> dict[str, Any]:
    response = client.post(
        f"/api/{user}/chat", json={"message": message, **body}, headers=auth(user)
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_chat_starts_a_conversation_and_reports_tool_calls(chat_client: TestClient) -> None:
    user = new_user()
    body = _chat(chat_client, user, "add buy milk")
    assert body["response"] == "Added buy milk."
    assert isinstance(body["conversation_id"], int)
    [call] = body["tool_calls"]
    assert call["name"] == "add_task"
    assert call["arguments"] == {"user_id": user, "title": "buy milk"}
    assert call["result"]["status"] == "created"
    tasks = chat_client.get(f"/api/{user}/tasks", headers=auth(user)).json()
    assert [t["title"] for t in tasks] == ["buy milk"]


def test_each_turn_is_logged_with_the_assistant_and_its_time(
    chat_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """bench/chat.py reads these fields from the `chat turn` log lines."""
    with caplog.at_level(logging.INFO, logger="todo_api.chat"):
        _chat(chat_client, new_user(), "add buy milk")
    [record] = [r for r in caplog.records if r.getMessage() == "chat turn"]
    assert record.__dict__["assistant"] == "scripted"
    assert record.__dict__["tools"] == ["add_task"]
    assert record.__dict__["assistant_ms"] >= 0


def test_history_is_loaded_from_the_database(
    settings: Settings, chat_client: TestClient, assistant: ScriptedAssistant
) -> None:
    user = new_user()
    first = _chat(chat_client, user, "add bread")
    # A different app instance (another replica, or after a restart) continues it.
    other = ScriptedAssistant()
    with TestClient(create_app(settings, assistant=other)) as replica:
        second = _chat(replica, user, "and then?", conversation_id=first["conversation_id"])
    assert second["conversation_id"] == first["conversation_id"]
    [turn] = other.turns
    assert [(m.role, m.content) for m in turn.history] == [
        ("user", "add bread"),
        ("assistant", "Added bread."),
    ]
    assert turn.history[1].tool_calls[0]["name"] == "add_task"
    assert turn.user_id == user


def test_no_conversation_id_starts_a_new_one(chat_client: TestClient) -> None:
    user = new_user()
    a = _chat(chat_client, user, "hello")
    b = _chat(chat_client, user, "hello again")
    assert a["conversation_id"] != b["conversation_id"]


def test_messages_and_conversations_are_listed(chat_client: TestClient) -> None:
    user = new_user()
    first = _chat(chat_client, user, "add a  very   long " + "x" * 100)
    cid = first["conversation_id"]
    _chat(chat_client, user, "thanks", conversation_id=cid)
    later = _chat(chat_client, user, "another topic")

    conversations = chat_client.get(f"/api/{user}/conversations", headers=auth(user)).json()
    assert [c["id"] for c in conversations] == [later["conversation_id"], cid]
    assert conversations[1]["title"].startswith("add a very long xxx")
    assert len(conversations[1]["title"]) == 80
    assert conversations[1]["user_id"] == user

    messages = chat_client.get(
        f"/api/{user}/conversations/{cid}/messages", headers=auth(user)
    ).json()
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]
    assert messages[2]["content"] == "thanks"
    assert messages[1]["tool_calls"][0]["name"] == "add_task"
    assert messages[0]["tool_calls"] is None
    assert all(m["conversation_id"] == cid and m["user_id"] == user for m in messages)

    # Paging back: the newest two, then the two before them.
    page = chat_client.get(
        f"/api/{user}/conversations/{cid}/messages?limit=2", headers=auth(user)
    ).json()
    assert [m["content"] for m in page] == ["thanks", "You said: thanks"]
    older = chat_client.get(
        f"/api/{user}/conversations/{cid}/messages?limit=2&before={page[0]['id']}",
        headers=auth(user),
    ).json()
    assert [m["id"] for m in older] == [m["id"] for m in messages[:2]]


def test_history_window_bounds_what_the_assistant_sees(
    settings: Settings, assistant: ScriptedAssistant
) -> None:
    narrow = settings.model_copy(update={"chat_history_messages": 3})
    user = new_user()
    with TestClient(create_app(narrow, assistant=assistant)) as client:
        cid = _chat(client, user, "one")["conversation_id"]
        for text in ("two", "three"):
            _chat(client, user, text, conversation_id=cid)
    assert [m.content for m in assistant.turns[-1].history] == [
        "You said: one",
        "two",
        "You said: two",
    ]


def test_another_users_conversation_is_404(chat_client: TestClient) -> None:
    owner, intruder = new_user(), new_user()
    cid = _chat(chat_client, owner, "add secret plan")["conversation_id"]
    for response in (
        chat_client.post(
            f"/api/{intruder}/chat",
            json={"message": "hi", "conversation_id": cid},
            headers=auth(intruder),
        ),
        chat_client.get(f"/api/{intruder}/conversations/{cid}/messages", headers=auth(intruder)),
        chat_client.delete(f"/api/{intruder}/conversations/{cid}", headers=auth(intruder)),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": f"conversation {cid} not found"}
    assert chat_client.get(f"/api/{intruder}/conversations", headers=auth(intruder)).json() == []
    # Nothing was stored in the owner's conversation by the intruder.
    messages = chat_client.get(
        f"/api/{owner}/conversations/{cid}/messages", headers=auth(owner)
    ).json()
    assert len(messages) == 2


def test_chat_needs_the_users_own_token(chat_client: TestClient) -> None:
    user = new_user()
    assert chat_client.post(f"/api/{user}/chat", json={"message": "hi"}).status_code == 401
    other = chat_client.post(f"/api/{user}/chat", json={"message": "hi"}, headers=auth("x"))
    assert other.status_code == 403


@pytest.mark.parametrize(
    ("body", "field_name"),
    [
        ({}, "message"),
        ({"message": ""}, "message"),
        ({"message": "   "}, "message"),
        ({"message": "x" * (MESSAGE_MAX + 1)}, "message"),
        ({"message": "a\x00b"}, "message"),
        ({"message": 5}, "message"),
        ({"message": "hi", "conversation_id": 0}, "conversation_id"),
        ({"message": "hi", "conversation_id": "abc"}, "conversation_id"),
        ({"message": "hi", "conversation_id": 2**31}, "conversation_id"),
    ],
)
def test_bad_chat_input_is_422_naming_the_field(
    chat_client: TestClient, assistant: ScriptedAssistant, body: dict[str, Any], field_name: str
) -> None:
    user = new_user()
    response = chat_client.post(f"/api/{user}/chat", json=body, headers=auth(user))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field_name
    assert assistant.turns == []
    assert chat_client.get(f"/api/{user}/conversations", headers=auth(user)).json() == []


def test_message_at_the_limit_is_accepted(chat_client: TestClient) -> None:
    user = new_user()
    body = _chat(chat_client, user, "y" * MESSAGE_MAX)
    assert body["response"] == "You said: " + "y" * MESSAGE_MAX


def test_unknown_conversation_is_404_and_stores_nothing(chat_client: TestClient) -> None:
    user = new_user()
    response = chat_client.post(
        f"/api/{user}/chat", json={"message": "hi", "conversation_id": 424242}, headers=auth(user)
    )
    assert response.status_code == 404
    assert chat_client.get(f"/api/{user}/conversations", headers=auth(user)).json() == []


def test_assistant_failure_is_a_friendly_reply_and_keeps_the_message(
    chat_client: TestClient, assistant: ScriptedAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    assistant.fail_with = RuntimeError("boom")
    user = new_user()
    body = _chat(chat_client, user, "add call mom")
    assert "something went wrong" in body["response"]
    # The tool call made before the failure is reported and its effect kept.
    assert [c["name"] for c in body["tool_calls"]] == ["add_task"]
    assert "assistant scripted failed" in caplog.text
    messages = chat_client.get(
        f"/api/{user}/conversations/{body['conversation_id']}/messages", headers=auth(user)
    ).json()
    assert messages[0]["content"] == "add call mom"


def test_rate_limit_is_429_with_retry_after(
    settings: Settings, assistant: ScriptedAssistant
) -> None:
    limited = settings.model_copy(update={"chat_rate_limit": 3})
    user, other = new_user(), new_user()
    with TestClient(create_app(limited, assistant=assistant)) as client:
        for _ in range(3):
            _chat(client, user, "hello")
        response = client.post(f"/api/{user}/chat", json={"message": "more"}, headers=auth(user))
        assert response.status_code == 429
        assert 1 <= int(response.headers["Retry-After"]) <= 60
        assert "too many chat messages" in response.json()["detail"]
        # Per user: someone else is not slowed down.
        _chat(client, other, "hello")
    assert len(assistant.turns) == 4


@pytest.mark.parametrize("rate_limit", [0, 2])
def test_a_turn_in_a_found_conversation_with_and_without_the_rate_limit(
    settings: Settings, assistant: ScriptedAssistant, rate_limit: int
) -> None:
    """With the limit off, PostgreSQL reads the history and adds the message in one
    statement; with it on, in the slot's transaction. Either way the history holds only the
    messages before this one, and a turn in someone else's conversation stores nothing and
    takes no slot."""
    limited = settings.model_copy(update={"chat_rate_limit": rate_limit})
    owner, intruder = new_user(), new_user()
    with TestClient(create_app(limited, assistant=assistant)) as client:
        cid = _chat(client, owner, "one")["conversation_id"]
        _chat(client, owner, "two", conversation_id=cid)
        assert [m.content for m in assistant.turns[-1].history] == ["one", "You said: one"]
        for _ in range(3):
            refused = client.post(
                f"/api/{intruder}/chat",
                json={"message": "hi", "conversation_id": cid},
                headers=auth(intruder),
            )
            assert refused.status_code == 404
        # The intruder's refused turns took none of their slots.
        _chat(client, intruder, "my own")
        over = client.post(
            f"/api/{owner}/chat",
            json={"message": "three", "conversation_id": cid},
            headers=auth(owner),
        )
        assert over.status_code == (429 if rate_limit else 200)
        messages = client.get(
            f"/api/{owner}/conversations/{cid}/messages", headers=auth(owner)
        ).json()
    stored = ["one", "You said: one", "two", "You said: two"]
    assert [m["content"] for m in messages] == stored + (
        [] if rate_limit else ["three", "You said: three"]
    )


def test_delete_conversation(chat_client: TestClient) -> None:
    user = new_user()
    cid = _chat(chat_client, user, "add x")["conversation_id"]
    assert (
        chat_client.delete(f"/api/{user}/conversations/{cid}", headers=auth(user)).status_code
        == 204
    )
    assert (
        chat_client.get(f"/api/{user}/conversations/{cid}/messages", headers=auth(user)).status_code
        == 404
    )
    # The task the conversation made stays: deleting a chat is not deleting tasks.
    assert len(chat_client.get(f"/api/{user}/tasks", headers=auth(user)).json()) == 1
