"""Reopening done tasks ("reopen task 3", "mark it as not done", "undo" after completing)
through update_task with completed false, and redoing completions ("undo" after a reopen).
A task that is not done is left as it is and named as still pending."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from todo_api.assistant.offline.matching import TaskInfo
from todo_api.assistant.offline.tasklist import TaskList
from todo_api.assistant.tools import ToolRunner


@dataclass
class Reopened:
    reopened: list[tuple[int, str]] = field(default_factory=list)
    pending: list[TaskInfo] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


async def reopen(tools: ToolRunner, tasks: TaskList, found: Sequence[TaskInfo]) -> Reopened:
    outcome = Reopened()
    for task in found:
        if not task.completed:
            outcome.pending.append(task)
            continue
        result = await tools.call("update_task", {"task_id": task.id, "completed": False})
        if problem := await tasks.problem(result, task.id, "reopen it"):
            outcome.problems.append(problem)
        elif isinstance(result, dict):
            outcome.reopened.append((task.id, str(result["title"])))
    return outcome


async def complete_again(
    tools: ToolRunner, tasks: TaskList, changed: Sequence[tuple[int, str]]
) -> tuple[list[tuple[int, str]], list[str]]:
    """Undo of a reopen: complete_task on each task again."""
    done: list[tuple[int, str]] = []
    problems: list[str] = []
    for task_id, _ in changed:
        result = await tools.call("complete_task", {"task_id": task_id})
        if problem := await tasks.problem(result, task_id, "complete it"):
            problems.append(problem)
        elif isinstance(result, dict):
            done.append((task_id, str(result["title"])))
    return done, problems
