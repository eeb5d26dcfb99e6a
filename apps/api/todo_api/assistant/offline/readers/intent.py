"""Reads "I need to ...", "I want to ...": a new task, unless what follows is clearly
about the list ("I need to delete task 3", "I want to see my tasks")."""

from __future__ import annotations

import re
from collections.abc import Callable

from todo_api.assistant.offline.commands import (
    AddTasks,
    Command,
    CompleteTasks,
    DeleteTasks,
    ListTasks,
    Missing,
    ReopenTasks,
    ShowTasks,
    SmallTalk,
    UpdateTask,
)
from todo_api.assistant.offline.references import is_explicit
from todo_api.assistant.offline.text import rx
from todo_api.assistant.offline.titles import new_tasks

_INTENT = rx(
    r"^(?:i|we)\s+(?:really\s+|also\s+|still\s+|definitely\s+|just\s+)?"
    r"(?P<kind>need to|needs to|have to|must|gotta|got to|'ve got to|ought to|should"
    r"|want to|wanna|would like to|'d like to|wish to|would love to|'d love to"
    r"|am going to|'m going to|am gonna|'m gonna|plan to|will|'ll|need)\s+(?P<rest>.+)$"
    r"|^(?:i|we)(?P<kind2>'ll|'m gonna|'m going to|'d like to|'ve got to)\s+(?P<rest2>.+)$"
    r"|^(?P<kind3>need to|have to|gotta|must|got to|should)\s+(?P<rest3>.+)$"
)
# "I want to see my tasks" is about the list; "I need to finish the report" is a new task.
_WISHES = (
    "want to",
    "wanna",
    "would like to",
    "'d like to",
    "wish to",
    "would love to",
    "'d love to",
)


def read_intent(text: str, read_clause: Callable[[str], Command]) -> Command | None:
    """ "I need to ..." adds a task, unless the rest, as `read_clause` (the parser) reads
    it, is clearly about the list ("I need to delete task 3", "I want to see my tasks")."""
    found = _INTENT.match(text)
    if not found:
        return None
    kind = (found.group("kind") or found.group("kind2") or found.group("kind3") or "").lower()
    rest = found.group("rest") or found.group("rest2") or found.group("rest3") or ""
    wish = kind in _WISHES
    command = read_clause(rest)
    if isinstance(command, (AddTasks, ListTasks, ShowTasks)):
        return command
    if isinstance(command, (CompleteTasks, DeleteTasks, ReopenTasks)):
        names_tasks = is_explicit(command.refs) or re.search(r"\btasks?\b", rest, re.IGNORECASE)
        if wish or names_tasks:
            return command
    if isinstance(command, (UpdateTask, Missing)) and wish:
        return command
    if kind == "need" and re.match(r"^(?:help|assistance)\b", rest, re.IGNORECASE):
        return SmallTalk("help")
    tasks = new_tasks(rest)
    return AddTasks(tuple(tasks)) if tasks else None
