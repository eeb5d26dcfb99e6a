"""Reads requests to complete tasks: "mark task 2 as done", "check off milk", "I
finished the report", and the terse "done", "milk done", "done: task 3"."""

from __future__ import annotations

from todo_api.assistant.offline.commands import Command, CompleteTasks, Missing, RecentRef
from todo_api.assistant.offline.readers.shared import ASKS_ABOUT_SELF, DONE, QUESTION_START
from todo_api.assistant.offline.references import is_explicit, parse_refs
from todo_api.assistant.offline.text import first_match, rx

_COMPLETE = [
    rx(
        r"^(?:mark|set|flag|make|put|consider|call)\s+(?P<ref>.+?)\s+(?:as\s+|to\s+)?"
        rf"(?:being\s+)?{DONE}$"
    ),
    rx(
        r"^(?:check|tick|cross|strike)\s+(?P<ref>.+?)\s+off"
        r"(?:\s+(?:my|the)\s+(?:to-?do\s+)?list)?$"
    ),
    rx(
        r"^(?:check off|tick off|cross off|strike off|strike out|cross out|complete|finish"
        r"|close|resolve|accomplish)\s+(?P<ref>.+)$"
    ),
    rx(  # "I finished task 2", "done with the report", "I'm done with milk"
        r"^(?:(?:i|we)(?:'ve|\s+have|'m|\s+am|'re|\s+are)?\s+(?:just\s+|finally\s+|already\s+"
        r"|all\s+)?|just\s+|finally\s+)?(?:done|finished|completed|did|got done|took care of"
        r"|handled|sorted|through)\s+(?:with\s+)?(?P<ref>.+)$"
    ),
    rx(  # "task 2 is done", "the laundry's done"
        r"^(?P<ref>.+?)(?:'s|\s+(?:is|are|has been|have been|was|were))\s+(?:now\s+|all\s+"
        rf"|finally\s+|already\s+)?{DONE}$"
    ),
]
_CHECK = rx(r"^(?:check|tick)\s+(?P<ref>.+)$")  # only with an id or "it": "check task 3"
_TERSE_DONE = [
    rx(r"^(?P<ref>.+?)\s*[-:,]?\s*(?:done|finished|complete|completed|✓|✔|✅|✔️)$"),
    rx(r"^(?:done|finished|completed?|✓|✔|✅)\s*[-:]\s*(?P<ref>.+)$"),
]
_DONE_ALONE = rx(
    r"^(?:done|finished|completed|complete|✓|✔|✅|it's done|its done|that's done"
    r"|that one's done|did it|done it|finished it|completed it|i did it|i've done it"
    r"|i finished it|got it done)$"
)


def read_complete(text: str) -> Command | None:
    if ASKS_ABOUT_SELF.match(text):
        return None
    found = first_match(_COMPLETE, text)
    if not found:
        check = _CHECK.match(text)
        refs = parse_refs(check.group("ref")) if check else None
        return CompleteTasks(refs) if refs and is_explicit(refs) else None
    if found.group("ref").lower() in ("as", "it as", "this as", "that as"):
        return CompleteTasks((RecentRef(),))  # "mark as done"
    refs = parse_refs(found.group("ref"))
    return CompleteTasks(refs) if refs else Missing("task_to_complete")


def read_terse_complete(text: str) -> Command | None:
    """ "done", "milk done", "done: task 3". Tried last: "show done" is a list."""
    if _DONE_ALONE.match(text):
        return CompleteTasks((RecentRef(),))
    found = first_match(_TERSE_DONE, text)
    if not found or QUESTION_START.match(text):
        return None
    refs = parse_refs(found.group("ref"))
    return CompleteTasks(refs) if refs else None
