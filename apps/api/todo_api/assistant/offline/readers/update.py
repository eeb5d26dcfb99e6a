"""Reads renames and reschedules: "rename task 2 to Call mom", "change the meeting to
3pm" (the time goes into the title), "move the dentist to friday", "call it ..."."""

from __future__ import annotations

import re

from todo_api.assistant.offline.commands import Command, Edit, Missing, Ref, UpdateTask
from todo_api.assistant.offline.references import is_explicit, parse_refs
from todo_api.assistant.offline.text import as_title, first_match, rx, tidy
from todo_api.assistant.offline.titles import is_when

_RENAME = [
    rx(r"^(?P<literal>rename|retitle|re-name|re-title)\s+(?P<rest>.+)$"),
    rx(
        r"^(?:change|update|edit|modify|set|alter|fix|correct)\s+(?:the\s+)?(?:title|name"
        r"|wording|text)\s+(?:of|for|on)\s+(?P<rest>.+)$"
    ),
    rx(r"^(?:change|update|edit|modify|alter|fix|correct|reword)\s+(?P<rest>.+)$"),
]
_CALL_IT = rx(  # "call it Buy oat milk", "rename task 2 Call mom"
    r"^(?:call|name|title|rename|retitle)\s+(?P<ref>it|that|that one|this|this one"
    r"|task\s*#?\d+|#\d+)\s+(?:to\s+|as\s+)?(?P<new>.+)$"
)
_MAKE_IT_SAY = rx(
    r"^(?:make|let)\s+(?P<ref>it|that|that one|task\s*#?\d+|#\d+)\s+(?:say|read|be called)\s+"
    r"(?P<new>.+)$"
)
# Where "X to Y" may split into a task reference and its new title.
_NEW_VALUE = rx(r"\s+(?:to read|to say|to|as|into|with)\s+|\s*:\s+|\s*=\s*|\s*->\s*|\s*→\s*")
_QUOTED_NEW_VALUE = rx(
    r"^(?P<ref>.+?)\s*(?:\s+to|\s+as|\s+into|\s+with|:|=|->)\s*(?P<new>\"[^\"]+\"|'[^']+')$"
)
_MAX_READINGS = 8  # each is matched against every task; a pathological message has hundreds
_TITLE_FIELD = rx(r"(?:'s|s')?\s+(?:title|name|text|wording)$|^(?:the\s+)?(?:title|name)\s+of\s+")


# "move the dentist to friday": only with a time or date.
_RESCHEDULE = rx(r"^(?:move|reschedule|re-schedule|push|postpone|shift|bump)\s+(?P<rest>.+)$")


def new_value(ref: Ref, text: str, literal: bool) -> Edit | None:
    """The edit "X to <text>" asks for. A time or date alone ("change the meeting to
    3pm") changes the time in the title rather than replacing the title, unless the
    user said "rename"."""
    if not literal and is_when(text):
        return Edit(ref, when=tidy(text))
    new = as_title(text)
    return Edit(ref, title=new) if new else None


def _edit_readings(rest: str, literal: bool = False) -> list[Edit]:
    """Every way to split "X to Y" into a task reference and a new title: one, when X is
    an id or "it"; otherwise each "to", and the assistant keeps the best-matching X."""
    quoted = _QUOTED_NEW_VALUE.match(rest)
    if quoted:
        refs = parse_refs(_TITLE_FIELD.sub("", quoted.group("ref")))
        new = as_title(quoted.group("new"))
        return [Edit(refs[0], title=new)] if refs and new else []
    explicit: list[Edit] = []
    by_title: list[Edit] = []
    for found in _NEW_VALUE.finditer(rest):
        left, right = rest[: found.start()], rest[found.end() :]
        refs = parse_refs(_TITLE_FIELD.sub("", left))
        reading = new_value(refs[0], right, literal) if refs else None
        if refs and reading:
            (explicit if is_explicit(refs) else by_title).append(reading)
    return explicit[:1] or by_title[:_MAX_READINGS]


def read_update(text: str) -> Command | None:
    found = _CALL_IT.match(text) or _MAKE_IT_SAY.match(text)
    if found:
        refs = parse_refs(found.group("ref"))
        new = as_title(found.group("new"))
        if refs and new:
            return UpdateTask((Edit(refs[0], title=new),))
    found = _RESCHEDULE.match(text)
    if found:
        readings = [r for r in _edit_readings(found.group("rest")) if r.when]
        return UpdateTask(tuple(readings)) if readings else None
    found = first_match(_RENAME, text)
    if not found:
        return None
    rest = found.group("rest")
    readings = _edit_readings(rest, literal=bool(found.groupdict().get("literal")))
    if readings:
        return UpdateTask(tuple(readings))
    # "rename task 2", "edit the milk task": which task is clear, what to change is not.
    refs = parse_refs(_TITLE_FIELD.sub("", rest))
    says_task = re.search(r"\b(?:task|todo|item|one)\b|#\d", rest, re.IGNORECASE)
    if refs and (is_explicit(refs) or says_task or text.lower().startswith("re")):
        return Missing("change", refs[0])
    return None
