"""What the conversation so far tells the assistant. The assistant keeps no state between turns;
it reads the stored history, and only its structured parts: the notes (`memo`) the assistant
left with each reply and the tool calls each reply made. Never the reply text: it quotes
titles the user wrote, and a title can look like anything ("Ask Sam about (#1)").

The memo written with every offline reply (`memo()` below), each key optional on reading:

    shown     [ids] in the order the user last saw them: what "the second one" counts in;
              null when positions count in the whole list again (tasks were added since)
    subject   [ids]: what "it" / "them" mean (the tasks the turn acted on, showed or asked
              about)
    action    the last task command run: "add", "complete", "delete", "reopen" or "show",
              so "and the third one" / "and eggs" can do it again
    question  only when the reply asked something the next message may answer:
      kind      "pick" ("Which one do you mean?") or "confirm" ('Say "yes" ...')
      tasks     [[id, title, completed], ...]: the candidates, in the order shown (pick),
                or exactly the tasks a "yes" acts on (confirm)
      text      the words that matched several tasks, to ask again (pick, optional)
      one       true when exactly one task must be picked
      commands  the command asked about, then the rest of that message, still to run
                (commands.encode)
      ref       which reference of the first command the answer stands for; null: all

A reply with no memo (the LLM assistant's, or one whose turn failed) is read from its tool
calls instead: the tasks it changed are the subject, and a reply that only listed tasks
showed that list.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from todo_api.assistant.offline.commands import Command, decode, encode
from todo_api.assistant.offline.matching import TaskInfo
from todo_api.assistant.protocol import HistoryMessage

ACTIONS = ("add_task", "complete_task", "delete_task", "update_task")
FOLLOW_UP_ACTIONS = ("add", "complete", "delete", "reopen", "show")

QuestionKind = Literal["pick", "confirm"]


@dataclass(frozen=True)
class LastChange:
    tool: str
    task_id: int
    title: str


@dataclass(frozen=True)
class Question:
    """A question the last reply asked, and what its answer finishes."""

    kind: QuestionKind
    tasks: tuple[TaskInfo, ...]
    commands: tuple[Command, ...]
    ref: int | None = None
    text: str | None = None
    one: bool = False

    def as_memo(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "tasks": [[t.id, t.title, t.completed] for t in self.tasks],
            "text": self.text,
            "one": self.one,
            "commands": [encode(c) for c in self.commands],
            "ref": self.ref,
        }


@dataclass(frozen=True)
class Context:
    recent_ids: tuple[int, ...] = ()
    shown_ids: tuple[int, ...] | None = None
    # Titles the tool calls mention, newest wins (for friendlier "not found" answers).
    titles: Mapping[int, str] = field(default_factory=dict)
    deleted: frozenset[int] = frozenset()
    # What "undo that" means: the newest reply's changes made with the tool of its last
    # change ("complete 1 and 2" -> both), oldest first; empty when nothing was changed.
    last_changes: tuple[LastChange, ...] = ()
    question: Question | None = None
    action: str | None = None


def memo(
    shown: Sequence[int] | None,
    subject: Sequence[int],
    action: str | None,
    question: Question | None,
) -> dict[str, Any]:
    """The memo for a reply (see the module docstring)."""
    notes: dict[str, Any] = {
        "shown": None if shown is None else list(shown),
        "subject": list(subject),
    }
    if action:
        notes["action"] = action
    if question:
        notes["question"] = question.as_memo()
    return notes


# --- Reading ---------------------------------------------------------------------------


def _task_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _ids(value: Any) -> tuple[int, ...] | None:
    if not isinstance(value, list):
        return None
    ids = [_task_id(item) for item in value]
    return tuple(dict.fromkeys(i for i in ids if i is not None))


@dataclass(frozen=True)
class _Call:
    name: str
    result: Any
    arguments: Any = None


def _calls(message: HistoryMessage) -> list[_Call]:
    """The message's tool calls, skipping anything malformed (the history is data)."""
    calls = []
    for call in message.tool_calls:
        if isinstance(call, Mapping) and isinstance(call.get("name"), str):
            calls.append(_Call(call["name"], call.get("result"), call.get("arguments")))
    return calls


def _action_results(calls: Sequence[_Call]) -> Iterator[tuple[str, int, str]]:
    """(tool, task_id, title) of each successful action, in call order; an update_task
    that only set completed false is a "reopen", which an undo completes again."""
    for call in calls:
        result = call.result
        if call.name in ACTIONS and isinstance(result, Mapping) and "error" not in result:
            task_id = _task_id(result.get("task_id"))
            if task_id is not None:
                yield _action_name(call), task_id, str(result.get("title", ""))


def _action_name(call: _Call) -> str:
    arguments = call.arguments if isinstance(call.arguments, Mapping) else {}
    if call.name == "update_task" and set(arguments) - {"task_id", "user_id"} == {"completed"}:
        return "reopen" if arguments["completed"] is False else "complete_task"
    return call.name


def _listed(calls: Sequence[_Call]) -> list[tuple[int, str]]:
    """(id, title) of every task the calls' list_tasks results hold."""
    found = []
    for call in calls:
        if call.name == "list_tasks" and isinstance(call.result, list):
            for item in call.result:
                if isinstance(item, Mapping):
                    task_id = _task_id(item.get("id"))
                    if task_id is not None:
                        found.append((task_id, str(item.get("title", ""))))
    return found


def _memo(message: HistoryMessage) -> Mapping[str, Any] | None:
    return message.memo if isinstance(message.memo, Mapping) else None


def read_context(history: Sequence[HistoryMessage]) -> Context:
    titles, deleted, last_changes = _changes(history)
    recent, shown, action = _state(history)
    return Context(
        recent_ids=recent,
        shown_ids=shown,
        titles=titles,
        deleted=frozenset(deleted),
        last_changes=last_changes,
        question=_question(history),
        action=action,
    )


def _changes(
    history: Sequence[HistoryMessage],
) -> tuple[dict[int, str], set[int], tuple[LastChange, ...]]:
    """Titles seen, tasks deleted, and the last reply's changes (see Context), oldest to
    newest."""
    titles: dict[int, str] = {}
    deleted: set[int] = set()
    last_changes: list[LastChange] = []
    for message in history:
        calls = _calls(message)
        titles.update(_listed(calls))
        changes = [LastChange(*found) for found in _action_results(calls)]
        if changes:
            last_changes = [c for c in changes if c.tool == changes[-1].tool]
        for change in changes:
            titles[change.task_id] = change.title
            if change.tool == "delete_task":
                deleted.add(change.task_id)
            else:
                deleted.discard(change.task_id)  # SQLite may give a new task a deleted one's id
    return titles, deleted, tuple(last_changes)


def _state(
    history: Sequence[HistoryMessage],
) -> tuple[tuple[int, ...], tuple[int, ...] | None, str | None]:
    """(subject, shown, action): from the newest memo; replies after it that have none
    are read from their tool calls."""
    subject: tuple[int, ...] | None = None
    shown: tuple[int, ...] | None = None
    shown_known = False
    for message in reversed(history):
        if message.role != "assistant":
            continue
        notes = _memo(message)
        if notes is not None:
            if subject is None:
                subject = _ids(notes.get("subject")) or ()
            if not shown_known:
                shown = _ids(notes.get("shown"))
            action = notes.get("action")
            return subject, shown, action if action in FOLLOW_UP_ACTIONS else None
        calls = _calls(message)
        acted = [task_id for _, task_id, _ in _action_results(calls)]
        only_listed = bool(calls) and all(call.name == "list_tasks" for call in calls)
        listed = [task_id for task_id, _ in _listed(calls[-1:])] if only_listed else []
        if subject is None and (acted or len(listed) == 1):
            subject = tuple(dict.fromkeys(acted or listed))
        if not shown_known and only_listed:
            shown, shown_known = tuple(listed), True
        elif not shown_known and any(tool == "add_task" for tool, _, _ in _action_results(calls)):
            shown, shown_known = None, True
        if subject is not None and shown_known:
            break
    return subject or (), shown, None


def _question(history: Sequence[HistoryMessage]) -> Question | None:
    """The question the last reply asked, if it did."""
    notes = _memo(history[-1]) if history and history[-1].role == "assistant" else None
    data = notes.get("question") if notes else None
    if not isinstance(data, Mapping) or data.get("kind") not in ("pick", "confirm"):
        return None
    commands = [decode(c) for c in data.get("commands") or []]
    tasks: list[TaskInfo] = []
    for item in data.get("tasks") or []:
        if isinstance(item, list) and len(item) == 3 and _task_id(item[0]) is not None:
            tasks.append(TaskInfo(item[0], str(item[1]), bool(item[2])))
    ref = _task_id(data.get("ref"))
    text = data.get("text")
    if not commands or any(c is None for c in commands):
        return None
    return Question(
        kind=data["kind"],
        tasks=tuple(tasks),
        commands=tuple(c for c in commands if c is not None),
        ref=ref,
        text=text if isinstance(text, str) else None,
        one=data.get("one") is True,
    )
