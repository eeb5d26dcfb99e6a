"""Reads a message as a reply to the last turn: an answer to "Which one do you mean?"
("the second one", "#5") or a follow-up that repeats the last command on other tasks
("and the third one", "and eggs")."""

from __future__ import annotations

from todo_api.assistant.offline.commands import (
    AddTasks,
    Command,
    CompleteTasks,
    DeleteTasks,
    OfferAdd,
    Ref,
    ReopenTasks,
    ShowTasks,
)
from todo_api.assistant.offline.parser import parse_clause
from todo_api.assistant.offline.readers.courtesy import strip_courtesy
from todo_api.assistant.offline.references import parse_refs
from todo_api.assistant.offline.text import clean_message, rx
from todo_api.assistant.offline.titles import new_tasks

_PICK_PREFIX = rx(r"^(?:i mean[t]?|the one (?:called|named|about|with)|no,?)\s+")
_FOLLOW_UP = rx(r"^(?:and|also|plus|then|now|and also|and then|same (?:for|with))\s+(?P<rest>.+)$")


def parse_pick(message: str) -> Ref | None:
    """An answer to "Which one do you mean?": "the second one", "#5", "the oat one"."""
    text = _PICK_PREFIX.sub("", strip_courtesy(clean_message(message)))
    refs = parse_refs(text)
    return refs[0] if refs and len(refs) == 1 else None


def parse_follow_up(message: str, action: str) -> Command | None:
    """ "and the third one" after "complete the first one": the previous turn's `action`
    ("add", "complete", "delete", "reopen" or "show") again, on other tasks; "and eggs"
    after "add milk" adds eggs. None when the message is not such a follow-up."""
    found = _FOLLOW_UP.match(clean_message(message))
    if not found:
        return None
    rest = strip_courtesy(found.group("rest"))
    if not isinstance(parse_clause(rest), (ShowTasks, OfferAdd)):
        return None  # a command of its own: "and show my tasks"
    if action == "add":
        tasks = new_tasks(rest)
        return AddTasks(tuple(tasks)) if tasks else None
    refs = parse_refs(rest)
    if not refs:
        return None
    match action:
        case "complete":
            return CompleteTasks(refs)
        case "delete":
            return DeleteTasks(refs)
        case "reopen":
            return ReopenTasks(refs)
        case "show":
            return ShowTasks(refs)
    return None
