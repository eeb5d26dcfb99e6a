"""The LLM assistant against a scripted OpenAI-compatible server (tests/fake_openai.py):
model -> Agents SDK -> our MCP server's tools -> database -> back to the model, the
acting user fixed by the request, and every failure ending as a friendly reply."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from devtools.postgres import free_port
from tests.fake_openai import FakeOpenAI, call, calls, fail, fake_openai, hang, say, tool_results
from tests.support import make_settings, new_user
from todo_api.assistant import tools
from todo_api.assistant.llm import (
    CANCEL_UNWIND_SECONDS,
    CONFUSED_REPLY,
    HISTORY_LIST_ITEMS,
    TIMEOUT_REPLY,
    TOO_MANY_STEPS_REPLY,
    UNAVAILABLE_REPLY,
    LlmAssistant,
)
from todo_api.assistant.protocol import HistoryMessage, Turn
from todo_api.assistant.tools import TOOL_NAMES, ToolResult, ToolRunner
from todo_api.core.config import Settings
from todo_api.core.sql import Db

pytestmark = pytest.mark.anyio


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with fake_openai() as server:
        yield server


Llm = Callable[..., LlmAssistant]


@pytest.fixture
async def llm() -> AsyncIterator[Llm]:
    """Makes assistants on a base URL (from the settings, as the app does); closes them."""
    made: list[LlmAssistant] = []

    def make(base_url: str, timeout: float = 10.0) -> LlmAssistant:
        settings = make_settings(
            None, openai_base_url=base_url, openai_model="fake-model", llm_timeout_seconds=timeout
        )
        made.append(LlmAssistant.from_settings(settings))
        return made[-1]

    yield make
    for assistant in made:
        await assistant.aclose()


def turn(db: Db, message: str, *history: HistoryMessage) -> Turn:
    user = new_user()
    return Turn(user, message, list(history), ToolRunner(db, user))


async def test_tool_calls_reach_the_database_and_come_back(
    fake: FakeOpenAI, db: Db, llm: Llm
) -> None:
    fake.add(
        call("add_task", {"title": "Buy milk"}),
        lambda request: call("complete_task", {"task_id": tool_results(request)[-1]["task_id"]}),
        say("Added 'Buy milk' and marked it done."),
    )
    t = turn(db, "add buy milk, and I already bought it")
    assert await llm(fake.base_url).reply(t) == "Added 'Buy milk' and marked it done."

    [task] = await tools.list_tasks(db, t.user_id)
    assert task["title"] == "Buy milk" and task["completed"] is True
    assert [(c.name, c.arguments) for c in t.tools.calls] == [
        ("add_task", {"user_id": t.user_id, "title": "Buy milk"}),
        ("complete_task", {"user_id": t.user_id, "task_id": task["id"]}),
    ]
    assert t.tools.calls[1].result == {
        "task_id": task["id"],
        "status": "completed",
        "title": "Buy milk",
    }

    first, *_, last = fake.requests
    assert first["model"] == "fake-model"
    assert first["messages"][0]["role"] == "system"
    assert "add_task" in first["messages"][0]["content"]
    assert first["messages"][-1] == {"role": "user", "content": t.message}
    # The model sees the MCP tools, without user_id: the request decides the user.
    sent = {tool["function"]["name"]: tool["function"] for tool in first["tools"]}
    assert sorted(sent) == sorted(TOOL_NAMES)
    for function in sent.values():
        assert "user_id" not in function["parameters"]["properties"]
        assert "user_id" not in function["parameters"].get("required", [])
    assert sent["add_task"]["parameters"]["required"] == ["title"]
    assert sent["add_task"]["description"] == tools.TOOL_SPECS["add_task"].description
    # ...and the results of its calls, as the contract's JSON.
    assert tool_results(last) == [c.result for c in t.tools.calls]


async def test_history_is_sent_with_the_tool_calls_it_made(
    fake: FakeOpenAI, db: Db, llm: Llm
) -> None:
    fake.add(say("It is task 7."))
    added = {"task_id": 7, "status": "created", "title": "Walk the dog"}
    history = (
        HistoryMessage("user", "add walk the dog"),
        HistoryMessage(
            "assistant",
            "Added 'Walk the dog'.",
            [
                {
                    "name": "add_task",
                    "arguments": {"user_id": "u", "title": "Walk the dog"},
                    "result": added,
                }
            ],
        ),
    )
    t = turn(db, "which id was that?", *history)
    assert await llm(fake.base_url).reply(t) == "It is task 7."

    messages = fake.requests[0]["messages"]
    assert [m["role"] for m in messages] == [
        "system",
        "user",
        "assistant",
        "tool",
        "assistant",
        "user",
    ]
    assert messages[1]["content"] == "add walk the dog"
    [tool_call] = messages[2]["tool_calls"]
    assert tool_call["function"]["name"] == "add_task"
    assert json.loads(tool_call["function"]["arguments"]) == {"title": "Walk the dog"}
    assert json.loads(messages[3]["content"]) == added
    assert messages[3]["tool_call_id"] == tool_call["id"]
    assert messages[4]["content"] == "Added 'Walk the dog'."
    assert messages[5] == {"role": "user", "content": "which id was that?"}


async def test_long_lists_in_history_are_shortened(fake: FakeOpenAI, db: Db, llm: Llm) -> None:
    fake.add(say("You have 500 tasks."))
    listed = [{"id": n, "title": f"Task {n} " + "x" * 150, "completed": False} for n in range(500)]
    added = {"task_id": 501, "status": "created", "title": "Walk the dog " + "y" * 150}
    missing = {"error": "not_found", "message": "There is no task with id 9.", "task_id": 9}
    past = HistoryMessage(
        "assistant",
        "Here they are.",
        [
            {"name": "list_tasks", "arguments": {"user_id": "u"}, "result": listed},
            {"name": "add_task", "arguments": {"title": added["title"]}, "result": added},
            {"name": "delete_task", "arguments": {"task_id": 9}, "result": missing},
        ],
    )
    history = [HistoryMessage("user", "show my tasks"), *[past] * 20]
    t = turn(db, "how many?", *history)
    assert await llm(fake.base_url).reply(t) == "You have 500 tasks."

    [request] = fake.requests
    results = tool_results(request)
    assert len(results) == 60
    for shown, whole_added, whole_missing in zip(*[iter(results)] * 3, strict=True):
        assert shown == [*listed[:HISTORY_LIST_ITEMS], {"more": 500 - HISTORY_LIST_ITEMS}]
        assert whole_added == added and whole_missing == missing
    # 20 replays of 500 tasks would be ~1.7 MB of prompt; shortened it stays small.
    assert len(json.dumps(request)) < 150_000
    # The model is told that such lists are partial and how to get the whole one.
    assert '{"more": N}' in request["messages"][0]["content"]


async def test_a_user_id_from_the_model_is_ignored(fake: FakeOpenAI, db: Db, llm: Llm) -> None:
    victim = new_user()
    [victims_task] = [await tools.add_task(db, victim, "Private")]
    fake.add(
        call("add_task", {"user_id": victim, "title": "Planted"}),
        call("delete_task", {"user_id": victim, "task_id": victims_task["task_id"]}),
        call("list_tasks", {"user_id": victim}),
        say("Done."),
    )
    t = turn(db, "mess with someone else's list")
    await llm(fake.base_url).reply(t)

    victims = await tools.list_tasks(db, victim)
    assert [v["title"] for v in victims] == ["Private"]
    assert [c["title"] for c in await tools.list_tasks(db, t.user_id)] == ["Planted"]
    assert all(c.arguments["user_id"] == t.user_id for c in t.tools.calls)
    assert t.tools.calls[1].result["error"] == "not_found"  # type: ignore[call-overload]
    assert [task["title"] for task in t.tools.calls[2].result] == ["Planted"]  # type: ignore[index]


async def test_tool_errors_go_back_to_the_model(fake: FakeOpenAI, db: Db, llm: Llm) -> None:
    fake.add(
        call("complete_task", {"task_id": 2**31 - 1}),
        call("add_task", {"title": ""}),
        say("I couldn't find that task."),
    )
    t = turn(db, "finish task 2147483647")
    assert await llm(fake.base_url).reply(t) == "I couldn't find that task."
    not_found, invalid = tool_results(fake.requests[-1])
    assert not_found["error"] == "not_found"
    assert invalid["error"] == "invalid_argument" and invalid["field"] == "title"
    assert [c.result for c in t.tools.calls] == [not_found, invalid]


async def test_malformed_tool_arguments(fake: FakeOpenAI, db: Db, llm: Llm) -> None:
    fake.add(call("add_task", '{"title": "Buy'), say("Sorry, could you say that again?"))
    t = turn(db, "add buy")
    assert await llm(fake.base_url).reply(t) == "Sorry, could you say that again?"
    [error] = tool_results(fake.requests[-1])
    assert error["error"] == "invalid_argument"
    assert t.tools.calls == []
    assert await tools.list_tasks(db, t.user_id) == []


async def test_unknown_tool(
    fake: FakeOpenAI, db: Db, llm: Llm, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add(call("drop_database", {}), say("unreachable"))
    t = turn(db, "drop everything")
    with caplog.at_level(logging.ERROR, logger="todo_api.assistant.llm"):
        assert await llm(fake.base_url).reply(t) == CONFUSED_REPLY
    assert any(r.getMessage() == "llm turn failed" for r in caplog.records)


async def test_server_error(
    fake: FakeOpenAI, db: Db, llm: Llm, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add(fail(500), fail(500))  # the client retries once
    with caplog.at_level(logging.ERROR, logger="todo_api.assistant.llm"):
        assert await llm(fake.base_url).reply(turn(db, "hi")) == UNAVAILABLE_REPLY
    [record] = [r for r in caplog.records if r.name == "todo_api.assistant.llm"]
    assert record.getMessage() == "llm server error"
    assert record.__dict__["status"] == 500
    assert record.__dict__["assistant"] == "llm"


async def test_connection_refused(db: Db, llm: Llm) -> None:
    assistant = llm(f"http://127.0.0.1:{free_port()}/v1")
    assert await assistant.reply(turn(db, "hi")) == UNAVAILABLE_REPLY


async def test_timeout_keeps_what_was_done(fake: FakeOpenAI, db: Db, llm: Llm) -> None:
    fake.add(call("add_task", {"title": "Pay rent"}), hang())
    t = turn(db, "add pay rent")
    started = time.monotonic()
    reply = await llm(fake.base_url, timeout=1.0).reply(t)
    assert time.monotonic() - started < 5
    assert reply.endswith(TIMEOUT_REPLY)
    assert "created 'Pay rent'" in reply
    assert [c.name for c in t.tools.calls] == ["add_task"]


async def test_too_many_turns(fake: FakeOpenAI, db: Db, llm: Llm) -> None:
    fake.add(*[call("list_tasks", {}) for _ in range(20)])
    assistant = llm(fake.base_url)
    assistant.max_turns = 3
    t = turn(db, "keep looking")
    assert await assistant.reply(t) == TOO_MANY_STEPS_REPLY
    assert len(t.tools.calls) == 3


async def test_parallel_calls_share_the_session_safely(fake: FakeOpenAI, db: Db, llm: Llm) -> None:
    titles = [f"Task {n}" for n in range(5)]
    fake.add(calls(*[("add_task", {"title": title}) for title in titles]), say("Added five."))
    t = turn(db, "add five tasks")
    assert await llm(fake.base_url).reply(t) == "Added five."
    stored = await tools.list_tasks(db, t.user_id)
    assert sorted(s["title"] for s in stored) == titles
    assert len(t.tools.calls) == 5


async def test_from_settings_reads_the_llm_settings() -> None:
    settings = make_settings(
        None,
        openai_api_key="sk-test",
        openai_base_url="http://llm.internal:11434/v1",
        openai_model="llama3.1",
        llm_timeout_seconds=12.5,
    )
    assistant = LlmAssistant.from_settings(settings)
    assert assistant.name == "llm"
    assert assistant.model_name == "llama3.1"
    assert assistant.timeout_seconds == 12.5
    client: Any = assistant.model._client
    assert str(client.base_url).rstrip("/") == "http://llm.internal:11434/v1"
    assert client.api_key == "sk-test"
    await assistant.aclose()


async def test_the_model_and_time_limit_default_in_the_settings_only() -> None:
    assistant = LlmAssistant.from_settings(
        make_settings(None, openai_base_url="http://llm.internal/v1")
    )
    assert assistant.model_name == Settings.model_fields["openai_model"].default
    assert assistant.timeout_seconds == Settings.model_fields["llm_timeout_seconds"].default
    await assistant.aclose()


@dataclass
class SlowRunner(ToolRunner):
    delay: float = 0.0

    async def call(self, name: str, arguments: Mapping[str, Any] | None = None) -> ToolResult:
        await asyncio.sleep(self.delay)
        return await super().call(name, arguments)


async def test_a_tool_call_under_way_when_time_runs_out_is_finished_and_reported(
    fake: FakeOpenAI, db: Db, llm: Llm
) -> None:
    fake.add(call("add_task", {"title": "Slow one"}), say("unreachable"))
    user = new_user()
    # The timeout leaves the fake model ample time to ask for the tool on a loaded machine;
    # the tool then outlasts it, and finishes within the grace period.
    t = Turn(user, "add slow one", [], SlowRunner(db, user, delay=3.0))
    reply = await llm(fake.base_url, timeout=2.0).reply(t)
    assert reply.endswith(TIMEOUT_REPLY)
    assert "created 'Slow one'" in reply
    assert [c.name for c in t.tools.calls] == ["add_task"]
    assert [task["title"] for task in await tools.list_tasks(db, user)] == ["Slow one"]
    assert len(fake.requests) == 1


@dataclass
class HungRunner(ToolRunner):
    """A tool call that never ends: a hung database."""

    cancelled: bool = False

    async def call(self, name: str, arguments: Mapping[str, Any] | None = None) -> ToolResult:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        raise AssertionError("unreachable")


async def test_a_hung_tool_call_ends_within_the_timeout_and_grace(
    fake: FakeOpenAI, db: Db, llm: Llm, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add(call("add_task", {"title": "Never stored"}), say("unreachable"))
    user = new_user()
    runner = HungRunner(db, user)
    t = Turn(user, "add never stored", [], runner)
    assistant = llm(fake.base_url, timeout=2.0)  # ample for the fake model's first answer
    assistant.call_grace_seconds = 0.5
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="todo_api.assistant.llm"):
        reply = await assistant.reply(t)
    elapsed = time.monotonic() - started
    assert reply == TIMEOUT_REPLY
    assert 2.5 <= elapsed < 2.5 + CANCEL_UNWIND_SECONDS
    assert runner.cancelled and runner.calls == []
    assert [r.getMessage() for r in caplog.records if r.name == "todo_api.assistant.llm"] == [
        "tool call still running after the grace period; cancelled",
        "timed out",
    ]
    assert len(fake.requests) == 1
