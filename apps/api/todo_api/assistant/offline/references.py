"""Reading references to existing tasks: "task 3", "#3", "tasks 3, 4 and 5", "the second
one", "the last pending task", "it", "them", "all completed tasks", or title words ("the
meeting task", "'buy milk'"). Which tasks they are is decided later (resolve.py), against
the conversation and the task list."""

from __future__ import annotations

import re
from collections.abc import Sequence

from todo_api.assistant.offline.commands import (
    AllRef,
    IdRef,
    PositionRef,
    RecentRef,
    Ref,
    Status,
    TitleRef,
)
from todo_api.assistant.offline.matching import FILLER
from todo_api.assistant.offline.text import (
    NUMBER_WORDS,
    ORDINALS,
    parse_number,
    rx,
    strip_quotes,
    tidy,
    words_of,
)

STATUS_WORDS = {
    "pending": "pending",
    "open": "pending",
    "incomplete": "pending",
    "unfinished": "pending",
    "outstanding": "pending",
    "remaining": "pending",
    "active": "pending",
    "undone": "pending",
    "completed": "completed",
    "complete": "completed",
    "done": "completed",
    "finished": "completed",
    "checked": "completed",
    "closed": "completed",
}
STATUS = r"(?:" + "|".join(STATUS_WORDS) + r")"
NOUN = r"(?:tasks?|todos?|to-dos?|items?|ones?|things?|entries|entry|stuff)"

_SINGULAR = rx(
    r"^(?:it|that|this|that one|this one|that task|this task|the task|same one|the same one"
    r"|the same task|that item|this item|the one (?:i|you) just (?:added|created|made|mentioned"
    r"|completed|renamed|changed)|the (?:new|latest) one|the one you just did)$"
)
_PLURAL = rx(
    r"^(?:them|those|these|both|both of them|all of them|all of those|all of these|them all"
    r"|those ones|these ones|those tasks|these tasks|all those|all these|the ones? (?:i|you) "
    r"just (?:added|created|made)|all (?:of )?the ones you (?:just )?(?:showed|listed))$"
)
_ALL = rx(
    r"^(?:all|every|everything|each)(?:\s+(?:of\s+)?(?:my|the|our))?"
    rf"(?:\s+(?P<s1>{STATUS}))?(?:\s+(?:{NOUN}|single one))?"
    r"(?:\s+(?:that's|that is|that are|which are|i've|i have|that i've))?"
    rf"(?:\s+(?P<s2>{STATUS}))?"
    r"(?:\s+(?:on|in|from)\s+(?:my|the)\s+(?:to-?do\s+)?list)?$"
)
_STATUS_GROUP = rx(
    rf"^(?:(?:the|my|all my|all)\s+)?(?P<s1>{STATUS})(?:\s+(?:{NOUN}))?$"
    rf"|^(?:(?:the|my|all my)\s+)?{NOUN}\s+(?:that\s+are\s+|that\s+i've\s+)?(?P<s2>{STATUS})$"
)
_WHOLE_LIST = rx(
    r"^(?:my|the|whole|entire|my whole|my entire|the whole)?\s*(?:to-?do\s+)?(?:list|tasks)$"
)
_ORDINAL = rx(
    r"^(?:the\s+)?(?:very\s+)?(?P<ord>"
    + "|".join(sorted((re.escape(k) for k in ORDINALS), key=len, reverse=True))
    + rf")(?:\s+(?P<status>{STATUS}))?(?:\s+(?:one|task|item|todo|to-do|entry))?"
    r"(?:\s+(?:on|in|from|of)\s+(?:the|my|that|this)\s+(?:list|tasks))?$"
)
_FIRST_N = rx(
    r"^(?:the\s+)?(?P<end>first|last|top|bottom)\s+(?P<n>\d+|"
    + "|".join(NUMBER_WORDS)
    + rf")(?:\s+(?P<status>{STATUS}))?(?:\s+(?:ones|tasks|items|todos))?$"
)
_NEWEST = rx(
    r"^(?:the\s+)?(?:newest|latest|most recent|most recently added|last added|youngest)"
    r"(?:\s+(?:one|task|item))?$|^the (?:last|latest) (?:one|task) (?:i|you) (?:just )?added$"
    r"|^the one (?:i|you) added last$"
)
_OLDEST = rx(r"^(?:the\s+)?(?:oldest|earliest)(?:\s+(?:one|task|item))?$")
_ID_WORDS = rx(r"\b(?:the|tasks?|numbers?|nos?\.?|ids?|items?|todos?|to-dos?|entries|entry)\b|#")
# One way to match each separator, so a long non-matching input cannot backtrack.
_ID_LIST = rx(r"^\d+(?:(?:\s*(?:,\s*and|,|and|&|\+|or)\s*|\s+)\d+)*$")
_ID_RANGE = rx(r"^(\d+)\s*(?:-|\u2013|to|through|thru|until)\s*(\d+)$")
_NUMBER_WORD_REF = rx(
    r"^(?:the\s+)?(?:task|number|no\.?|item|#)\s*(?P<w>" + "|".join(NUMBER_WORDS) + r")$"
)
_MAX_RANGE = 50


def status_of(*words: str | None) -> Status:
    for word in words:
        if word:
            return "pending" if STATUS_WORDS[word.lower()] == "pending" else "completed"
    return "all"


def _ids(text: str) -> list[int] | None:
    """ "task 3", "#3", "tasks 3, 4 and 5", "3-5", "number three"."""
    word = _NUMBER_WORD_REF.match(text)
    if word:
        return [NUMBER_WORDS[word.group("w").lower()]]
    has_marker = bool(_ID_WORDS.search(text))
    bare = " ".join(_ID_WORDS.sub(" ", text).split())
    span = _ID_RANGE.match(bare)
    if span and (has_marker or "-" in bare):
        low, high = int(span.group(1)), int(span.group(2))
        if 0 < low <= high and high - low < _MAX_RANGE:
            return list(range(low, high + 1))
    if _ID_LIST.match(bare):
        numbers = [int(n) for n in re.findall(r"\d+", bare)]
        if all(0 < n < 2**63 for n in numbers):
            return list(dict.fromkeys(numbers))
    return None


def structured_ref(text: str) -> list[Ref] | None:
    """References that are not title words, or None."""
    text = tidy(text.lower())
    if _SINGULAR.match(text):
        return [RecentRef()]
    if _PLURAL.match(text):
        return [RecentRef(plural=True)]
    found = _ALL.match(text) or _STATUS_GROUP.match(text)
    if found:
        return [AllRef(status_of(found.group("s1"), found.group("s2")))]
    if _WHOLE_LIST.match(text):
        return [AllRef()]
    ordinal = _ORDINAL.match(text)
    if ordinal:
        status = status_of(ordinal.group("status"))
        return [
            PositionRef(ORDINALS[ordinal.group("ord").lower()], None if status == "all" else status)
        ]
    several = _FIRST_N.match(text)
    if several:
        count = parse_number(several.group("n")) or 0
        status = status_of(several.group("status"))
        indexes = range(count) if several.group("end") in ("first", "top") else range(-count, 0)
        positions: list[Ref] = [
            PositionRef(i, None if status == "all" else status) for i in indexes
        ]
        return positions[:_MAX_RANGE]
    if _NEWEST.match(text):
        return [PositionRef(-1, whole_list=True)]
    if _OLDEST.match(text):
        return [PositionRef(0, whole_list=True)]
    ids = _ids(text)
    if ids:
        return [IdRef(i) for i in ids]
    return None


_TITLE_WRAPPERS = [
    rx(r"^(?:the|my|a|an|this|that|our)\s+"),
    rx(
        r"^(?:task|todo|to-do|item|one|entry|reminder)s?\s+(?:called|named|titled|about|to"
        r"|for|that says|saying|with|:)\s*"
    ),
    rx(r"^(?:task|todo|to-do|item|reminder)\s*:\s*"),
    rx(r"^(?:one|task)\s+(?:i|that)\s+(?:added|created|made)\s+(?:about|for|to)\s+"),
    rx(r"\s+(?:task|tasks|todo|to-do|item|one|ones|thing|entry|reminder)$"),
    rx(r"\s+(?:from|on|in|off)\s+(?:my|the)\s+(?:to-?do\s+|task\s+)?(?:list|tasks)$"),
]


def title_text(text: str) -> str:
    """The title words of a reference: "the task called 'buy milk'" -> "buy milk"."""
    text = tidy(text)
    previous = None
    while text != previous:
        previous = text
        for pattern in _TITLE_WRAPPERS:
            text = tidy(pattern.sub("", text))
    return "" if all(word in FILLER for word in words_of(text)) else text


_REF_PARTS = rx(r"\s*,\s*(?:and\s+)?|\s+(?:and|&|plus|as well as)\s+")


def parse_refs(text: str) -> tuple[Ref, ...] | None:
    """ "task 3" / "1 and 2" / "the second one" / "it" / "the meeting task" -> refs."""
    text = tidy(text)
    if not text:
        return None
    quoted = [q for q in re.findall(r'"([^"]+)"', text) if q.strip()]
    if quoted:
        return tuple(TitleRef(q.strip()) for q in quoted)
    if strip_quotes(text) != text:
        return (TitleRef(strip_quotes(text)),) if strip_quotes(text) else None
    whole = structured_ref(text)
    if whole:
        return tuple(whole)
    parts = [p for p in _REF_PARTS.split(text) if p.strip()]
    if len(parts) > 1:
        parsed = [structured_ref(p) for p in parts]
        if any(parsed):
            refs: list[Ref] = []
            for part, found in zip(parts, parsed, strict=True):
                if found:
                    refs.extend(found)
                elif title_text(part):
                    refs.append(TitleRef(title_text(part)))
            return tuple(refs)
    title = title_text(text)
    return (TitleRef(title),) if title else None


def is_explicit(refs: Sequence[Ref]) -> bool:
    return all(not isinstance(ref, TitleRef) for ref in refs)
