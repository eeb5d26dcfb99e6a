"""The offline engine, table-driven: every case in tests/data/offline_cases.json is a short
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
          "tasks": ["[x] Buy milk", "[x] Call mom", {"title": "Pay rent"}]
        }
      ]
    }

Tasks are written "Title" (pending) or "[x] Title" (done), or as an object to give a
description. Every turn field but "say" is optional. "calls" is the exact sequence of tool
calls (arguments are checked for the keys given); "tasks" is the user's whole list after
the turn, oldest first. Each case runs on a copy of one migrated database, so task ids
start at 1, and as its own user. Later turns see the earlier ones as history, stored
and windowed the way the chat endpoint stores and windows them.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from tests.support import make_settings, new_user
from todo_api import crud
from todo_api.assistant.engine import HistoryMessage, Turn
from todo_api.assistant.offline import OfflineEngine
from todo_api.assistant.tools import ToolRunner
from todo_api.core.db import create_app_engine, session_factory
from todo_api.core.migrate import upgrade_to_head
from todo_api.models import MESSAGE_MAX, TaskCreate, TaskUpdate

pytestmark = pytest.mark.anyio

CASES_FILE = Path(__file__).parent / "data" / "offline_cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]
# As many earlier messages as the chat endpoint passes by default.
HISTORY_WINDOW = 20


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once; each case gets a copy (migrating per case would be slow)."""
    path = tmp_path_factory.mktemp("offline") / "template.sqlite3"
    upgrade_to_head(make_settings(None, sqlite_path=path))
    return path


@pytest.fixture
async def session(template_db: Path, tmp_path: Path) -> AsyncIterator[AsyncSession]:
    path = tmp_path / "case.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = template_db.with_name(template_db.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    engine = create_app_engine(make_settings(None, sqlite_path=path))
    async with session_factory(engine)() as s:
        yield s
    await engine.dispose()


def _task_spec(spec: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(spec, dict):
        return {"completed": False, **spec}
    if spec.startswith("[x] "):
        return {"title": spec[4:], "completed": True}
    return {"title": spec.removeprefix("[ ] "), "completed": False}


async def _create(session: AsyncSession, user: str, setup: list[str | dict[str, Any]]) -> None:
    for spec in map(_task_spec, setup):
        task = await crud.create_task(
            session, user, TaskCreate(title=spec["title"], description=spec.get("description"))
        )
        if spec["completed"]:
            assert task.id is not None
            await crud.update_task(session, user, task.id, TaskUpdate(completed=True))


async def _state(session: AsyncSession, user: str) -> list[dict[str, Any]]:
    tasks = await crud.list_tasks(session, user, limit=1000)
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
    session: AsyncSession, user: str, message: str, history: list[HistoryMessage]
) -> tuple[str, list[dict[str, Any]]]:
    runner = ToolRunner(session, user)
    reply = await OfflineEngine().reply(Turn(user, message, history[-HISTORY_WINDOW:], runner))
    # Stored as JSON and read back, as the chat endpoint's history is.
    calls: list[dict[str, Any]] = json.loads(json.dumps([c.as_dict() for c in runner.calls]))
    history += [
        HistoryMessage("user", message),
        HistoryMessage("assistant", reply, tuple(calls)),
    ]
    return reply, calls


def test_the_case_file_is_well_formed() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) >= 170
    assert len(set(names)) == len(names), "case names must be unique"
    known = {"say", "calls", "reply", "reply_has", "reply_lacks", "tasks", "note"}
    for case in CASES:
        assert set(case) <= {"name", "setup", "turns", "note"}, case["name"]
        assert case["turns"], case["name"]
        for turn in case["turns"]:
            assert set(turn) <= known and "say" in turn, (case["name"], turn)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
async def test_conversation(case: dict[str, Any], session: AsyncSession) -> None:
    user = new_user()
    await _create(session, user, case.get("setup", []))
    history: list[HistoryMessage] = []
    for number, turn in enumerate(case["turns"], 1):
        where = f"turn {number} ({turn['say']!r})"
        reply, calls = await _turn(session, user, turn["say"], history)
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
            _check_tasks(turn["tasks"], await _state(session, user))


async def test_never_fails_on_odd_input(session: AsyncSession) -> None:
    """Whatever is said, the engine answers with text, quickly, and calls tools only in
    valid ways. Seeded, so a failure reproduces."""
    user = new_user()
    await _create(session, user, ["Buy milk", "[x] Call mom", "Team meeting"])
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
        reply, calls = await _turn(session, user, message, history)
        assert reply.strip(), message
        assert time.perf_counter() - started < 2, message
        for call in calls:
            assert call["result"] is not None
            if isinstance(call["result"], dict):
                assert call["result"].get("error") != "invalid_argument", (message, call)


async def test_a_long_title_is_shortened_and_kept_whole_in_the_description(
    session: AsyncSession,
) -> None:
    user = new_user()
    text = " ".join(["word"] * 100)  # 499 characters: too long for a title (200)
    reply, calls = await _turn(session, user, f"add {text}", [])
    [call] = calls
    title = call["arguments"]["title"]
    assert len(title) <= 200 and title.endswith("…") and title.startswith("Word word")
    assert call["arguments"]["description"] == "W" + text[1:]
    assert f'"{title}" (task 1)' in reply
