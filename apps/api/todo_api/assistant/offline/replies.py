"""Everything the offline assistant says, in one place: short, friendly, and naming each task
by its title and id, e.g. 'Added "Buy groceries" (task 4).'

Lists are one task per line, "- [ ] Buy milk (#4)" ("[x]" when done), which the web UI
shows as plain text. Only the id is a number on the line, so "complete 4" cannot be read
as a position. Nothing here is ever read back: what the next turn needs to know (the
tasks shown, a question asked) goes into the turn's memo as data (see context.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from todo_api.assistant.offline.commands import Status
from todo_api.assistant.offline.matching import TaskInfo

# How a question ends: pick one of the tasks listed, or answer "yes" or "no".
CLARIFY = "Which one do you mean?"
CONFIRM = 'Say "yes"'

# Longest list shown in one reply, and the most tasks named inline in one sentence.
MAX_LINES = 100
MAX_INLINE = 6

EXAMPLES = '"add buy milk", "show my tasks" or "mark task 1 as done"'


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


# --- Lists ---------------------------------------------------------------------------


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


# --- Changes -------------------------------------------------------------------------


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


def tool_error(action: str, message: str) -> str:
    return f"I couldn't {action}: {message.rstrip('.')}."


# --- Problems and questions ------------------------------------------------------------


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


def too_many(count: int, limit: int) -> str:
    return f"That's {count} tasks; I can add up to {limit} at a time. Please split them up."


def one_at_a_time(candidates: Sequence[TaskInfo]) -> str:
    return f"I can change one task at a time.\n{lines(candidates)}\n{CLARIFY}"


def not_now() -> str:
    return "Okay, I left your tasks as they are."


def nothing_to_do() -> str:
    return "There was nothing to change. Anything else for your list?"


def skipped_after_question() -> str:
    return "(I'll do the rest of your message once that's settled.)"


# --- Things the tools cannot do ----------------------------------------------------------


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


def undo(tool: str | None, task_id: int, title: str) -> str:
    name = label(task_id, title)
    if tool == "add_task":
        return f'I can\'t undo, but I can remove {name}: say "delete task {task_id}".'
    if tool == "delete_task":
        return f'I can\'t undo a delete, but I can add it again: say "add {title}".'
    if tool == "complete_task":
        return f"I can't undo that from the chat; untick {name} in your task list to reopen it."
    return f'I can\'t undo, but I can change {name} again: e.g. "rename task {task_id} to …".'


def cannot_undo() -> str:
    return "There's nothing for me to undo in this conversation."


# --- Asking for what is missing ---------------------------------------------------------

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


# --- Chat ----------------------------------------------------------------------------

HELP = (
    "I look after your to-do list. You can say things like:\n"
    '- "add buy milk" (or several: "add milk, eggs and bread")\n'
    '- "show my tasks", "what\'s pending?", "what have I completed?"\n'
    '- "mark task 3 as done" or "complete the milk task"\n'
    '- "rename task 2 to Call mom tonight" or "change the description of task 2 to …"\n'
    '- "delete the meeting task"\n'
    'I understand "it", "that one" and "the second one" too.'
)

CHAT = {
    "greeting": f"Hi! What can I do for your to-do list? Try {EXAMPLES}.",
    "thanks": "You're welcome! Anything else for your list?",
    "ack": "Okay! Anything else for your list?",
    "bye": "Bye! Your tasks are saved and will be here when you're back.",
    "help": HELP,
    "yes": f"Okay! What would you like to do? Try {EXAMPLES}.",
    "no": "Okay, no changes. Anything else?",
    "unsupported": (
        f"Sorry, I can't help with that: I only look after your to-do list. Try {EXAMPLES}."
    ),
    "unknown": (
        "Sorry, I didn't understand that. I can add, list, complete, rename and delete tasks; "
        f'try {EXAMPLES}, or say "help".'
    ),
}
