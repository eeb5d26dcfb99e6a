"""How the offline assistant names tasks, shared by every reply module (replies_*.py):
short, friendly, and naming each task by its title and id, e.g. 'Added "Buy groceries"
(task 4).'

Lists are one task per line, "- [ ] Buy milk (#4)" ("[x]" when done): Markdown task
items, which the web app renders as a list with a done mark and the same #4 badge its
task list shows. Only the id is a number on the line, so "complete 4" cannot be read
as a position. Nothing a reply says is ever read back: what the next turn needs to know
(the tasks shown, a question asked) goes into the turn's memo as data (see context.py).

The sentences themselves, by what they answer:

    replies_lists.py      lists, counts, searches, one task shown
    replies_changes.py    tasks added, completed, deleted, renamed
    replies_limits.py     what the tools cannot do: reopening, undoing
    replies_problems.py   nothing matched, a task gone, the list unreachable
    replies_questions.py  questions back: which one, "yes" to confirm, what is missing
    replies_chat.py       small talk and help
"""

from __future__ import annotations

from collections.abc import Sequence

from todo_api.assistant.offline.matching import TaskInfo

# Longest list shown in one reply, and the most tasks named inline in one sentence.
MAX_LINES = 100
MAX_INLINE = 6


def quoted(text: str) -> str:
    return f'"{text}"'


def label(task_id: int, title: str | None) -> str:
    """ "Buy milk" (task 4), or just "task 4" when the title is not known."""
    return f"{quoted(title)} (task {task_id})" if title else f"task {task_id}"


def short_label(task_id: int, title: str) -> str:
    return f"{quoted(title)} (#{task_id})"


def join(items: Sequence[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def line(task: TaskInfo) -> str:
    return f"- [{'x' if task.completed else ' '}] {task.title} (#{task.id})"


def lines(tasks: Sequence[TaskInfo]) -> str:
    shown = [line(t) for t in tasks[:MAX_LINES]]
    if len(tasks) > MAX_LINES:
        shown.append(f"…and {len(tasks) - MAX_LINES} more.")
    return "\n".join(shown)


def inline(tasks: Sequence[TaskInfo], last: str = "and") -> str:
    return join([short_label(t.id, t.title) for t in tasks], last)
