"""Loose title matching: "the grocries task" finds "Buy groceries".

Titles and queries are compared word by word, after lower-casing, dropping punctuation
and filler words ("the", "task", ...) and a light stemming ("groceries" ~ "grocery").
Words may differ by a typo or two (optimal string alignment distance, so a swapped pair
of letters counts once). A match gets a *tier* that says how much of each side the other
covers; the assistant acts only on strong tiers and asks or suggests on weak ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from rapidfuzz.distance import OSA

from todo_api.assistant.offline.text import word_set, words_of

# Words that say nothing about which task is meant.
FILLER = word_set(
    "a an the my our your to task tasks todo todos item items one ones called named "
    "titled about that this for of please thing"
)


class Tier(IntEnum):
    WEAK = 1  # some words in common: only ever suggested ("Did you mean ...?")
    TITLE_IN_QUERY = 2  # every title word is in the query, which says more: suggested
    QUERY_IN_TITLE = 3  # every query word is in the title: "milk" ~ "Buy milk"
    SAME_WORDS = 4  # the same words, maybe with typos or in another order
    EXACT = 5  # the same text, ignoring case and punctuation


# Tiers the assistant acts on without asking.
CONFIDENT = Tier.QUERY_IN_TITLE


@dataclass(frozen=True)
class TaskInfo:
    """A task as list_tasks returns it."""

    id: int
    title: str
    completed: bool


@dataclass(frozen=True)
class Match:
    task: TaskInfo
    tier: Tier
    # Mean word similarity, 0-100: breaks ties inside a tier.
    score: float


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    return word


def key_words(text: str) -> list[str]:
    """The words that identify a title, stemmed; filler words dropped unless nothing
    else is left ("The one" is still matchable)."""
    words = words_of(text)
    meaningful = [w for w in words if w not in FILLER] or words
    return [_stem(w) for w in meaningful]


def _allowed_typos(word: str) -> int:
    if len(word) <= 3 or word.isdigit():
        return 0
    return 1 if len(word) <= 7 else 2


def word_similarity(a: str, b: str) -> float:
    """100 for the same word, a little less per typo or for a typed prefix ("groc"),
    0 when the words are different."""
    if a == b:
        return 100.0
    if len(a) >= 4 and b.startswith(a):
        return 90.0
    distance = OSA.distance(a, b)
    if distance <= min(_allowed_typos(a), _allowed_typos(b)):
        return 100.0 - 8.0 * distance
    return 0.0


def _best(word: str, others: Sequence[str]) -> float:
    return max((word_similarity(word, other) for other in others), default=0.0)


def _plain(text: str) -> str:
    return " ".join(words_of(text))


def match(query: str, task: TaskInfo) -> Match | None:
    if _plain(query) and _plain(query) == _plain(task.title):
        return Match(task, Tier.EXACT, 100.0)
    query_words, title_words = key_words(query), key_words(task.title)
    if not query_words or not title_words:
        return None
    query_scores = [_best(w, title_words) for w in query_words]
    title_scores = [_best(w, query_words) for w in title_words]
    query_covered = all(query_scores)
    title_covered = all(title_scores)
    found = [s for s in query_scores if s]
    score = sum(found) / len(query_scores)
    if query_covered and title_covered:
        return Match(task, Tier.SAME_WORDS, score)
    if query_covered:
        return Match(task, Tier.QUERY_IN_TITLE, score)
    if title_covered:
        return Match(task, Tier.TITLE_IN_QUERY, sum(title_scores) / len(title_scores))
    # Some words in common: at least half of the query, and one of them a real word.
    shared = [w for w, s in zip(query_words, query_scores, strict=True) if s and len(w) >= 3]
    if shared and 2 * len(found) >= len(query_words):
        return Match(task, Tier.WEAK, score)
    return None


def rank(query: str, tasks: Sequence[TaskInfo]) -> list[Match]:
    """Every task that matches at all, best first (ties keep list order)."""
    matches = [m for m in (match(query, t) for t in tasks) if m is not None]
    return sorted(matches, key=lambda m: (-m.tier, -m.score))


def best_matches(matches: Sequence[Match]) -> list[Match]:
    """The matches that share the best tier and are not clearly beaten on score (a
    difference of about one typo decides; less is a tie)."""
    if not matches:
        return []
    top = matches[0]
    return [m for m in matches if m.tier == top.tier and top.score - m.score < 8.0]
