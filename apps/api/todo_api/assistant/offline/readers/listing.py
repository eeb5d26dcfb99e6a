"""Reads requests for the list: "show my tasks", "what have I completed?", "how many
are left?", and searches ("find the tasks about milk")."""

from __future__ import annotations

import re

from todo_api.assistant.offline.commands import Command, ListTasks, Status
from todo_api.assistant.offline.references import (
    NOUN,
    STATUS,
    STATUS_WORDS,
    status_of,
    structured_ref,
    title_text,
)
from todo_api.assistant.offline.text import first_match, rx, word_set

# A list request is a trigger ("show", "what's") followed by nothing but these words and
# status words: "show me all my tasks", "what have I completed so far?".
_LIST_TRIGGER = rx(
    r"^(?:show|list|see|view|display|print|read(?: out)?|pull up|bring up|fetch|get|give"
    r"|tell|check|open|review|what|what's|whats|what is|what are|what've|which|how many"
    r"|how much|do i have|have i|did i|any|anything|are there|is there|got any|count)\b"
)
_LIST_FILLER = word_set(
    """
    me my all the a an of our your entire whole full current currently list lists tasks task
    todos todo to-dos to-do items item things thing stuff everything again now please so
    far i have got there are is on in that which still do did need to yet already today
    right up out any anything some one ones you can could would show let see what what's
    whats how many much left it its it's i've ive is are was were plate agenda summary
    overview status progress remaining sorted by oldest first please at moment this week
    get give tell list view display print read check open review have i've there's
    do does doing be been should next count number total what've which am
    due upcoming not haven't didn't unchecked uncompleted finish accomplish
    """
)
_LIST_NOUNS = frozenset({"list", "tasks", "todos", "to-dos", "everything"})
_PENDING_PHRASE = rx(
    r"\b(?:pending|open|incomplete|unfinished|uncompleted|outstanding|remaining|left|undone"
    r"|unchecked|active|not\s+(?:yet\s+)?(?:done|completed?|finished)|(?:haven't|have not"
    r"|didn't|did not)\s+(?:i\s+)?(?:yet\s+)?(?:done|finished|completed?|do|finish|complete)"
    r"|(?:have|need|got)\s+to\s+do|should\s+i\s+do|to\s+do|todo|next|upcoming|due|still)\b"
)
_COMPLETED_PHRASE = rx(
    r"\b(?:completed?|done|finished|checked off|ticked off|crossed off|accomplished|achieved"
    r"|closed|finish|complete)\b"
)
_LIST_NAME = rx(r"\b(?:to-?do|todo|to do|task)\s+list\b")  # "to-do list" is not "to do"
_SEARCH = [
    rx(r"^(?:find|search(?: for)?|look for|look up|lookup|locate)\s+(?P<q>.+)$"),
    rx(
        r"^(?:show|list|see|view|display|find|get|give)(?:\s+me)?(?:\s+(?:all|my|the|all my"
        rf"|any))?(?:\s+(?P<status>{STATUS}))?\s+{NOUN}\s+(?:about|with|containing|mentioning"
        r"|matching|related to|regarding|that mention|that contain|like|for|called|named"
        r"|titled|with the word)\s+(?P<q>.+)$"
    ),
    rx(
        r"^(?:do i have|have i got|is there|are there|did i add|did i make|got)\s+(?:a|an|any)?"
        rf"\s*(?:(?P<status>{STATUS})\s+)?(?:{NOUN}|reminder)?\s*(?:about|to|for|called|named"
        r"|titled|with|mentioning|that says|like|on)\s+(?P<q>.+)$"
    ),
]


def _status_in(text: str) -> Status:
    text = _LIST_NAME.sub("list", text)
    pending = _PENDING_PHRASE.search(text)
    if pending:
        rest = text[: pending.start()] + " " + text[pending.end() :]
        return "all" if _COMPLETED_PHRASE.search(rest) else "pending"
    return "completed" if _COMPLETED_PHRASE.search(text) else "all"


def read_list(text: str) -> Command | None:
    lowered = text.lower()
    search = first_match(_SEARCH, lowered)
    if search:
        query = title_text(text[search.start("q") : search.end("q")])
        if query and not structured_ref(query):
            return ListTasks(status_of(search.groupdict().get("status")), search=query)
    words = re.findall(r"[\w'-]+", _LIST_NAME.sub("list", lowered))
    if not words or not all(w in _LIST_FILLER or w in STATUS_WORDS for w in words):
        return None
    # Without a trigger word: "my tasks", "pending", "done tasks"; but not "complete all
    # tasks" (a command) or a lone "done" (said of the last task).
    terse = (
        words[0] not in ("complete", "finish", "check", "do")
        and lowered not in ("done", "finished", "complete", "completed")
        and any(w in _LIST_NOUNS or w in STATUS_WORDS for w in words)
    )
    if not (_LIST_TRIGGER.match(lowered) or terse):
        return None
    count_only = lowered.startswith(("how many", "how much", "count")) or "number of" in lowered
    return ListTasks(_status_in(lowered), count_only=count_only)
