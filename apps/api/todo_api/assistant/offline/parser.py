"""From a message to the commands it asks for. Rules, not a model, and pure: the same
message always gives the same commands.

How a message is read:

1. It is split into clauses where a new command starts: "complete 1 and delete 2",
   "add eggs, then show my tasks". A split that would not leave a command on its right
   is undone, so "add buy milk and show tickets" stays one clause.
2. Each clause loses its courtesy ("could you please ...", "... thanks") and is tried
   against the command readers (readers/) in a fixed order (`_READERS`); the first that fits
   wins. Order matters where phrasings overlap: "mark it as not done" (reopen) before
   "mark it as done" (complete); "add a note to task 2: ..." (describe) before "add ...";
   "show done tasks" (list) before the terse "milk done" (complete).
3. What no reader takes is chat ("hi", "thanks", "help"), off-topic ("what's the
   weather?"), or a bare phrase ("milk"). A bare phrase is not added silently: the assistant
   offers to add it and waits for "yes".
4. Corrections replace what they follow: "complete task 2, no wait, task 3" completes
   task 3 only; "delete task 2, actually complete it" completes task 2 (`_line_commands`).

A few readings worth knowing: "I bought the milk" is a statement (CompleteTasks with a
verb: done only if a task clearly matches); "change the meeting to 3pm" puts the time
into the title ("Team meeting 3pm") where "rename ... to 3pm" renames; "clear the
description of task 2" clears it (an update with description "").

Each kind of request is read by its own module in readers/; references to tasks ("task
3", "the second one", "it") are read by references.py, new tasks ("milk, eggs and
bread") by titles.py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import replace

from todo_api.assistant.offline.commands import (
    TASK_COMMANDS,
    AddTasks,
    Command,
    CompleteTasks,
    DeleteTasks,
    ListTasks,
    Missing,
    OfferAdd,
    RecentRef,
    ReopenTasks,
    ShowTasks,
    SmallTalk,
    UpdateTask,
)
from todo_api.assistant.offline.corrections import CORRECTION, STRONG_FIX, corrected
from todo_api.assistant.offline.readers.add import read_add
from todo_api.assistant.offline.readers.chat import CHATTER, OFF_TOPIC, read_chat
from todo_api.assistant.offline.readers.claim import read_claim
from todo_api.assistant.offline.readers.complete import read_complete, read_terse_complete
from todo_api.assistant.offline.readers.courtesy import strip_courtesy
from todo_api.assistant.offline.readers.delete import read_delete
from todo_api.assistant.offline.readers.describe import read_describe
from todo_api.assistant.offline.readers.intent import read_intent
from todo_api.assistant.offline.readers.listing import read_list
from todo_api.assistant.offline.readers.reopen import read_reopen, read_reopen_state
from todo_api.assistant.offline.readers.shared import QUESTION_START
from todo_api.assistant.offline.readers.show import read_show
from todo_api.assistant.offline.readers.update import read_update
from todo_api.assistant.offline.text import clean_message, rx
from todo_api.assistant.offline.titles import new_task, new_tasks

# --- One clause ----------------------------------------------------------------------------


def _intent(text: str) -> Command | None:
    # What follows "I need to" is read as a clause of its own, by this parser.
    return read_intent(text, parse_clause)


# Tried in order; the first that returns a command wins.
_READERS: list[Callable[[str], Command | None]] = [
    _intent,
    read_reopen,
    read_describe,
    read_add,
    read_update,
    read_list,
    read_reopen_state,
    read_delete,
    read_complete,
    read_show,
    read_claim,
    read_terse_complete,
]
# Words that make a short phrase something other than a task to offer.
_NOT_A_TASK = rx(
    r"\b(?:ignore|instructions?|prompt|system|pretend|you are|you're|your|delete|remove"
    r"|show|list|mark|complete|rename|update|change|edit|add)\b"
)


def _bare(text: str) -> Command:
    """A short phrase with no verb ("milk"): offer to add it, unless it reads like a
    question, chatter or a command this parser could not make out."""
    if (
        len(text.split()) <= 6
        and not QUESTION_START.match(text)
        and not _NOT_A_TASK.search(text)
        and re.search(r"[^\W_]", text)
    ):
        task = new_task(text)
        if task:
            return OfferAdd(task)
    return SmallTalk("unknown")


@functools.lru_cache(maxsize=1024)
def parse_clause(clause: str) -> Command:
    chat = read_chat(clause)
    if chat:
        return SmallTalk(chat)
    text = strip_courtesy(clause)
    chat = read_chat(text) if text else "unknown"
    if chat:
        return SmallTalk(chat)
    for reader in _READERS:
        command = reader(text)
        if command is not None:
            return command
    if OFF_TOPIC.match(text):
        return SmallTalk("unsupported")
    return _bare(text)


# --- A whole message --------------------------------------------------------------------

_CLAUSE_BREAK = rx(r"(?<=[.!?;])\s+|\s*;\s*|,?\s+(?:and\s+)?then\s+|,?\s+and\s+(?:also\s+)?|,\s+")
_COMMAND_START = rx(
    r"^(?:please\s+|pls\s+|now\s+|also\s+|then\s+|and\s+|can you\s+|could you\s+)*"
    r"(?:add|create|delete|remove|mark|complete|finish|show|list|rename|change|update|edit"
    r"|what|what's|how many|check off|tick off|cross off|cancel|drop|erase|set|put|remind"
    r"|remember|describe|find|search|reopen|uncheck|give me)\b"
)
_LIST_INTRO = rx(  # "add these:" followed by one task per line
    r"^(?:please\s+)?(?:add|create|new|put|note down|write down)(?:\s+(?:these|the following"
    r"|this list|them|all of these|all these|some))?(?:\s+(?:new\s+)?(?:tasks?|items?|todos?"
    r"|to-dos?|things?))?(?:\s+(?:to|on)\s+my\s+(?:to-?do\s+)?list)?\s*:?$"
)
_BULLET = rx(r"^\s*(?:[-*•·]|\d+[.)]|\[\s?x?\s?\])\s*")


def _is_claim(command: Command) -> bool:
    """ "I bought the milk": a statement, which a command in the same message overrides."""
    return isinstance(command, CompleteTasks) and command.verb is not None


def _is_task_command(command: Command) -> bool:
    return isinstance(command, (*TASK_COMMANDS, ReopenTasks, Missing))


def _clauses(line: str) -> list[tuple[str, Command]]:
    """Split a line where a new command starts ("complete 1 and delete 2"). A split is
    kept only if the part after it reads as a command on its own."""
    pieces: list[str] = []  # text, separator, text, separator, ..., text
    last = 0
    for found in _CLAUSE_BREAK.finditer(line):
        if _COMMAND_START.match(line[found.end() :]):
            pieces += [line[last : found.start()], line[found.start() : found.end()]]
            last = found.end()
    pieces.append(line[last:])
    clauses: list[tuple[str, Command]] = []
    current = pieces[0]
    for separator, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        if _is_task_command(parse_clause(piece)):
            clauses.append((current, parse_clause(current)))
            current = piece
        else:
            current = current + separator + piece
    clauses.append((current, parse_clause(current)))
    return clauses


# --- Corrections: "complete task 2, no wait, task 3" (corrections.py) ----------------------


def _line_commands(line: str) -> list[tuple[str, Command]]:
    """The line's clauses, with corrections applied: what follows "no wait" / "I mean"
    replaces the reference (or the whole command) before it."""
    texts: list[str] = []
    markers: list[tuple[bool, bool]] = []  # (after a comma or dash, unmistakable)
    last = 0
    for found in CORRECTION.finditer(line):
        if markers and found.start() <= last:  # "no, sorry, task 3": one correction
            last = found.end()
        elif found.start() > last:
            fix = (found.group("fix") or found.group("fix2") or "").lower()
            strong = re.search(STRONG_FIX, fix, re.IGNORECASE) is not None
            texts.append(line[last : found.start()])
            markers.append((bool(found.group("mark")), strong))
            last = found.end()
    if not markers or last >= len(line):
        return _clauses(line)
    texts.append(line[last:])
    clauses = _clauses(texts[0])
    for marker, text in zip(markers, texts[1:], strict=True):
        own = parse_clause(text)
        if isinstance(own, (AddTasks, ListTasks, CompleteTasks, DeleteTasks, UpdateTask)):
            # "delete task 2, actually complete it": a new command, and "it" is task 2.
            before = clauses[-1][1]
            if isinstance(own, (CompleteTasks, DeleteTasks)) and own.refs == (RecentRef(),):
                if isinstance(before, (CompleteTasks, DeleteTasks, ShowTasks, ReopenTasks)):
                    own = replace(own, refs=before.refs)
                clauses[-1] = (text, own)
            else:
                clauses = clauses[:-1] + _clauses(text)
            continue
        fixed = corrected(clauses[-1][1], text, *marker)
        if fixed is None:
            return _clauses(line)  # not a correction after all: read the line as it is
        clauses[-1] = (text, fixed)
    return clauses


def parse(message: str) -> list[Command]:
    """The commands in a message, in the order they were asked for. Never empty."""
    text = clean_message(message)
    if not text:
        return [SmallTalk("unknown")]
    lines = text.split("\n")
    if len(lines) > 1 and _LIST_INTRO.match(lines[0].strip()):
        tasks = [task for line in lines[1:] for task in new_tasks(_BULLET.sub("", line))]
        return [AddTasks(tuple(tasks))] if tasks else [Missing("title")]

    commands: list[Command] = []
    for line in lines:
        for clause, command in _line_commands(_BULLET.sub("", line) if len(lines) > 1 else line):
            previous = commands[-1] if commands else None
            # Lines after "add milk" that are bare phrases are more tasks to add.
            if isinstance(command, OfferAdd) and isinstance(previous, AddTasks) and clause:
                commands[-1] = AddTasks((*previous.tasks, command.task), previous.reminder)
            else:
                commands.append(command)

    if any(_is_task_command(c) and not _is_claim(c) for c in commands):
        # "hi! add milk", "I bought it. mark milk as done": the commands need the answer.
        commands = [
            c
            for c in commands
            if not isinstance(c, OfferAdd)
            and not _is_claim(c)
            and not (isinstance(c, SmallTalk) and c.kind in CHATTER)
        ]
    return _merge_adds(commands) or [SmallTalk("unknown")]


def _merge_adds(commands: list[Command]) -> list[Command]:
    """ "add milk. add eggs" is one AddTasks, answered in one sentence."""
    merged: list[Command] = []
    for command in commands:
        previous = merged[-1] if merged else None
        if isinstance(command, AddTasks) and isinstance(previous, AddTasks):
            reminder = previous.reminder or command.reminder
            merged[-1] = AddTasks((*previous.tasks, *command.tasks), reminder)
        else:
            merged.append(command)
    return merged
