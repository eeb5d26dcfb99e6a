"""What the assistant says after changing tasks: one sentence naming each task it added,
completed, reopened, deleted or renamed, e.g. 'Marked "Pay bills" (task 3) as done.'"""

from __future__ import annotations

from collections.abc import Sequence

from todo_api.assistant.offline.matching import TaskInfo
from todo_api.assistant.offline.replies import inline, join, label, quoted, short_label


def added(tasks: Sequence[tuple[int, str, str | None]], reminder: bool) -> str:
    if len(tasks) == 1:
        task_id, title, description = tasks[0]
        text = f"Added {label(task_id, title)}"
        text += f" with the note {quoted(description)}." if description else "."
    else:
        names = [short_label(task_id, title) for task_id, title, _ in tasks]
        text = f"Added {len(tasks)} tasks: {join(names)}."
    if reminder:
        text += " I can't send reminders, but it's on your list."
    return text


def completed(done: Sequence[tuple[int, str]], already: Sequence[TaskInfo]) -> str:
    parts = []
    if len(done) == 1:
        parts.append(f"Marked {label(*done[0])} as done.")
    elif done:
        names = [short_label(task_id, title) for task_id, title in done]
        parts.append(f"Marked {len(done)} tasks as done: {join(names)}.")
    if len(already) == 1:
        parts.append(f"{label(already[0].id, already[0].title)} was already done.")
    elif already:
        parts.append(f"{inline(already)} were already done.")
    return " ".join(parts)


def reopened(done: Sequence[tuple[int, str]], pending: Sequence[TaskInfo]) -> str:
    parts = []
    if len(done) == 1:
        parts.append(f"Reopened {label(*done[0])}: it's pending again.")
    elif done:
        names = [short_label(task_id, title) for task_id, title in done]
        parts.append(f"Reopened {len(done)} tasks: {join(names)}.")
    if len(pending) == 1:
        parts.append(f"{label(pending[0].id, pending[0].title)} isn't done, so it's still pending.")
    elif pending:
        parts.append(f"{inline(pending)} aren't done, so they're still pending.")
    return " ".join(parts)


def deleted(gone: Sequence[tuple[int, str]]) -> str:
    if len(gone) == 1:
        return f"Deleted {label(*gone[0])}."
    names = [short_label(task_id, title) for task_id, title in gone]
    return f"Deleted {len(gone)} tasks: {join(names)}."


def updated(
    task_id: int,
    old_title: str | None,
    new_title: str,
    title_changed: bool,
    description: str | None,
) -> str:
    """`description`: None when it stayed, "" when it was cleared."""
    if title_changed and old_title:
        text = f"Renamed {quoted(old_title)} to {quoted(new_title)} (task {task_id})"
    elif title_changed:
        text = f"Renamed task {task_id} to {quoted(new_title)}"
    elif description == "":
        return f"Cleared the description of {label(task_id, new_title)}."
    else:
        return f"Updated the description of {label(task_id, new_title)}."
    if description is None:
        return text + "."
    return text + (
        " and cleared its description." if description == "" else " and updated its description."
    )


def unchanged(task: TaskInfo) -> str:
    return f"{label(task.id, task.title)} already has that title."
