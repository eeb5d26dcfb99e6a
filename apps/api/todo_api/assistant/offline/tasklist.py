"""The task list as one reply reads it through the tools: lists fetched at most once
between changes, and what a tool's error means for the reply (a task that is gone, one
deleted earlier in the conversation, a database that cannot be reached)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from todo_api.assistant.offline import replies_problems
from todo_api.assistant.offline.commands import Status
from todo_api.assistant.offline.dialogue import Dialogue
from todo_api.assistant.offline.matching import TaskInfo
from todo_api.assistant.tools import ToolResult, ToolRunner


class UnavailableError(Exception):
    """A tool could not reach the task list: the turn stops there."""


def _tasks_from(result: ToolResult) -> list[TaskInfo]:
    if not isinstance(result, list):
        return []
    return [
        TaskInfo(int(item["id"]), str(item.get("title", "")), bool(item.get("completed")))
        for item in result
        if isinstance(item, dict) and isinstance(item.get("id"), int)
    ]


def error_of(result: ToolResult) -> dict[str, Any] | None:
    return result if isinstance(result, dict) and "error" in result else None


def is_not_found(result: ToolResult) -> bool:
    error = error_of(result)
    return error is not None and error.get("error") == "not_found"


def changed_something(result: ToolResult) -> bool:
    return isinstance(result, dict) and "error" not in result and "status" in result


class TaskList:
    """One reply's view of the task list, fetched at most once between changes."""

    def __init__(self, tools: ToolRunner, dialogue: Dialogue) -> None:
        self.tools = tools
        self.dialogue = dialogue
        self._lists: dict[Status, list[TaskInfo]] = {}

    async def fetch(self, status: Status) -> list[TaskInfo]:
        """list_tasks, always called (the user asked to see the list)."""
        result = await self.tools.call("list_tasks", {"status": status})
        if error_of(result) or not isinstance(result, list):
            raise UnavailableError  # nothing can be done without the list
        tasks = _tasks_from(result)
        self._lists[status] = tasks
        return tasks

    async def with_status(self, status: Status) -> list[TaskInfo]:
        """The tasks of a status, from a list already fetched in this reply when possible."""
        if status in self._lists:
            return self._lists[status]
        if "all" in self._lists:
            done = status == "completed"
            return [t for t in self._lists["all"] if t.completed == done]
        return await self.fetch(status)

    def known(self) -> dict[int, TaskInfo]:
        return {t.id: t for tasks in self._lists.values() for t in tasks}

    def forget(self) -> None:
        """A task changed: the lists fetched so far are out of date."""
        self._lists.clear()

    async def problem(self, result: ToolResult, task_id: int, action: str) -> str | None:
        """What went wrong with a tool call on one task, or None when it worked."""
        error = error_of(result)
        if error is None:
            return (
                None
                if isinstance(result, dict)
                else replies_problems.tool_error(action, "no answer")
            )
        if error.get("error") == "unavailable":
            raise UnavailableError
        if error.get("error") == "not_found":
            return await self.unknown([task_id])
        return replies_problems.tool_error(action, str(error.get("message", "")))

    async def unknown(self, task_ids: Sequence[int]) -> str:
        """Why these tasks cannot be acted on: gone since the user picked them, deleted
        earlier in the conversation, or never there."""
        chosen, deleted = self.dialogue.chosen, self.dialogue.deleted
        parts: list[str] = []
        gone = [(i, chosen[i] or None) for i in task_ids if i in chosen]
        if gone:
            parts.append(replies_problems.gone(gone))
        never: list[int] = []
        for task_id in task_ids:
            if task_id in chosen:
                continue
            if deleted.get(task_id):
                parts.append(replies_problems.no_such_id(task_id, deleted[task_id], []))
            else:
                never.append(task_id)
        if never:
            parts.append(replies_problems.no_such_ids(never, await self.with_status("all")))
        return " ".join(parts)
