"""Reads changes to a task's description: "add a note to task 2: ...", "change the
description of the milk task to ...", "clear the description of task 2"."""

from __future__ import annotations

from todo_api.assistant.offline.commands import (
    AllRef,
    Command,
    Edit,
    Missing,
    RecentRef,
    UpdateTask,
)
from todo_api.assistant.offline.references import parse_refs
from todo_api.assistant.offline.text import as_description, first_match, rx

_DESCRIPTION = r"(?:description|desc|details|detail|notes?|comment)"
_DESCRIBE = [
    rx(  # change the description of task 2 to ...
        rf"^(?:change|update|edit|set|modify|replace|make|rewrite)\s+(?:the\s+)?{_DESCRIPTION}\s+"
        r"(?:of|for|on|in)\s+(?P<ref>.+?)\s*(?:\s+to|\s+with|\s+as|\s+so\s+it\s+says|\s+saying"
        r"|:|=)\s*(?P<desc>.+)$"
    ),
    rx(  # set task 2's description to ...
        r"^(?:change|update|edit|set|modify|replace|rewrite)\s+(?P<ref>.+?)(?:'s|s')?\s+"
        rf"{_DESCRIPTION}\s*(?:\s+to|\s+with|\s+as|:|=)\s*(?P<desc>.+)$"
    ),
    rx(  # add a note to task 2: ...
        rf"^(?:add|attach|put|write|give|set)\s+(?:a\s+|the\s+|this\s+|some\s+)?{_DESCRIPTION}\s+"
        r"(?:to|on|for)\s+(?P<ref>.+?)\s*(?::|\s+saying|\s+that says|\s+-|\s+—|,)\s*(?P<desc>.+)$"
    ),
    rx(  # add the note "..." to task 2
        rf"^(?:add|attach|put|write|set)\s+(?:a\s+|the\s+)?{_DESCRIPTION}\s*:?\s*(?P<desc>.+?)\s+"
        r"(?:to|on|for)\s+(?P<ref>task\s*#?\d+|#\d+|it|that|that one|this one|this)$"
    ),
    rx(r"^describe\s+(?P<ref>.+?)\s+as\s+(?P<desc>.+)$"),
]
# "change the description to ...": of the task just discussed.
_DESCRIBE_RECENT = rx(
    rf"^(?:change|update|edit|set|replace)\s+(?:the\s+|its\s+)?{_DESCRIPTION}\s+(?:to|:)\s*"
    r"(?P<desc>.+)$"
)
_CLEAR = r"(?:clear|remove|delete|erase|drop|empty|wipe|reset|get rid of)\s+(?:out\s+)?"
_CLEAR_DESCRIPTION = [
    rx(  # clear the description of task 2
        rf"^{_CLEAR}(?:the\s+|its\s+|any\s+)?{_DESCRIPTION}\s+(?:of|for|on|from|in)\s+(?P<ref>.+)$"
    ),
    rx(rf"^{_CLEAR}(?P<ref>.+?)(?:'s|s'|'|\s+its)\s+{_DESCRIPTION}$"),  # clear task 2's notes
    # Of the task just discussed; "delete the notes" alone may mean a task called Notes.
    rx(
        rf"^{_CLEAR}(?:(?:the\s+|that\s+|this\s+)?(?:description|desc|details)|its\s+{_DESCRIPTION})$"
    ),
]


def _clear_description(text: str) -> Command | None:
    found = first_match(_CLEAR_DESCRIPTION, text)
    if not found:
        return None
    ref = found.groupdict().get("ref")
    refs = parse_refs(ref) if ref else (RecentRef(),)
    if refs and isinstance(refs[0], AllRef):
        return None  # "delete the notes from my list": a task called Notes
    return UpdateTask((Edit(refs[0], description=""),)) if refs else Missing("task_to_change")


def read_describe(text: str) -> Command | None:
    cleared = _clear_description(text)
    if cleared:
        return cleared
    found = _DESCRIBE_RECENT.match(text)
    description = as_description(found.group("desc")) if found else None
    if description:
        return UpdateTask((Edit(RecentRef(), description=description),))
    found = first_match(_DESCRIBE, text)
    if found:
        refs = parse_refs(found.group("ref"))
        description = as_description(found.group("desc"))
        if refs and description:
            return UpdateTask((Edit(refs[0], description=description),))
    return None
