"""What the parser understands a message to mean: commands, and references to tasks.

These are plain values with no behaviour, so the parser can be read (and tested) apart
from the engine that carries them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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


Ref = IdRef | PositionRef | RecentRef | AllRef | TitleRef

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


@dataclass(frozen=True)
class DeleteTasks:
    refs: tuple[Ref, ...]


@dataclass(frozen=True)
class Edit:
    """One way to read an update: which task, and what changes."""

    ref: Ref
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class UpdateTask:
    """ "rename go to gym to go to the gym" can be split at either "to"; the engine keeps
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
    "clear_description",
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
