"""What the assistant says when a request cannot be carried out as asked: no task
matches, a task has gone or changed since, the list cannot be reached. Each says what
was (not) done and, where it helps, what the list holds."""

from __future__ import annotations

from collections.abc import Sequence

from todo_api.assistant.offline.commands import Status
from todo_api.assistant.offline.matching import TaskInfo
from todo_api.assistant.offline.replies import MAX_INLINE, inline, join, label, plural, quoted


def _your_tasks(tasks: Sequence[TaskInfo]) -> str:
    if not tasks:
        return 'Your list is empty; add one with e.g. "add buy milk".'
    if len(tasks) > MAX_INLINE:
        return f'You have {plural(len(tasks), "task")}; say "show my tasks" to see them.'
    return f"You have {plural(len(tasks), 'task')}: {inline(tasks)}."


def no_such_id(task_id: int, deleted_title: str | None, tasks: Sequence[TaskInfo]) -> str:
    if deleted_title is not None:
        return f"{label(task_id, deleted_title)} was deleted earlier, so I can't change it."
    return f"I couldn't find task {task_id}. {_your_tasks(tasks)}"


def no_such_ids(task_ids: Sequence[int], tasks: Sequence[TaskInfo]) -> str:
    if len(task_ids) == 1:
        return no_such_id(task_ids[0], None, tasks)
    names = join([str(i) for i in task_ids])
    return f"I couldn't find tasks {names}. {_your_tasks(tasks)}"


def gone(tasks: Sequence[tuple[int, str | None]]) -> str:
    """Tasks the user picked or confirmed that have gone since (another tab, say)."""
    names = join([label(task_id, title) for task_id, title in tasks])
    if len(tasks) == 1:
        return f"{names} isn't on your list anymore, so I left it out."
    return f"{names} aren't on your list anymore, so I left them out."


def changed(task_id: int, title: str, title_now: str) -> str:
    """A task the user picked or confirmed whose id now holds something else."""
    return (
        f"{label(task_id, title)} has changed since I asked (it's now {quoted(title_now)}), "
        "so I left it alone."
    )


def nothing_changed() -> str:
    return "I haven't changed anything; tell me again which tasks you mean."


def no_claim_match(text: str) -> str:
    return (
        f"Nice! I couldn't find a task about {quoted(text)} on your list, so there's nothing "
        'to tick off. Say "show my tasks" to see them.'
    )


def unavailable(anything_done: bool) -> str:
    nothing = "I didn't change anything else" if anything_done else "nothing was changed"
    return f"I couldn't reach your task list just now, so {nothing}. Please try again in a moment."


def no_title_match(text: str, tasks: Sequence[TaskInfo], near: Sequence[TaskInfo]) -> str:
    if near:
        return f"I couldn't find a task matching {quoted(text)}. Did you mean {inline(near, 'or')}?"
    return f"I couldn't find a task matching {quoted(text)}. {_your_tasks(tasks)}"


def no_position(position: int, size: int, in_shown_list: bool) -> str:
    where = "the list I showed you" if in_shown_list else "your list"
    if size == 0:
        return f"There's nothing in {where}."
    nth = "last" if position < 0 else _ordinal(position + 1)
    return f"There's no {nth} task: {where} has {plural(size, 'task')}."


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def nothing_recent() -> str:
    return (
        "I'm not sure which task you mean. Tell me its number or a word from its title, "
        'e.g. "complete task 3" or "delete the milk task".'
    )


def none_with_status(status: Status, verb: str) -> str:
    kind = {"all": "tasks", "pending": "pending tasks", "completed": "completed tasks"}[status]
    return f"You have no {kind} to {verb}."


def too_many(count: int, limit: int) -> str:
    return f"That's {count} tasks; I can add up to {limit} at a time. Please split them up."


def tool_error(action: str, message: str) -> str:
    return f"I couldn't {action}: {message.rstrip('.')}."
