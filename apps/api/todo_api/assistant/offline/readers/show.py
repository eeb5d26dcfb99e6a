"""Reads requests to see particular tasks: "show task 3", "what's the status of the
milk task?", "is task 2 done?", or a reference on its own ("#3", "the second one")."""

from __future__ import annotations

import re

from todo_api.assistant.offline.commands import Command, IdRef, PositionRef, ShowTasks
from todo_api.assistant.offline.readers.shared import ASKS_ABOUT_SELF, DONE, NOT_DONE
from todo_api.assistant.offline.references import is_explicit, parse_refs, structured_ref
from todo_api.assistant.offline.text import rx

_SHOW_REF = rx(
    r"^(?:show(?:\s+me)?|display|view|open|get|what(?:'s| is)(?: the (?:status|state) of)?"
    r"|which is|tell me about|see|check|how about|look at|status of)\s+(?P<ref>.+)$"
)
_STATE_QUESTION = rx(
    r"^(?:is|are|was|were|have i|did i|has)\s+(?P<ref>.+?)(?P<state>\s+(?:been\s+)?"
    rf"(?:{DONE}|{NOT_DONE})(?:\s+yet)?)?$"
)


def read_show(text: str) -> Command | None:
    found = _SHOW_REF.match(text) or _STATE_QUESTION.match(text)
    if found:
        refs = parse_refs(found.group("ref"))
        asks_state = bool(found.groupdict().get("state")) or bool(ASKS_ABOUT_SELF.match(text))
        says_task = re.search(r"\b(?:task|todo|item)\b", found.group("ref"), re.IGNORECASE)
        if refs and (is_explicit(refs) or asks_state or says_task):
            return ShowTasks(refs)
        return None
    alone = structured_ref(text)  # "task 3", "#3", "the second one"
    if alone and all(isinstance(r, (IdRef, PositionRef)) for r in alone):
        return ShowTasks(tuple(alone))
    return None
