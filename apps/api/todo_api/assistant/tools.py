"""The five task tools of CONTRACT.md: the one implementation behind the MCP server, the
LLM agent and the offline assistant. They sit on `crud` (the REST routes' service layer), so
there is no second copy of task logic.

A tool never raises for something the caller can fix: bad arguments and unknown tasks are
returned as values (`{"error": ..., "message": ...}`) that a model or the offline assistant
can phrase for the user. The user a tool acts for is always passed in by the caller from
the authenticated request; it is never an argument a model chooses.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, StrictBool, ValidationError
from pydantic import Field as SchemaField
from sqlalchemy.exc import SQLAlchemyError

from todo_api.core.metrics import record_tool_call
from todo_api.core.sql import DatabaseUnavailableError, Db
from todo_api.crud import tasks as crud
from todo_api.models import DESCRIPTION_MAX, MAX_ID, Description, TaskCreate, TaskUpdate, Title

logger = logging.getLogger("todo_api.assistant.tools")

ToolName = Literal["add_task", "list_tasks", "complete_task", "delete_task", "update_task"]
TOOL_NAMES: tuple[ToolName, ...] = (
    "add_task",
    "list_tasks",
    "complete_task",
    "delete_task",
    "update_task",
)
# What a tool returns: a dict for one task (or an error), a list for list_tasks.
ToolResult = dict[str, Any] | list[dict[str, Any]]

# list_tasks returns at most this many (oldest first): enough for any real to-do list,
# bounded so one call cannot flood a model's context.
LIST_LIMIT = 500

TaskId = SchemaField(
    gt=0,
    le=MAX_ID,
    description="The task's numeric id, as shown by list_tasks (e.g. 3).",
)


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class AddTaskArgs(_Args):
    title: Title = SchemaField(description="Short title, e.g. 'Buy groceries' (1-200 chars).")
    description: Description = SchemaField(
        default=None, description="Optional details (at most 1000 chars)."
    )


class ListTasksArgs(_Args):
    status: crud.StatusFilter = SchemaField(
        default="all",
        description="'pending' for open tasks, 'completed' for done ones, 'all' for both.",
    )


class TaskRefArgs(_Args):
    task_id: int = TaskId


class UpdateTaskArgs(_Args):
    task_id: int = TaskId
    title: Title = SchemaField(default=None, description="New title, if it changes.")  # type: ignore[assignment]
    # Plain text here, checked by TaskUpdate: "" must reach it (and clear the description)
    # rather than be cleaned into "no change".
    description: str | None = SchemaField(
        default=None,
        max_length=DESCRIPTION_MAX,
        description="New description, if it changes; an empty string clears it.",
    )
    completed: StrictBool | None = SchemaField(
        default=None, description="false reopens a done task; true marks it done."
    )


@dataclass(frozen=True)
class ToolSpec:
    name: ToolName
    description: str
    args: type[_Args]


TOOL_SPECS: dict[ToolName, ToolSpec] = {
    spec.name: spec
    for spec in (
        ToolSpec(
            "add_task",
            "Create a new task for the user. Use a short imperative title; put any extra "
            "detail in description. Returns {task_id, status: 'created', title}.",
            AddTaskArgs,
        ),
        ToolSpec(
            "list_tasks",
            "List the user's tasks, oldest first, as [{id, title, completed}]. Use it to "
            "find a task's id from words of its title before changing or deleting it.",
            ListTasksArgs,
        ),
        ToolSpec(
            "complete_task",
            "Mark one task as done. Returns {task_id, status: 'completed', title}.",
            TaskRefArgs,
        ),
        ToolSpec(
            "delete_task",
            "Delete one task for good. Returns {task_id, status: 'deleted', title}.",
            TaskRefArgs,
        ),
        ToolSpec(
            "update_task",
            "Change a task's title and/or description, or reopen a done task with "
            "completed: false; omit what stays the same. "
            "Returns {task_id, status: 'updated', title}.",
            UpdateTaskArgs,
        ),
    )
}


ErrorKind = Literal["not_found", "invalid_argument", "unknown_tool", "forbidden", "unavailable"]


def error(kind: ErrorKind, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": kind, "message": message, **extra}


def is_error(result: ToolResult) -> bool:
    return isinstance(result, dict) and "error" in result


def _not_found(task_id: int) -> dict[str, Any]:
    return error("not_found", f"There is no task with id {task_id}.", task_id=task_id)


def _invalid(exc: ValidationError) -> dict[str, Any]:
    first = exc.errors()[0]
    name = ".".join(str(part) for part in first["loc"]) or "arguments"
    message = first["msg"].removeprefix("Value error, ")
    return error("invalid_argument", f"{name}: {message}", field=name)


async def add_task(
    db: Db, user_id: str, title: str, description: str | None = None
) -> dict[str, Any]:
    try:
        data = TaskCreate.model_validate({"title": title, "description": description})
    except ValidationError as exc:
        return _invalid(exc)
    task = await crud.create_task(db, user_id, data)
    return {"task_id": task.id, "status": "created", "title": task.title}


async def list_tasks(
    db: Db, user_id: str, status: crud.StatusFilter = "all"
) -> list[dict[str, Any]]:
    tasks = await crud.list_tasks(db, user_id, status=status, limit=LIST_LIMIT)
    return [{"id": t.id, "title": t.title, "completed": t.completed} for t in tasks]


async def complete_task(db: Db, user_id: str, task_id: int) -> dict[str, Any]:
    try:
        task = await crud.set_completed(db, user_id, task_id, True)
    except crud.TaskNotFoundError:
        return _not_found(task_id)
    return {"task_id": task.id, "status": "completed", "title": task.title}


async def delete_task(db: Db, user_id: str, task_id: int) -> dict[str, Any]:
    try:
        task = await crud.delete_task(db, user_id, task_id)
    except crud.TaskNotFoundError:
        return _not_found(task_id)
    return {"task_id": task_id, "status": "deleted", "title": task.title}


async def update_task(
    db: Db,
    user_id: str,
    task_id: int,
    title: str | None = None,
    description: str | None = None,
    completed: bool | None = None,
) -> dict[str, Any]:
    given = (("title", title), ("description", description), ("completed", completed))
    changes = {k: v for k, v in given if v is not None}
    if not changes:
        return error(
            "invalid_argument", "Give a new title, description or completed; nothing was changed."
        )
    try:
        data = TaskUpdate.model_validate(changes)
    except ValidationError as exc:
        return _invalid(exc)
    try:
        task = await crud.update_task(db, user_id, task_id, data)
    except crud.TaskNotFoundError:
        return _not_found(task_id)
    return {"task_id": task.id, "status": "updated", "title": task.title}


_IMPLEMENTATIONS: dict[ToolName, Callable[..., Awaitable[ToolResult]]] = {
    "add_task": add_task,
    "list_tasks": list_tasks,
    "complete_task": complete_task,
    "delete_task": delete_task,
    "update_task": update_task,
}


async def call_tool(db: Db, user_id: str, name: str, arguments: Mapping[str, Any]) -> ToolResult:
    """Validate `arguments` against the tool's schema and run it. Never raises for bad
    input: an unknown tool or invalid arguments come back as an error value."""
    spec = TOOL_SPECS.get(name)  # type: ignore[call-overload]
    if spec is None:
        return error("unknown_tool", f"There is no tool named {name!r}.", tool=name)
    try:
        args = spec.args.model_validate(dict(arguments))
    except ValidationError as exc:
        return _invalid(exc)
    return await _IMPLEMENTATIONS[spec.name](db, user_id, **args.model_dump(exclude_none=True))


@dataclass
class ToolCall:
    """One call as the chat response and the stored history show it. `arguments` are the
    contract's, so they include the (request's) user_id."""

    name: str
    arguments: dict[str, Any]
    result: ToolResult

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "arguments": self.arguments, "result": self.result}


@dataclass
class ToolRunner:
    """Runs tools for one user on one database connection and records every call, in order.
    Assistants get one per chat turn; they cannot choose the user."""

    db: Db
    user_id: str
    calls: list[ToolCall] = field(default_factory=list)

    async def call(self, name: str, arguments: Mapping[str, Any] | None = None) -> ToolResult:
        arguments = dict(arguments or {})
        arguments.pop("user_id", None)  # the user comes from the request, never the caller
        try:
            result = await call_tool(self.db, self.user_id, name, arguments)
        except (SQLAlchemyError, DatabaseUnavailableError):
            # A value like any other failure, so the assistant can say so; what the failed
            # statement left open is rolled back, so the turn can still store its reply.
            logger.exception("tool %s failed in the database", name)
            await self.db.rollback()
            result = error("unavailable", "The task list could not be reached just now.")
        self.calls.append(ToolCall(name, {"user_id": self.user_id, **arguments}, result))
        count_call(name, result)
        return result


def count_call(name: str, result: ToolResult) -> None:
    """The tool calls metric: an unknown name (a model's or an MCP client's own) is counted
    as "unknown", so that callers cannot make up label values."""
    outcome = str(result["error"]) if isinstance(result, dict) and "error" in result else "ok"
    record_tool_call(name if name in TOOL_SPECS else "unknown", outcome)
