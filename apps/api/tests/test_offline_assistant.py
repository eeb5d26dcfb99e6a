"""The offline assistant, table-driven: every case in tests/data/offline_cases.json is a short
conversation run against a real (migrated SQLite) database through the task tools.

A case:

    {
      "name": "unique name, shown by pytest",
      "setup": ["Buy milk", "[x] Call mom", {"title": "Pay rent", "description": "..."}],
      "turns": [
        {
          "say": "mark the first one as done",
          "calls": [{"name": "complete_task", "args": {"task_id": 1}}],
          "reply": "exact reply",
          "reply_has": ["fragments the reply must contain"],
          "reply_lacks": ["fragments it must not contain"],
          "tasks": ["[x] Buy milk", "[x] Call mom", {"title": "Pay rent"}],
          "before": [{"complete": 5}, {"delete": 3}, {"add": "[x] Walk dog"}]
        }
      ]
    }

Tasks are written "Title" (pending) or "[x] Title" (done), or as an object to give a
description. Every turn field but "say" is optional. "calls" is the exact sequence of
tool calls (arguments are checked for the keys given); "tasks" is the user's whole list
after the turn, oldest first; "before" changes the list directly before the message is
sent, as another browser tab would. Each case runs on a copy of one migrated database,
so task ids start at 1, and as its own user. Later turns see the earlier ones as
history, stored and windowed the way the chat endpoint stores and windows them (tool
calls and memo through JSON). Every multi-turn case runs a second time with the stored
reply texts replaced by a decoy, to show that no reply text is ever read back.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.support import make_settings, new_user
from todo_api.assistant import tools
from todo_api.assistant.offline import OfflineAssistant
from todo_api.assistant.protocol import HistoryMessage, Turn
from todo_api.assistant.tools import ToolRunner
from todo_api.core.db import create_app_engine
from todo_api.core.migrate import upgrade_to_head
from todo_api.core.sql import Db, connect
from todo_api.crud import tasks as crud
from todo_api.models import MESSAGE_MAX, TaskCreate, TaskUpdate

pytestmark = pytest.mark.anyio

CASES_FILE = Path(__file__).parent / "data" / "offline_cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]
# As many earlier messages as the chat endpoint passes by default.
HISTORY_WINDOW = 20


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once; each case gets a copy (migrating per case would be slow)."""
    path = tmp_path_factory.mktemp("offline") / "template.sqlite3"
    upgrade_to_head(make_settings(None, sqlite_path=path))
    return path


@pytest.fixture
async def db(template_db: Path, tmp_path: Path) -> AsyncIterator[Db]:
    path = tmp_path / "case.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = template_db.with_name(template_db.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    engine = create_app_engine(make_settings(None, sqlite_path=path))
    async with connect(engine) as connection:
        yield connection
    await engine.dispose()


def _task_spec(spec: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(spec, dict):
        return {"completed": False, **spec}
    if spec.startswith("[x] "):
        return {"title": spec[4:], "completed": True}
    return {"title": spec.removeprefix("[ ] "), "completed": False}


async def _create(db: Db, user: str, setup: Sequence[str | dict[str, Any]]) -> None:
    for spec in map(_task_spec, setup):
        task = await crud.create_task(
            db,
            user,
            TaskCreate(title=spec["title"], description=spec.get("description")),
        )
        if spec["completed"]:
            assert task.id is not None
            await crud.update_task(db, user, task.id, TaskUpdate(completed=True))


async def _outside(db: Db, user: str, changes: list[dict[str, Any]]) -> None:
    """Changes made elsewhere (another tab) between two chat turns."""
    for change in changes:
        if "add" in change:
            await _create(db, user, [change["add"]])
        elif "complete" in change:
            await crud.set_completed(db, user, change["complete"], True)
        elif "delete" in change:
            await crud.delete_task(db, user, change["delete"])
        else:
            raise AssertionError(f"unknown change {change}")


async def _state(db: Db, user: str) -> list[dict[str, Any]]:
    tasks = await crud.list_tasks(db, user, limit=1000)
    return [
        {"title": t.title, "completed": t.completed, "description": t.description} for t in tasks
    ]


def _check_calls(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> None:
    names = [call["name"] for call in actual]
    assert names == [call["name"] for call in expected], f"tool calls: {actual}"
    for want, got in zip(expected, actual, strict=True):
        for key, value in want.get("args", {}).items():
            assert got["arguments"].get(key) == value, f"{want['name']} {key}: {got}"


def _check_tasks(expected: list[str | dict[str, Any]], actual: list[dict[str, Any]]) -> None:
    wanted = [_task_spec(spec) for spec in expected]
    shown = [{k: t[k] for k in ("title", "completed")} for t in actual]
    assert shown == [{k: w[k] for k in ("title", "completed")} for w in wanted], actual
    for want, got in zip(wanted, actual, strict=True):
        if "description" in want:
            assert got["description"] == want["description"], got


async def _turn(
    db: Db,
    user: str,
    message: str,
    history: list[HistoryMessage],
    stored_reply: str | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    """One chat turn, with the history built as chat.py builds it: the last
    HISTORY_WINDOW messages before this one, each assistant message with its tool calls
    and memo as stored (JSON, read back; an empty memo is stored as None).
    `stored_reply` replaces the reply's text in the history (a decoy)."""
    runner = ToolRunner(db, user)
    turn = Turn(user, message, history[-HISTORY_WINDOW:], runner)
    reply = await OfflineAssistant().reply(turn)
    calls: list[dict[str, Any]] = json.loads(json.dumps([c.as_dict() for c in runner.calls]))
    memo: dict[str, Any] | None = json.loads(json.dumps(turn.memo or None))
    history += [
        HistoryMessage("user", message),
        HistoryMessage("assistant", stored_reply or reply, tuple(calls or ()), memo),
    ]
    return reply, calls


def test_the_case_file_is_well_formed() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) >= 170
    assert len(set(names)) == len(names), "case names must be unique"
    known = {"say", "calls", "reply", "reply_has", "reply_lacks", "tasks", "note", "before"}
    for case in CASES:
        assert set(case) <= {"name", "setup", "turns", "note"}, case["name"]
        assert case["turns"], case["name"]
        for turn in case["turns"]:
            assert set(turn) <= known and "say" in turn, (case["name"], turn)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
async def test_conversation(case: dict[str, Any], db: Db) -> None:
    user = new_user()
    await _create(db, user, case.get("setup", []))
    history: list[HistoryMessage] = []
    for number, turn in enumerate(case["turns"], 1):
        where = f"turn {number} ({turn['say']!r})"
        await _outside(db, user, turn.get("before", []))
        reply, calls = await _turn(db, user, turn["say"], history)
        assert reply.strip(), f"{where}: empty reply"
        if "calls" in turn:
            _check_calls(turn["calls"], calls)
        if "reply" in turn:
            assert reply == turn["reply"], where
        for fragment in turn.get("reply_has", []):
            assert fragment in reply, f"{where}: {fragment!r} not in {reply!r}"
        for fragment in turn.get("reply_lacks", []):
            assert fragment not in reply, f"{where}: {fragment!r} in {reply!r}"
        if "tasks" in turn:
            _check_tasks(turn["tasks"], await _state(db, user))


# Reply text that, if it were ever parsed, would point at the wrong tasks or questions.
DECOY = '- [ ] Decoy (#1)\n- [x] Decoy (#99)\n"Decoy" (task 7)\nWhich one do you mean? Say "yes"'
MULTI_TURN = [case for case in CASES if len(case["turns"]) > 1]


@pytest.mark.parametrize("case", MULTI_TURN, ids=[case["name"] for case in MULTI_TURN])
async def test_reply_text_is_never_read_back(case: dict[str, Any], db: Db) -> None:
    """What the next turn knows comes from the memo and the tool calls only: with every
    stored reply replaced by a decoy, each conversation makes the same tool calls."""
    user = new_user()
    await _create(db, user, case.get("setup", []))
    history: list[HistoryMessage] = []
    for turn in case["turns"]:
        await _outside(db, user, turn.get("before", []))
        _, calls = await _turn(db, user, turn["say"], history, stored_reply=DECOY)
        if "calls" in turn:
            _check_calls(turn["calls"], calls)
        if "tasks" in turn:
            _check_tasks(turn["tasks"], await _state(db, user))


UNAVAILABLE = {"error": "unavailable", "message": "The task list could not be reached just now."}


@pytest.mark.parametrize(
    ("setup", "messages", "broken", "done"),
    [
        (["Buy milk"], ["show my tasks"], "list_tasks", []),
        (["Buy milk"], ["delete the milk task"], "list_tasks", []),
        (["Buy milk"], ["complete task 1"], "complete_task", []),
        (["Buy milk"], ["add eggs and complete task 1"], "complete_task", ["Eggs"]),
        (["Buy milk", "Pay bills"], ["delete all my tasks", "yes"], "delete_task", []),
        (["Buy milk"], ["rename task 1 to Buy oat milk"], "update_task", []),
        (["Buy milk"], ["clear the description of task 1"], "update_task", []),
        ([], ["add milk, eggs and bread"], "add_task", []),
        (["Buy milk", "Buy oat milk"], ["delete milk", "the second one"], "list_tasks", []),
    ],
)
async def test_an_unreachable_task_list_is_said_not_raised(
    setup: list[str],
    messages: list[str],
    broken: str,
    done: list[str],
    db: Db,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A tool answering {"error": "unavailable"} (the database is down) ends the turn
    with a reply that says so; what was done before it is reported, nothing else."""
    user = new_user()
    await _create(db, user, setup)
    history: list[HistoryMessage] = []
    for message in messages[:-1]:
        await _turn(db, user, message, history)
    before = await _state(db, user)
    real = tools.call_tool

    async def call_tool(db: Db, user_id: str, name: str, arguments: Any) -> tools.ToolResult:
        if name == broken:
            return dict(UNAVAILABLE)
        return await real(db, user_id, name, arguments)

    monkeypatch.setattr(tools, "call_tool", call_tool)
    reply, calls = await _turn(db, user, messages[-1], history)
    assert "couldn't reach your task list" in reply, reply
    assert any(call["result"] == UNAVAILABLE for call in calls)
    assert history[-1].memo is None or "question" not in history[-1].memo
    after = await _state(db, user)
    assert [t for t in after if t not in before] == [
        {"title": title, "completed": False, "description": None} for title in done
    ]
    if done:
        assert "Before that, I did this" in reply and "anything else" in reply, reply
    else:
        assert "nothing was changed" in reply, reply


async def test_other_tool_errors_are_explained(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    user = new_user()
    await _create(db, user, ["Buy milk"])
    forbidden = {"error": "forbidden", "message": "Not allowed."}

    async def call_tool(*_: Any) -> tools.ToolResult:
        return dict(forbidden)

    monkeypatch.setattr(tools, "call_tool", call_tool)
    reply, _ = await _turn(db, user, "complete task 1", [])
    assert reply == "I couldn't complete it: Not allowed."


async def test_replies_without_a_memo_are_read_from_their_tool_calls(
    db: Db,
) -> None:
    """Another assistant's replies (the LLM's) carry no memo: "it" and "the second one"
    come from their tool calls."""
    user = new_user()
    await _create(db, user, ["Buy milk", "[x] Call mom", "Pay bills"])
    listed = [{"id": 1, "title": "Buy milk", "completed": False}]
    listed += [{"id": 3, "title": "Pay bills", "completed": False}]
    history = [
        HistoryMessage("user", "what's pending?"),
        HistoryMessage("assistant", "Two things.", ({"name": "list_tasks", "result": listed},)),
    ]
    _, calls = await _turn(db, user, "complete the second one", history)
    assert [c["arguments"].get("task_id") for c in calls] == [3]
    added = {"task_id": 2, "status": "created", "title": "Call mom"}
    history.append(HistoryMessage("user", "add call mom"))
    history.append(HistoryMessage("assistant", "Done!", ({"name": "add_task", "result": added},)))
    _, calls = await _turn(db, user, "delete it", history)
    assert [(c["name"], c["arguments"].get("task_id")) for c in calls] == [("delete_task", 2)]


@pytest.mark.parametrize(
    "memo",
    [
        {"shown": "x", "subject": [True, "2", None], "action": 5},
        {"question": {"kind": "confirm", "commands": [{"type": "Nope"}], "tasks": [[1]]}},
        {"question": {"kind": "pick", "commands": [{"type": "DeleteTasks", "refs": 3}]}},
        {"question": {"kind": "confirm", "commands": [{"type": "DeleteTasks", "refs": 3}]}},
        {"question": {"kind": "confirm", "commands": [{"type": "CompleteTasks", "refs": []}]}},
        {"question": {"kind": "confirm", "commands": [{"type": "AllRef", "status": "all"}]}},
        {"question": {"kind": "confirm", "commands": [], "tasks": "all"}},
    ],
)
async def test_a_malformed_memo_is_ignored(memo: dict[str, Any], db: Db) -> None:
    user = new_user()
    await _create(db, user, ["Buy milk"])
    history = [HistoryMessage("user", "delete all"), HistoryMessage("assistant", "?", (), memo)]
    for message in ("yes", "the first one", "delete it"):
        reply, calls = await _turn(db, user, message, list(history))
        assert reply.strip()
        assert not any(c["name"] == "delete_task" for c in calls), (message, calls)
    assert len(await _state(db, user)) == 1


async def test_never_fails_on_odd_input(db: Db) -> None:
    """Whatever is said, the assistant answers with text, quickly, and calls tools only in
    valid ways. Seeded, so a failure reproduces."""
    user = new_user()
    await _create(db, user, ["Buy milk", "[x] Call mom", "Team meeting"])
    words = (
        "add delete remove show list mark done complete it that the second last task #2 3 "
        "and , . : ; - — ' \" ? ! milk mom meeting all everything please rename to change "
        "description of not yes no 🥛 日本語 ñandú \t x" * 2
    ).split(" ")
    rng = random.Random(20240601)
    messages = [" ".join(rng.choices(words, k=rng.randint(1, 14))) for _ in range(150)]
    messages += ["x" * MESSAGE_MAX, ("add " + "long words " * 400)[:MESSAGE_MAX]]
    messages += [", ".join(["add milk"] * 300)[:MESSAGE_MAX], "1 " * 999, "and " * 500]
    history: list[HistoryMessage] = []
    for message in messages:
        started = time.perf_counter()
        reply, calls = await _turn(db, user, message, history)
        assert reply.strip(), message
        assert time.perf_counter() - started < 2, message
        for call in calls:
            assert call["result"] is not None
            if isinstance(call["result"], dict):
                assert call["result"].get("error") != "invalid_argument", (message, call)


async def test_a_long_title_is_shortened_and_kept_whole_in_the_description(
    db: Db,
) -> None:
    user = new_user()
    text = " ".join(["word"] * 100)  # 499 characters: too long for a title (200)
    reply, calls = await _turn(db, user, f"add {text}", [])
    [call] = calls
    title = call["arguments"]["title"]
    assert len(title) <= 200 and title.endswith("…") and title.startswith("Word word")
    assert call["arguments"]["description"] == "W" + text[1:]
    assert f'"{title}" (task 1)' in reply
