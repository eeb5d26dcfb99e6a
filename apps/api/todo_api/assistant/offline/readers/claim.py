"""Reads statements that a task was done: "I bought the milk", "called mom". Such a
statement completes the task it is about only if one clearly is."""

from __future__ import annotations

from todo_api.assistant.offline.commands import Command, CompleteTasks, TitleRef
from todo_api.assistant.offline.readers.shared import QUESTION_START
from todo_api.assistant.offline.references import is_explicit, parse_refs
from todo_api.assistant.offline.text import TASK_VERBS, rx, word_set

_CLAIM = rx(
    r"^(?:(?:i|we)(?:'ve|\s+have)?\s+)?(?:just\s+|finally\s+|already\s+|now\s+)?"
    r"(?P<verb>[a-z]+)(?:\s+(?P<particle>up|off|out|back|in))?\s+(?P<rest>.+?)"
    r"(?:\s+(?:already|today|yesterday|earlier|just now|finally|this morning))?$"
)
_IRREGULAR_PAST = {
    "bought": "buy",
    "paid": "pay",
    "went": "go",
    "got": "get",
    "took": "take",
    "made": "make",
    "wrote": "write",
    "sent": "send",
    "brought": "bring",
    "gave": "give",
    "met": "meet",
    "rang": "ring",
    "ran": "run",
    "sold": "sell",
    "saw": "see",
    "hung": "hang",
    "fed": "feed",
    "found": "find",
    "did": "do",
}
# Past forms that do not say a task is done.
_NOT_CLAIMS = word_set("cancel change update start try have help set add")


def _present(word: str) -> str | None:
    """ "called" -> "call", "tidied" -> "tidy", "bought" -> "buy"; None unless `word` is
    the past form of a verb a to-do starts with."""
    word = word.lower()
    if word in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[word]
    if not word.endswith("ed"):
        return None
    for stem in (word[:-2], word[:-1], word[:-3] + "y", word[:-3]):
        if stem in TASK_VERBS and stem not in _NOT_CLAIMS:
            return stem
    return None


def read_claim(text: str) -> Command | None:
    """ "I bought the milk", "called mom": complete the task it is about, if one clearly
    is; the assistant tries the title words with the verb ("buy milk") first."""
    found = _CLAIM.match(text)
    verb = _present(found.group("verb")) if found else None
    if not found or not verb or QUESTION_START.match(text):
        return None
    refs = parse_refs(found.group("rest"))
    if not refs or len(refs) != 1 or not isinstance(refs[0], TitleRef):
        return CompleteTasks(refs) if refs and is_explicit(refs) else None
    particle = found.group("particle")
    return CompleteTasks(refs, verb=f"{verb} {particle}" if particle else verb)
