"""What the assistant says when it shows tasks: the list, counts, search results, and
particular tasks ("show task 3"). Lines are replies.lines()'s "- [ ] Buy milk (#4)"."""

from __future__ import annotations

from collections.abc import Sequence

from todo_api.assistant.offline.commands import Status
from todo_api.assistant.offline.matching import TaskInfo
from todo_api.assistant.offline.replies import lines, plural, quoted


def task_list(status: Status, tasks: Sequence[TaskInfo]) -> str:
    if not tasks:
        return {
            "all": 'Your list is empty. Add something with e.g. "add buy milk".',
            "pending": "You have no pending tasks. Nice work!",
            "completed": "You haven't completed any tasks yet.",
        }[status]
    if status == "pending":
        header = f"You have {plural(len(tasks), 'pending task')}:"
    elif status == "completed":
        header = f"You've completed {plural(len(tasks), 'task')}:"
    else:
        done = sum(t.completed for t in tasks)
        header = f"You have {plural(len(tasks), 'task')}"
        if len(tasks) == 1:
            header += ":"
        elif done in (0, len(tasks)):
            header += f" (all {'done' if done else 'pending'}):"
        else:
            header += f" ({len(tasks) - done} pending, {done} done):"
    return f"{header}\n{lines(tasks)}"


def counts(status: Status, tasks: Sequence[TaskInfo]) -> str:
    if status == "pending":
        return f"You have {plural(len(tasks), 'pending task')}."
    if status == "completed":
        return f"You've completed {plural(len(tasks), 'task')}."
    done = sum(t.completed for t in tasks)
    if not tasks:
        return "You have no tasks yet."
    return f"You have {plural(len(tasks), 'task')}: {len(tasks) - done} pending and {done} done."


def search_results(query: str, tasks: Sequence[TaskInfo], close: bool) -> str:
    if not tasks:
        return f"I couldn't find any task matching {quoted(query)}."
    if not close:
        return f"Nothing matches {quoted(query)} exactly; the closest:\n{lines(tasks)}"
    return f"{plural(len(tasks), 'task')} matching {quoted(query)}:\n{lines(tasks)}"


def shown(tasks: Sequence[TaskInfo]) -> str:
    if len(tasks) == 1:
        task = tasks[0]
        state = "done" if task.completed else "not done yet"
        return f"Task {task.id} is {state}:\n{lines(tasks)}"
    return f"Here they are:\n{lines(tasks)}"
