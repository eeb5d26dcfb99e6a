"""Reads requests to delete tasks: "delete task 3", "take milk off my list", "I don't
need to call mom anymore"."""

from __future__ import annotations

from todo_api.assistant.offline.commands import Command, DeleteTasks, Missing
from todo_api.assistant.offline.references import parse_refs
from todo_api.assistant.offline.text import first_match, rx

_DELETE_VERBS = (
    r"(?:delete|remove|cancel|drop|erase|trash|scrap|discard|get rid of|forget about|forget"
    r"|clear|nuke|del|rm|ditch|bin|toss|kill|eliminate|wipe|wipe out|clear out|purge|axe)"
)
_DELETE = [
    rx(
        rf"^{_DELETE_VERBS}\s+(?P<ref>.+?)(?:\s+(?:from|off|on)\s+(?:my|the)\s+"
        r"(?:to-?do\s+|todo\s+|task\s+)?(?:list|tasks|todos))?$"
    ),
    rx(r"^take\s+(?P<ref>.+?)\s+off\s+(?:my|the)\s+(?:to-?do\s+)?list$"),
    rx(r"^(?P<ref>.+?)\s+(?:can|should|must)\s+(?:be\s+)?(?:deleted|removed|go|be gone)$"),
    rx(
        r"^i\s+(?:don't|do not|no longer)\s+(?:need|have)\s+to\s+(?P<ref>.+?)"
        r"(?:\s+(?:any\s?more|after all))?$"
    ),
]
_DELETE_ALONE = rx(rf"^{_DELETE_VERBS}$")


def read_delete(text: str) -> Command | None:
    if _DELETE_ALONE.match(text):
        return Missing("task_to_delete")
    found = first_match(_DELETE, text)
    if not found:
        return None
    refs = parse_refs(found.group("ref"))
    return DeleteTasks(refs) if refs else Missing("task_to_delete")
