"""What the assistant says when asked to undo what the task tools cannot undo (an add, a
delete, a rename): which task is meant, and how to get there instead."""

from __future__ import annotations

from collections.abc import Sequence

from todo_api.assistant.offline.replies import label


def undo(tool: str, tasks: Sequence[tuple[int, str]]) -> str:
    """ "undo that" after the last reply changed `tasks` with `tool` (add, delete or
    update): say what to do instead, about the last task, which an undo most likely means."""
    task_id, title = tasks[-1]
    name = label(task_id, title)
    if tool == "add_task":
        return f'I can\'t undo, but I can remove {name}: say "delete task {task_id}".'
    if tool == "delete_task":
        return f'I can\'t undo a delete, but I can add it again: say "add {title}".'
    return f'I can\'t undo, but I can change {name} again: e.g. "rename task {task_id} to …".'


def cannot_undo() -> str:
    return "There's nothing for me to undo in this conversation."
