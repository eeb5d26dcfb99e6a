"""Corrections inside a message: "complete task 2, no wait, task 3" completes task 3;
"rename task 2 to Milk, I mean Oat milk" renames it to "Oat milk". The parser finds the
markers (CORRECTION) and asks `corrected` for the command with its last part replaced."""

from __future__ import annotations

from dataclasses import replace

from todo_api.assistant.offline.commands import (
    AddTasks,
    Command,
    CompleteTasks,
    DeleteTasks,
    Edit,
    ReopenTasks,
    ShowTasks,
    UpdateTask,
)
from todo_api.assistant.offline.readers.update import new_value
from todo_api.assistant.offline.references import is_explicit, parse_refs, structured_ref
from todo_api.assistant.offline.text import as_description, rx
from todo_api.assistant.offline.titles import new_tasks

STRONG_FIX = r"(?:no\s*,?\s*wait|wait\s*,?\s*no|i\s+meant?|or\s+rather|make\s+that|scratch\s+that)"
WEAK_FIX = r"(?:no|sorry|actually|oops|rather|correction|wait)"
# After a comma or dash any marker; without one, only the unmistakable ones.
FIXES = rf"(?:{STRONG_FIX}|{WEAK_FIX})(?:[\s,;:.!\u2014\u2013-]+(?:{STRONG_FIX}|{WEAK_FIX}))*\b"
CORRECTION = rx(
    rf"(?P<mark>\s*[,;.!\u2014\u2013]\s*|\s+-+\s+)(?P<fix>{FIXES})[\s,;:.!\u2014\u2013-]*"
    rf"|\s+(?P<fix2>{STRONG_FIX}\b(?:[\s,;:.!\u2014\u2013-]+{FIXES})?)[\s,;:.!\u2014\u2013-]*"
)


def corrected(previous: Command, text: str, punctuated: bool, strong: bool) -> Command | None:
    """`previous` with its last reference (or new title) replaced by `text`, or None
    when `text` does not read as a replacement for it."""
    refs = parse_refs(text)
    match previous:
        case CompleteTasks() | DeleteTasks() | ShowTasks() | ReopenTasks() if refs:
            # Without a comma, only "task 2 I mean 3": a title may say "I mean it".
            if punctuated or (is_explicit(refs) and is_explicit(previous.refs[-1:])):
                return replace(previous, refs=(*previous.refs[:-1], *refs))
        case UpdateTask(readings) if punctuated or strong:
            alone = structured_ref(text)
            edits: list[Edit] = []
            for reading in readings:
                if alone:
                    edits.append(replace(reading, ref=alone[0]))
                elif reading.description:
                    description = as_description(text)
                    if description:
                        edits.append(replace(reading, description=description))
                else:
                    edit = new_value(reading.ref, text, literal=bool(reading.title))
                    if edit:
                        edits.append(edit)
            return UpdateTask(tuple(edits)) if edits else None
        case AddTasks(tasks) if punctuated and strong:
            added = new_tasks(text)
            return AddTasks((*tasks[:-1], *added), previous.reminder) if added else None
    return None
