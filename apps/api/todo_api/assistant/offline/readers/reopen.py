"""Reads "mark task 3 as not done", "reopen it", "task 3 isn't done". Reopening is
not in the tool set: the assistant explains how to do it."""

from __future__ import annotations

from todo_api.assistant.offline.commands import Command, ReopenTasks
from todo_api.assistant.offline.readers.shared import NOT_DONE, QUESTION_START
from todo_api.assistant.offline.references import parse_refs
from todo_api.assistant.offline.text import first_match, rx

_REOPEN = [
    rx(
        r"^(?:mark|set|make|flag|change|turn|put)\s+(?P<ref>.+?)\s+(?:as\s+|to\s+"
        rf"|back\s+(?:to|as)\s+)?{NOT_DONE}(?:\s+again)?$"
    ),
    rx(
        r"^(?:reopen|re-open|uncomplete|un-complete|uncheck|untick|unmark|unfinish|un-finish"
        r"|restore|undo|revert)\s+(?P<ref>.+)$"
    ),
    rx(
        r"^i\s+(?:didn't|did not|haven't|have not|never)\s+(?:actually\s+)?(?:finish|finished"
        r"|complete|completed|do|done)\s+(?P<ref>.+?)(?:\s+(?:yet|after all))?$"
    ),
]
_REOPEN_STATE = rx(
    r"^(?P<ref>.+?)\s+(?:is|was|are|were)?\s*(?:isn't|is not|wasn't|was not|aren't|are not"
    r"|not)\s+(?:actually\s+|really\s+)?(?:done|finished|complete|completed)"
    r"(?:\s+(?:yet|after all|anymore))?$"
)


def read_reopen(text: str) -> Command | None:
    found = first_match(_REOPEN, text)
    if not found:
        return None
    refs = parse_refs(found.group("ref"))
    return ReopenTasks(refs) if refs else None


def read_reopen_state(text: str) -> Command | None:
    """ "task 3 isn't done": said as a correction, so read like "reopen task 3"."""
    found = _REOPEN_STATE.match(text)
    if not found or QUESTION_START.match(text):
        return None
    refs = parse_refs(found.group("ref"))
    return ReopenTasks(refs) if refs else None
