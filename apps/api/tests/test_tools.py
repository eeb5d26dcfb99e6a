"""The five task tools: contract shapes, errors as values, and the per-turn runner."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import new_user
from todo_api.assistant import tools
from todo_api.assistant.tools import ToolRunner, call_tool
from todo_api.core.sql import Db

pytestmark = pytest.mark.anyio


async def test_each_tool_returns_the_contract_shape(db: Db) -> None:
    user = new_user()
    added = await tools.add_task(db, user, "  Buy groceries ", "milk")
    assert added == {"task_id": added["task_id"], "status": "created", "title": "Buy groceries"}
    tid = added["task_id"]
    other = await tools.add_task(db, user, "Pay bills")

    assert await tools.list_tasks(db, user) == [
        {"id": tid, "title": "Buy groceries", "completed": False},
        {"id": other["task_id"], "title": "Pay bills", "completed": False},
    ]
    assert await tools.complete_task(db, user, tid) == {
        "task_id": tid,
        "status": "completed",
        "title": "Buy groceries",
    }
    # Completing is idempotent: it sets, never toggles.
    assert (await tools.complete_task(db, user, tid))["status"] == "completed"
    assert [t["id"] for t in await tools.list_tasks(db, user, "completed")] == [tid]
    assert [t["id"] for t in await tools.list_tasks(db, user, "pending")] == [other["task_id"]]
    assert await tools.update_task(db, user, tid, title="Buy food") == {
        "task_id": tid,
        "status": "updated",
        "title": "Buy food",
    }
    assert await tools.delete_task(db, user, tid) == {
        "task_id": tid,
        "status": "deleted",
        "title": "Buy food",
    }
    assert [t["id"] for t in await tools.list_tasks(db, user)] == [other["task_id"]]


@pytest.mark.parametrize("name", ["complete_task", "delete_task", "update_task"])
async def test_unknown_task_is_a_value_not_an_exception(db: Db, name: str) -> None:
    owner, other = new_user(), new_user()
    tid = (await tools.add_task(db, owner, "Private"))["task_id"]
    arguments: dict[str, Any] = {"task_id": tid}
    if name == "update_task":
        arguments["title"] = "Stolen"
    result = await call_tool(db, other, name, arguments)
    assert result == {
        "error": "not_found",
        "message": f"There is no task with id {tid}.",
        "task_id": tid,
    }
    assert (await tools.list_tasks(db, owner))[0]["title"] == "Private"


@pytest.mark.parametrize(
    ("name", "arguments", "field"),
    [
        ("add_task", {}, "title"),
        ("add_task", {"title": "   "}, "title"),
        ("add_task", {"title": "x" * 201}, "title"),
        ("add_task", {"title": "ok", "description": "d" * 1001}, "description"),
        ("add_task", {"title": "ok", "colour": "red"}, "colour"),
        ("list_tasks", {"status": "done"}, "status"),
        ("complete_task", {}, "task_id"),
        ("complete_task", {"task_id": "three"}, "task_id"),
        ("complete_task", {"task_id": 0}, "task_id"),
        ("delete_task", {"task_id": 2**31}, "task_id"),
        ("update_task", {"task_id": 1, "title": ""}, "title"),
    ],
)
async def test_invalid_arguments_name_the_field(
    db: Db, name: str, arguments: dict[str, Any], field: str
) -> None:
    result = await call_tool(db, new_user(), name, arguments)
    assert isinstance(result, dict)
    assert result["error"] == "invalid_argument"
    assert result["field"] == field
    assert result["message"].startswith(f"{field}: ")


async def test_unknown_tool(db: Db) -> None:
    result = await call_tool(db, new_user(), "drop_database", {})
    assert result == {
        "error": "unknown_tool",
        "message": "There is no tool named 'drop_database'.",
        "tool": "drop_database",
    }


async def test_runner_records_calls_and_ignores_a_user_id_argument(db: Db) -> None:
    me, victim = new_user(), new_user()
    runner = ToolRunner(db, me)
    result = await runner.call("add_task", {"user_id": victim, "title": "Mine"})
    assert not tools.is_error(result)
    assert await tools.list_tasks(db, victim) == []
    assert [t["title"] for t in await tools.list_tasks(db, me)] == ["Mine"]
    [call] = runner.calls
    assert call.as_dict() == {
        "name": "add_task",
        "arguments": {"user_id": me, "title": "Mine"},
        "result": result,
    }


def test_schemas_describe_every_argument() -> None:
    assert tuple(tools.TOOL_SPECS) == tools.TOOL_NAMES
    for spec in tools.TOOL_SPECS.values():
        schema = spec.args.model_json_schema()
        assert schema["additionalProperties"] is False
        assert spec.description
        for name, prop in schema.get("properties", {}).items():
            assert prop.get("description"), f"{spec.name}.{name} has no description"


async def test_update_with_nothing_to_change_is_refused(db: Db) -> None:
    user = new_user()
    tid = (await tools.add_task(db, user, "Keep", "as is"))["task_id"]
    result = await call_tool(db, user, "update_task", {"task_id": tid})
    assert isinstance(result, dict)
    assert result["error"] == "invalid_argument"
    cleared = await call_tool(db, user, "update_task", {"task_id": tid, "description": ""})
    assert cleared == {"task_id": tid, "status": "updated", "title": "Keep"}


async def test_update_with_completed_false_reopens_a_done_task(db: Db) -> None:
    user = new_user()
    tid = (await tools.add_task(db, user, "Water the plants"))["task_id"]
    await tools.complete_task(db, user, tid)
    reopened = await call_tool(db, user, "update_task", {"task_id": tid, "completed": False})
    assert reopened == {"task_id": tid, "status": "updated", "title": "Water the plants"}
    assert [t["completed"] for t in await tools.list_tasks(db, user)] == [False]
    # Strict: a string is not a boolean, and nothing changes.
    refused = await call_tool(db, user, "update_task", {"task_id": tid, "completed": "no"})
    assert isinstance(refused, dict) and refused["error"] == "invalid_argument"
    assert refused["field"] == "completed"


async def test_a_database_failure_is_a_value_and_leaves_the_connection_usable(
    db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    from todo_api.core.sql import DatabaseUnavailableError
    from todo_api.crud import tasks as crud

    user = new_user()
    runner = ToolRunner(db, user)

    async def broken(*_: object, **__: object) -> None:
        await db.all("SELECT 1", {})
        raise DatabaseUnavailableError("connection lost")

    monkeypatch.setattr(crud, "create_task", broken)
    result = await runner.call("add_task", {"title": "Lost"})
    assert isinstance(result, dict)
    assert result["error"] == "unavailable"
    monkeypatch.undo()
    # The connection works again: the next call goes through.
    assert not tools.is_error(await runner.call("add_task", {"title": "Kept"}))
    assert next(c.result for c in runner.calls) == result
