"""What the parser understands a message to mean: commands, and references to tasks.

These are plain values with no behaviour, so the parser can be read (and tested) apart
from the assistant that carries them out. `encode` / `decode` turn them into JSON-able data
and back, so a command that waits for an answer ("Which one do you mean?") can be kept in
the reply's memo and finished on the next turn.
"""

from __future__ import annotations

import dataclasses
import types
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

Status = Literal["all", "pending", "completed"]

# --- References to existing tasks ------------------------------------------------------


@dataclass(frozen=True)
class IdRef:
    """ "task 3", "#3", "number 3"."""

    task_id: int


@dataclass(frozen=True)
class PositionRef:
    """ "the second one", "the last task": a 0-based index (negative: from the end) into
    the list the user last saw, or into all tasks oldest first. `status` ("the first
    pending task") or `whole_list` ("the newest task") make it ignore the shown list."""

    index: int
    status: Status | None = None
    whole_list: bool = False


@dataclass(frozen=True)
class RecentRef:
    """ "it", "that one" (singular) or "them", "both" (plural): the task(s) the
    conversation was last about."""

    plural: bool = False


@dataclass(frozen=True)
class AllRef:
    """ "all my tasks", "everything", "the completed ones"."""

    status: Status = "all"


@dataclass(frozen=True)
class TitleRef:
    """Words of a title: "the meeting task", "grocries". Matched loosely."""

    text: str


@dataclass(frozen=True)
class ChosenRef:
    """Tasks the user picked or confirmed in answer to a question: exactly these ids, as
    they were shown; never resolved again against the list as it is now."""

    ids: tuple[int, ...]


Ref = IdRef | PositionRef | RecentRef | AllRef | TitleRef | ChosenRef

# --- Commands --------------------------------------------------------------------------


@dataclass(frozen=True)
class NewTask:
    title: str
    description: str | None = None


@dataclass(frozen=True)
class AddTasks:
    tasks: tuple[NewTask, ...]
    # "remind me to ...": the task is added, and the reply says there are no alarms.
    reminder: bool = False


@dataclass(frozen=True)
class ListTasks:
    status: Status = "all"
    # "find milk", "do I have a task about the bank?": only titles matching this.
    search: str | None = None
    # "how many tasks do I have?": answer with counts.
    count_only: bool = False


@dataclass(frozen=True)
class ShowTasks:
    """ "show task 3", "is the milk task done?": the referenced tasks, one line each."""

    refs: tuple[Ref, ...]


@dataclass(frozen=True)
class CompleteTasks:
    refs: tuple[Ref, ...]
    # Set for a statement such as "I bought the milk" (verb "buy"): the task is looked up
    # as "buy milk", then as "milk", and only a clear match is completed.
    verb: str | None = None


@dataclass(frozen=True)
class DeleteTasks:
    refs: tuple[Ref, ...]


@dataclass(frozen=True)
class Edit:
    """One way to read an update: which task, and what changes."""

    ref: Ref
    title: str | None = None
    # "" clears the description.
    description: str | None = None
    # A time or date ("3pm", "friday") said where a title would be ("change the meeting
    # to 3pm"): it replaces the time at the end of the title, or is appended to it.
    when: str | None = None


@dataclass(frozen=True)
class UpdateTask:
    """ "rename go to gym to go to the gym" can be split at either "to"; the assistant keeps
    the reading whose task reference matches best (the first one on a tie)."""

    readings: tuple[Edit, ...]


@dataclass(frozen=True)
class ReopenTasks:
    """ "mark it as not done": not in the tool set; the reply explains what to do."""

    refs: tuple[Ref, ...]


@dataclass(frozen=True)
class OfferAdd:
    """A bare phrase such as "milk": not added silently; the reply offers to add it."""

    task: NewTask


@dataclass(frozen=True)
class Missing:
    """A verb without its object: "add", "delete", "rename task 2"."""

    what: Literal["title", "task_to_complete", "task_to_delete", "change", "task_to_change"]
    ref: Ref | None = None


Chat = Literal[
    "greeting",
    "thanks",
    "ack",
    "bye",
    "help",
    "yes",
    "no",
    "undo",
    "unsupported",
    "unknown",
]


@dataclass(frozen=True)
class SmallTalk:
    kind: Chat


Command = (
    AddTasks
    | ListTasks
    | ShowTasks
    | CompleteTasks
    | DeleteTasks
    | UpdateTask
    | ReopenTasks
    | OfferAdd
    | Missing
    | SmallTalk
)

# What acts on the task list (as opposed to chat about it).
TASK_COMMANDS = (AddTasks, ListTasks, ShowTasks, CompleteTasks, DeleteTasks, UpdateTask)


# --- As JSON-able data ----------------------------------------------------------------------

_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        IdRef,
        PositionRef,
        RecentRef,
        AllRef,
        TitleRef,
        ChosenRef,
        NewTask,
        AddTasks,
        ListTasks,
        ShowTasks,
        CompleteTasks,
        DeleteTasks,
        Edit,
        UpdateTask,
        ReopenTasks,
        OfferAdd,
        Missing,
        SmallTalk,
    )
}
_COMMAND_TYPES: tuple[type[Any], ...] = get_args(Command)
_FIELD_TYPES = {cls: get_type_hints(cls) for cls in _TYPES.values()}


def encode(value: Any) -> Any:
    """A command (or reference) as JSON-able data: {"type": "IdRef", "task_id": 3}."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__, **fields}
    if isinstance(value, tuple):
        return [encode(item) for item in value]
    return value


def _fits(value: Any, hint: Any) -> bool:
    """Whether `value` has the type `hint` (the few kinds of types used above)."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(_fits(value, option) for option in get_args(hint))
    if origin is Literal:
        return value in get_args(hint)
    if origin is tuple:
        (item, _) = get_args(hint)
        return isinstance(value, tuple) and all(_fits(v, item) for v in value)
    if hint in (int, float):
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is type(None):
        return value is None
    return isinstance(value, hint)


def _decoded(data: Any) -> Any:
    if isinstance(data, list):
        return tuple(_decoded(item) for item in data)
    if isinstance(data, dict):
        fields = dict(data)
        cls = _TYPES[str(fields.pop("type"))]
        values = {name: _decoded(value) for name, value in fields.items()}
        hints = _FIELD_TYPES[cls]
        if any(name not in hints or not _fits(v, hints[name]) for name, v in values.items()):
            raise TypeError(f"not a {cls.__name__}: {data!r}")
        return cls(**values)
    return data


def decode(data: Any) -> Command | None:
    """The command `encode` wrote, or None when `data` is not one (the history is data)."""
    try:
        command = _decoded(data)
    except (KeyError, TypeError, ValueError):
        return None
    return command if isinstance(command, _COMMAND_TYPES) else None
