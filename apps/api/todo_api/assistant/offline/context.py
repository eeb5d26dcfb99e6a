"""What the conversation so far tells the engine, read from the stored history only (the
engine keeps no state between turns):

- which task(s) "it" / "them" mean: the tasks the latest exchange acted on (the task ids
  in its tool results) or, after a list, the tasks that list showed;
- which list "the second one" counts in: the last list the user saw, until tasks are
  added (then positions count in the whole list again);
- whether the last reply asked a question ("Which one do you mean?", 'Say "yes" ...'),
  and the user message it was about, so "the second one" or "yes" can finish it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from todo_api.assistant.engine import HistoryMessage
from todo_api.assistant.offline import replies

ACTIONS = ("add_task", "complete_task", "delete_task", "update_task")

Question = Literal["clarify", "confirm"]


@dataclass(frozen=True)
class LastChange:
    tool: str
    task_id: int
    title: str


@dataclass(frozen=True)
class Context:
    recent_ids: tuple[int, ...] = ()
    shown_ids: tuple[int, ...] | None = None
    # Titles the history mentions, newest wins (for friendlier "not found" answers).
    titles: Mapping[int, str] = field(default_factory=dict)
    deleted: frozenset[int] = frozenset()
    last_change: LastChange | None = None
    question: Question | None = None
    # The user message the pending question is about.
    asked_about: str | None = None
    # The user's previous message, for follow-ups ("and the third one").
    previous_message: str | None = None


@dataclass(frozen=True)
class _Call:
    name: str
    result: Any


def _calls(message: HistoryMessage) -> list[_Call]:
    """The message's tool calls, skipping anything malformed (the history is data)."""
    calls = []
    for call in message.tool_calls:
        if isinstance(call, Mapping) and isinstance(call.get("name"), str):
            calls.append(_Call(call["name"], call.get("result")))
    return calls


def _task_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _action_results(calls: Sequence[_Call]) -> Iterator[tuple[str, int, str]]:
    """(tool, task_id, title) of each successful action, in call order."""
    for call in calls:
        result = call.result
        if call.name in ACTIONS and isinstance(result, Mapping) and "error" not in result:
            task_id = _task_id(result.get("task_id"))
            if task_id is not None:
                yield call.name, task_id, str(result.get("title", ""))


def _listed(calls: Sequence[_Call]) -> list[int] | None:
    """The ids of the last list_tasks result, when the turn only listed."""
    if not calls or any(call.name != "list_tasks" for call in calls):
        return None
    result = calls[-1].result
    if not isinstance(result, list):
        return None
    ids = [_task_id(item.get("id")) for item in result if isinstance(item, Mapping)]
    return [i for i in ids if i is not None]


def _titles_listed(calls: Sequence[_Call]) -> Iterator[tuple[int, str]]:
    for call in calls:
        if call.name == "list_tasks" and isinstance(call.result, list):
            for item in call.result:
                if isinstance(item, Mapping):
                    task_id = _task_id(item.get("id"))
                    if task_id is not None:
                        yield task_id, str(item.get("title", ""))


def shown_in(text: str) -> list[int]:
    """The ids of the task lines ("- [ ] Buy milk (#4)") in a reply, in order."""
    return [int(m.group(1)) for m in re.finditer(replies.TASK_LINE_PATTERN, text, re.MULTILINE)]


def named_in(text: str) -> list[int]:
    """The ids of every task a reply names ('"Buy milk" (task 4)' or '(#4)'), in order."""
    ids = (int(m.group(1)) for m in re.finditer(replies.TASK_MENTION_PATTERN, text))
    return list(dict.fromkeys(ids))


def read_context(history: Sequence[HistoryMessage]) -> Context:
    titles, deleted, last_change = _changes(history)
    question, asked_about = _pending_question(history)
    said = [m.content for m in history if m.role == "user"]
    return Context(
        recent_ids=_recent(history),
        shown_ids=_shown(history),
        titles=titles,
        deleted=frozenset(deleted),
        last_change=last_change,
        question=question,
        asked_about=asked_about,
        previous_message=said[-1] if said else None,
    )


def _changes(
    history: Sequence[HistoryMessage],
) -> tuple[dict[int, str], set[int], LastChange | None]:
    """Titles seen, tasks deleted, and the last change, oldest to newest."""
    titles: dict[int, str] = {}
    deleted: set[int] = set()
    last_change: LastChange | None = None
    for message in history:
        calls = _calls(message)
        titles.update(_titles_listed(calls))
        for tool, task_id, title in _action_results(calls):
            titles[task_id] = title
            last_change = LastChange(tool, task_id, title)
            if tool == "delete_task":
                deleted.add(task_id)
            else:
                deleted.discard(task_id)  # SQLite may give a new task a deleted one's id
    return titles, deleted, last_change


def _lines(message: HistoryMessage) -> list[int]:
    """The tasks a reply showed as lines. A reply that names no task at all (another
    engine's, say) but only listed tasks is taken to have shown that list."""
    lines = shown_in(message.content)
    if lines or named_in(message.content):
        return lines
    return _listed(_calls(message)) or []


def _recent(history: Sequence[HistoryMessage]) -> tuple[int, ...]:
    """What "it" / "them" mean: the tasks the latest reply about tasks acted on, or else
    named, or else the one task it listed."""
    for message in reversed(history):
        if message.role != "assistant":
            continue
        acted = [task_id for _, task_id, _ in _action_results(_calls(message))]
        lines = _lines(message)
        about = acted or named_in(message.content) or (lines if len(lines) == 1 else [])
        if about:
            return tuple(dict.fromkeys(about))
    return ()


def _shown(history: Sequence[HistoryMessage]) -> tuple[int, ...] | None:
    """The last list shown, unless tasks were added since (then "the last one" means the
    newest task, not the last line of an older list)."""
    for message in reversed(history):
        if message.role != "assistant":
            continue
        lines = _lines(message)
        if lines:
            return tuple(lines)
        if any(tool == "add_task" for tool, _, _ in _action_results(_calls(message))):
            return None
    return None


def _pending_question(history: Sequence[HistoryMessage]) -> tuple[Question | None, str | None]:
    if len(history) < 2 or history[-1].role != "assistant" or history[-2].role != "user":
        return None, None
    reply = history[-1].content
    if replies.CLARIFY in reply:
        return "clarify", history[-2].content
    if replies.CONFIRM in reply:
        return "confirm", history[-2].content
    return None, None
