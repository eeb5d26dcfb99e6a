"""Turning a reference ("task 3", "the second one", "it", "the grocries task") into task
ids. Pure: the assistant passes in the conversation's state and, when asked for it, the
task list; nothing here calls a tool.

The answer is one of:
- Found: the ids, with how confidently a title matched;
- NeedList: call again with the tasks of this status;
- Ambiguous: several tasks fit equally well (the assistant asks which one);
- Suggest: only a loose match (the assistant asks "Did you mean ...?");
- NotFound: nothing fits; carries the reply that says so helpfully (and, when some
  titles come close, those tasks: the reply asks "Did you mean A or B?").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from todo_api.assistant.offline import replies_problems
from todo_api.assistant.offline.commands import (
    AllRef,
    ChosenRef,
    IdRef,
    PositionRef,
    RecentRef,
    Ref,
    Status,
    TitleRef,
)
from todo_api.assistant.offline.matching import CONFIDENT, TaskInfo, Tier, best_matches, rank

# References that name tasks outright (ids, positions, "it") rank above any title match.
EXPLICIT = 10


@dataclass(frozen=True)
class Found:
    ids: tuple[int, ...]
    tier: int = EXPLICIT


@dataclass(frozen=True)
class NeedList:
    status: Status


@dataclass(frozen=True)
class Ambiguous:
    text: str | None
    candidates: tuple[TaskInfo, ...]


@dataclass(frozen=True)
class Suggest:
    text: str
    task: TaskInfo
    tier: int


@dataclass(frozen=True)
class NotFound:
    reply: str
    near: tuple[TaskInfo, ...] = ()
    text: str | None = None


Outcome = Found | NeedList | Ambiguous | Suggest | NotFound


@dataclass(frozen=True)
class Scope:
    """What "it", "them" and "the second one" refer to at this point of the turn."""

    recent_ids: tuple[int, ...] = ()
    shown_ids: tuple[int, ...] | None = None
    deleted_titles: Mapping[int, str] = field(default_factory=dict)


def resolve(
    ref: Ref,
    scope: Scope,
    tasks: Sequence[TaskInfo] | None,
    *,
    verb: str,
    prefer_pending: bool = False,
) -> Outcome:
    match ref:
        case IdRef(task_id):
            return Found((task_id,))
        case ChosenRef(ids):
            return Found(ids)
        case RecentRef(plural=True):
            ids = scope.recent_ids or scope.shown_ids or ()
            return Found(ids) if ids else NotFound(replies_problems.nothing_recent())
        case RecentRef():
            return _recent(scope, tasks)
        case PositionRef():
            return _position(ref, scope, tasks)
        case AllRef(status):
            if tasks is None:
                return NeedList(status)
            if not tasks:
                return NotFound(replies_problems.none_with_status(status, verb))
            return Found(tuple(t.id for t in tasks))
        case TitleRef(text):
            if tasks is None:
                return NeedList("all")
            return _title(text, tasks, verb, prefer_pending)


def _recent(scope: Scope, tasks: Sequence[TaskInfo] | None) -> Outcome:
    ids = scope.recent_ids
    if len(ids) == 1:
        return Found(ids)
    if not ids:
        return NotFound(replies_problems.nothing_recent())
    if tasks is None:
        return NeedList("all")
    by_id = {t.id: t for t in tasks}
    candidates = tuple(by_id[i] for i in ids if i in by_id)
    if len(candidates) == 1:
        return Found((candidates[0].id,))
    if not candidates:
        return NotFound(replies_problems.nothing_recent())
    return Ambiguous(None, candidates)


def _position(ref: PositionRef, scope: Scope, tasks: Sequence[TaskInfo] | None) -> Outcome:
    # Positions count in the list the user last saw, if it showed more than one task.
    shown = scope.shown_ids or ()
    use_shown = ref.status is None and not ref.whole_list and len(shown) > 1
    if use_shown:
        ids: Sequence[int] = shown
    elif tasks is None:
        return NeedList(ref.status or "all")
    else:
        ids = [t.id for t in tasks]
    if -len(ids) <= ref.index < len(ids):
        return Found((ids[ref.index],))
    return NotFound(replies_problems.no_position(ref.index, len(ids), use_shown))


_SEPARATORS = re.compile(r"\s*,\s*(?:and\s+)?|\s+(?:and|&|plus)\s+", re.IGNORECASE)


def _title(text: str, tasks: Sequence[TaskInfo], verb: str, prefer_pending: bool) -> Outcome:
    outcome = _title_once(text, tasks, verb, prefer_pending)
    if isinstance(outcome, Found) or not _SEPARATORS.search(text):
        return outcome
    # "delete milk and eggs": maybe several tasks, each named by some of the words.
    ids: list[int] = []
    for part in _SEPARATORS.split(text):
        found = _title_once(part, tasks, verb, prefer_pending)
        if not isinstance(found, Found):
            return outcome
        ids.extend(i for i in found.ids if i not in ids)
    return Found(tuple(ids), CONFIDENT)


def _title_once(text: str, tasks: Sequence[TaskInfo], verb: str, prefer_pending: bool) -> Outcome:
    best = best_matches(rank(text, tasks))
    if not best:
        return NotFound(replies_problems.no_title_match(text, tasks, []))
    tier = best[0].tier
    if tier >= CONFIDENT:
        if prefer_pending and len(best) > 1:
            pending = [m for m in best if not m.task.completed]
            best = pending if len(pending) == 1 else best
        if len(best) == 1:
            return Found((best[0].task.id,), tier)
        order = {t.id: n for n, t in enumerate(tasks)}
        candidates = sorted((m.task for m in best), key=lambda t: order[t.id])
        return Ambiguous(text, tuple(candidates))
    if len(best) == 1:
        return Suggest(text, best[0].task, tier)
    near = tuple(m.task for m in best[:3])
    return NotFound(replies_problems.no_title_match(text, tasks, near), near, text)


def pick(choice: Ref, candidates: Sequence[TaskInfo]) -> list[TaskInfo] | None:
    """The candidate(s) an answer to "Which one do you mean?" picks, or None."""
    match choice:
        case IdRef(number):
            for task in candidates:
                if task.id == number:
                    return [task]
            if 1 <= number <= len(candidates):  # "2": the second one listed
                return [candidates[number - 1]]
        case PositionRef(index):
            if -len(candidates) <= index < len(candidates):
                return [candidates[index]]
        case AllRef() | RecentRef(plural=True):
            return list(candidates)
        case TitleRef(text):
            best = best_matches(rank(text, candidates))
            if len(best) == 1 and best[0].tier >= Tier.WEAK:
                return [best[0].task]
    return None
