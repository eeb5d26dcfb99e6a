"""The dialogue state of one reply: what "it" and "the second one" mean as the commands of
a message run one after another, the tasks an answer picked, the question the reply asks,
the last command run, and the memo all that leaves for the next turn (its keys are listed
in context.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from todo_api.assistant.offline.commands import (
    AddTasks,
    Command,
    CompleteTasks,
    DeleteTasks,
    Missing,
    OfferAdd,
    Ref,
    ReopenTasks,
    ShowTasks,
    UpdateTask,
)
from todo_api.assistant.offline.context import Context, Question, memo
from todo_api.assistant.offline.matching import TaskInfo
from todo_api.assistant.offline.resolve import Scope


@dataclass(frozen=True)
class Said:
    """A command's part of the reply, and the question it asks (which ends the turn)."""

    text: str
    question: Question | None = None


class Dialogue:
    """Starts from what the stored history says (`Context`); each command moves it on."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.scope = Scope(context.recent_ids, context.shown_ids)
        self.deleted = {i: context.titles.get(i, "") for i in context.deleted}
        # Tasks an answer picked or confirmed, with their titles as the question showed.
        self.chosen: dict[int, str] = {}
        self.question: Question | None = None
        self.action: str | None = None

    def memo(self) -> dict[str, Any]:
        return memo(self.scope.shown_ids, self.scope.recent_ids, self.action, self.question)

    def acted(self, acted: Sequence[int], added: bool = False) -> None:
        """Tasks were changed: they are what "it" means next; an added task changes what
        "the second one" counts in."""
        if acted:
            self.scope = replace(self.scope, recent_ids=tuple(acted))
        if added:
            self.scope = replace(self.scope, shown_ids=None)

    def showed(self, tasks: Sequence[TaskInfo]) -> None:
        ids = tuple(t.id for t in tasks)
        self.scope = replace(self.scope, shown_ids=ids, recent_ids=ids or self.scope.recent_ids)

    def asked(self, tasks: Sequence[TaskInfo], shown: bool) -> None:
        """A question about `tasks`: they are what "it" means next, and, when the reply
        listed them, what "the second one" counts in."""
        ids = tuple(t.id for t in tasks)
        self.scope = replace(self.scope, recent_ids=ids)
        if shown:
            self.scope = replace(self.scope, shown_ids=ids)


def with_ref(command: Command, index: int | None, ref: Ref) -> Command:
    """`command` with reference `index` (all of them when None) replaced by `ref`: how an
    answer finishes the command its question was about."""
    match command:
        case OfferAdd(task):
            return AddTasks((task,))
        case ShowTasks() | CompleteTasks() | DeleteTasks() | ReopenTasks():
            refs = command.refs
            if index is None or not 0 <= index < len(refs):
                return replace(command, refs=(ref,))
            return replace(command, refs=(*refs[:index], ref, *refs[index + 1 :]))
        case UpdateTask(readings) if readings:
            return UpdateTask((replace(readings[0], ref=ref),))
        case Missing():
            return replace(command, ref=ref)
    return command
