"""What the assistant asks back, and how it answers the reply: which task is meant,
"yes" to confirm, what is missing from a request. The memo (context.py) holds the
question itself; these are only its words."""

from __future__ import annotations

from collections.abc import Sequence

from todo_api.assistant.offline.matching import TaskInfo
from todo_api.assistant.offline.replies import label, lines, plural, quoted

# How a question ends: pick one of the tasks listed, or answer "yes" or "no".
CLARIFY = "Which one do you mean?"
CONFIRM = 'Say "yes"'


def ambiguous(text: str | None, candidates: Sequence[TaskInfo]) -> str:
    if text:
        about = f"{quoted(text)} matches {plural(len(candidates), 'task')}:"
    else:
        about = "That could be any of these:" if len(candidates) > 2 else "That could be either:"
    return f"{about}\n{lines(candidates)}\n{CLARIFY}"


def suggestion(text: str, task: TaskInfo, verb: str) -> str:
    return (
        f"I couldn't find {quoted(text)}, but there's {label(task.id, task.title)}. "
        f"Did you mean that one? {CONFIRM} to {verb} it."
    )


def confirm_delete(tasks: Sequence[TaskInfo]) -> str:
    return (
        f"That would delete {plural(len(tasks), 'task')}:\n{lines(tasks)}\n"
        f'{CONFIRM} to delete them, or "no" to keep them.'
    )


def offer_add(title: str) -> str:
    return f"Do you want me to add {quoted(title)} as a task? {CONFIRM} to add it."


def one_at_a_time(candidates: Sequence[TaskInfo]) -> str:
    return f"I can change one task at a time.\n{lines(candidates)}\n{CLARIFY}"


def not_now() -> str:
    return "Okay, I left your tasks as they are."


def nothing_to_do() -> str:
    return "There was nothing to change. Anything else for your list?"


def skipped_after_question() -> str:
    return "(I'll do the rest of your message once that's settled.)"


MISSING = {
    "title": 'What should the task say? For example: "add buy milk".',
    "task_to_complete": 'Which task is done? Say e.g. "mark task 3 as done" or "complete the milk task".',
    "task_to_delete": 'Which task should I delete? Say e.g. "delete task 3" or "delete the milk task".',
    "task_to_change": 'Which task should I change? Say e.g. "rename task 2 to Call mom".',
}


def what_to_change(task_id: int, title: str | None) -> str:
    return (
        f"What should I change about {label(task_id, title)}? Say e.g. "
        f'"rename task {task_id} to …" or "change the description of task {task_id} to …".'
    )
