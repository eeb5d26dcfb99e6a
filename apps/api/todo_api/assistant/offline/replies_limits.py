"""What the assistant says when asked for what the task tools cannot do (reopen a task,
undo a change): which task is meant, and how to do it in the task list instead."""

from __future__ import annotations

from collections.abc import Sequence

from todo_api.assistant.offline.matching import TaskInfo
from todo_api.assistant.offline.replies import inline, join, label


def reopen(tasks: Sequence[TaskInfo]) -> str:
    done = [t for t in tasks if t.completed]
    open_ = [t for t in tasks if not t.completed]
    parts = []
    if done:
        names = join([label(t.id, t.title) for t in done])
        parts.append(
            "I can't mark tasks as not done from the chat; "
            f"untick {names} in your task list to reopen {'it' if len(done) == 1 else 'them'}."
        )
    if len(open_) == 1:
        parts.append(f"{label(open_[0].id, open_[0].title)} isn't done, so it's still pending.")
    elif open_:
        parts.append(f"{inline(open_)} aren't done, so they're still pending.")
    return " ".join(parts)


def reopen_unknown() -> str:
    return (
        "I can't mark tasks as not done from the chat; untick the task in your task list "
        "to reopen it."
    )


def undo(tool: str, tasks: Sequence[tuple[int, str]]) -> str:
    """ "undo that" after the last reply changed `tasks` with `tool`: the tools cannot
    undo, so say what to do instead. Only completions name every task; for the others
    the last one is what an undo would most likely be about."""
    task_id, title = tasks[-1]
    name = label(task_id, title)
    if tool == "complete_task":
        names = join([label(*task) for task in tasks])
        them = "it" if len(tasks) == 1 else "them"
        return (
            f"I can't undo that from the chat; untick {names} in your task list to reopen {them}."
        )
    if tool == "add_task":
        return f'I can\'t undo, but I can remove {name}: say "delete task {task_id}".'
    if tool == "delete_task":
        return f'I can\'t undo a delete, but I can add it again: say "add {title}".'
    return f'I can\'t undo, but I can change {name} again: e.g. "rename task {task_id} to …".'


def cannot_undo() -> str:
    return "There's nothing for me to undo in this conversation."
