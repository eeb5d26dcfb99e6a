"""New tasks from what follows "add": "a task to buy groceries" -> "Buy groceries";
"call the bank — ask about the card fee" -> a title and a description.

Where one message holds several tasks (`_items`):

- ";", a new line, "then" ("buy milk then call mom", ", and then") and "and also" always
  separate tasks;
- commas separate tasks ("milk, eggs, bread"), except after a verb that the other
  items lack: "buy milk, eggs and bread" is one errand;
- "and" separates tasks only when each part after it starts with a verb ("buy milk and
  call mom") or every part is one word ("milk and eggs"); so "call mom and dad" and
  "research and development report" stay whole, and so do fixed pairs ("salt and
  pepper", "fish and chips", `_PAIRS`) wherever they appear;
- quotes keep a title whole: "add 'milk and eggs'".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from todo_api.assistant.offline.commands import NewTask
from todo_api.assistant.offline.text import (
    TASK_VERBS,
    as_description,
    as_title,
    rx,
    strip_quotes,
    tidy,
    word_set,
)
from todo_api.models import DESCRIPTION_MAX, TITLE_MAX

_TASK_NOUNS = [
    rx(
        r"^(?:a|an|one|another|the|this|my|some|one more)\s+(?:new\s+|quick\s+|little\s+"
        r"|separate\s+)?(?:task|todo|to-do|item|reminder|entry|note)s?\b\s*"
        r"(?:(?:to|for|called|named|titled|that says|saying|which says|about|of|:|-)\s*)?"
    ),
    rx(
        r"^(?:new\s+)?(?:task|todo|to-do|reminder|entry)s?\s*(?:to|for|called|named|titled"
        r"|that says|saying|:|-)\s*"
    ),
    rx(r"^(?:new\s+(?:task|todo|to-do|item|reminder)s?|task|todo)\s+(?=\S)"),
    rx(
        r"^(?:to|that i (?:need|have|must|should) to|that i should|i need to|i have to|me to"
        r"|that|about)\s+"
    ),
    rx(r"^(?:also|too)\s+"),
]
_LIST_SUFFIX = [
    rx(
        r"\s+(?:to|on|onto|in|into|for|at the (?:top|bottom) of)\s+(?:my|the|our)\s+"
        r"(?:(?:to-?do|todo|to do|task|tasks|shopping|grocery|groceries|work|personal|daily)\s+)?"
        r"(?:list|tasks|todos|to-dos|items)$"
    ),
    rx(r"\s+(?:as|for)\s+(?:a\s+|my\s+)?(?:new\s+)?(?:task|todo|to-do|reminder)$"),
    rx(r"\s+(?:to (?:do|the list)|too|as well)$"),
]
_DESCRIPTION_SPLIT = [
    rx(
        r"^(?P<t>.+?)\s*[,;]?\s+(?:with|and)\s+(?:a\s+|the\s+)?(?:description|note|notes|details"
        r"|comment)\s*(?:of|saying|that says|:|-)?\s+(?P<d>.+)$"
    ),
    rx(r"^(?P<t>.+?)\s*[,;(]?\s*(?:description|desc|notes?|details|comment)\s*:\s*(?P<d>.+?)\)?$"),
    rx(r"^(?P<t>.+?)\s+(?:—|\u2013|--|-)\s+(?P<d>.+)$"),
    rx(r"^(?P<t>.+?):\s+(?:details?\s+|notes?\s+)?(?P<d>.+)$"),
    rx(r"^(?P<t>.+?)\s*\((?P<d>[^()]+)\)$"),
]
_ABBREVIATIONS = word_set("dr mr mrs ms st vs etc jr sr no approx e.g i.e")
# Between two tasks whatever the items look like: "buy milk; call mom", "buy milk then call
# mom", "buy milk and also call mom".
_ALWAYS_SPLIT = rx(r"\s*(?:;|\n)\s*|\s*,?\s+(?:and\s+)?then\s+(?=\S)|\s*,?\s+and\s+also\s+(?=\S)")
# "if it rains then take an umbrella" is one task.
_CONDITION = rx(r"^(?:if|when|once|as soon as)\b")
# One-word pairs that name one thing: "add salt and pepper" is one task, not two.
_PAIRS = (
    "salt and pepper",
    "fish and chips",
    "mac and cheese",
    "bread and butter",
    "pros and cons",
    "black and white",
    "rock and roll",
    "arts and crafts",
    "odds and ends",
    "nuts and bolts",
    "pen and paper",
    "trial and error",
    "sweet and sour",
    "chips and salsa",
    "rice and beans",
    "cheese and crackers",
    "milk and cookies",
    "oil and vinegar",
    "bed and breakfast",
    "hide and seek",
    "q and a",
)
_PAIR = rx(r"\b(?:" + "|".join(p.replace(" ", r"\s+") for p in _PAIRS) + r")\b")
_GLUE = "\x00"  # stands for the spaces inside a pair while the text is split


def _strip_all(text: str, patterns: Sequence[re.Pattern[str]]) -> str:
    previous = None
    while text != previous:
        previous = text
        for pattern in patterns:
            text = pattern.sub("", text).strip()
    return text


def _sentence_split(text: str) -> tuple[str, str] | None:
    """ "Call the bank. Ask about the fee" -> ("Call the bank", "Ask about the fee"), but
    not at "Dr. Smith"."""
    for found in re.finditer(r"[.!?]\s+(?=\S)", text):
        before = text[: found.start()]
        last_word = before.rsplit(" ", 1)[-1].lower()
        if last_word in _ABBREVIATIONS or len(last_word) == 1:
            continue
        rest = text[found.end() :]
        if len(rest.split()) >= 2:
            return before, rest
    return None


def new_task(title: str, description: str | None = None) -> NewTask | None:
    title = tidy(title)
    if not re.search(r"[^\W_]|[^\x00-\x7f]", title):  # nothing but punctuation
        return None
    clean_title = as_title(title)
    if description is None and len(tidy(title)) > TITLE_MAX:
        description = title  # keep the whole text when the title had to be shortened
    return NewTask(clean_title, as_description(description) if description else None)


def _starts_with_verb(text: str) -> bool:
    first = text.split(" ", 1)[0].lower()
    return first in TASK_VERBS


def _items(body: str) -> list[str]:
    """Split "milk, eggs and bread" or "buy milk and call mom" into separate tasks;
    keep "buy milk, eggs and bread" and "research and development report" whole (the
    rule is in the module docstring)."""
    quoted = re.findall(r'"([^"]+)"', body)
    if quoted and not re.sub(r'"[^"]+"|,|\band\b|&|\s', "", body):
        return quoted
    if body.startswith(("'", '"')) and strip_quotes(body) != body:
        return [body]
    lines = [p for p in _ALWAYS_SPLIT.split(body) if p.strip()]
    if len(lines) > 1 and not _CONDITION.match(body):
        return [item for line in lines for item in _items(line)]
    paired = _PAIR.sub(lambda found: re.sub(r"\s+", _GLUE, found.group(0)), body)
    if paired != body:  # "salt and pepper" is one thing wherever it stands
        return [item.replace(_GLUE, " ") for item in _items_split(paired)]
    return _items_split(body)


def _items_split(body: str) -> list[str]:
    """The comma and "and" part of the rule, on text with no ";" or "then" left."""
    if "," in body:
        parts = [
            p for p in re.split(r"\s*,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+(?=[^,]*$)", body) if p
        ]
        verbs = [_starts_with_verb(p) for p in parts]
        if verbs[0] and not any(verbs[1:]):
            return [body]  # one errand with a list of things: "buy milk, eggs and bread"
        return parts
    parts = re.split(r"\s+(?:and|&)\s+", body)
    if len(parts) > 1 and (
        all(_starts_with_verb(p) for p in parts[1:]) or all(" " not in p for p in parts)
    ):
        return parts
    return [body]


def new_tasks(body: str) -> list[NewTask]:
    body = _strip_all(body.strip().rstrip(".!?,;: "), _TASK_NOUNS)
    body = _strip_all(body, _LIST_SUFFIX).rstrip(".!?,;: ")
    if strip_quotes(body) != body:  # 'milk and eggs' in quotes is one task
        task = new_task(strip_quotes(body))
        return [task] if task else []
    body = tidy(body)
    if not body:
        return []
    if not body.startswith('"'):
        for pattern in _DESCRIPTION_SPLIT:
            found = pattern.match(body)
            if found and tidy(found.group("t")) and tidy(found.group("d")):
                title = _strip_all(tidy(found.group("t")), _LIST_SUFFIX)
                task = new_task(title, found.group("d")[: DESCRIPTION_MAX * 2])
                return [task] if task else []
        split = _sentence_split(body)
        if split:
            task = new_task(*split)
            return [task] if task else []
    tasks = [new_task(_strip_all(item, _TASK_NOUNS)) for item in _items(body)]
    return [t for t in tasks if t is not None]


# --- Times and dates in titles ("Team meeting 3pm") ----------------------------------------

_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu|thurs|fri)"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
)
_PART = r"(?:morning|afternoon|evening|night|lunch(?:time)?|end of (?:the )?(?:day|week|month))"
_CLOCK = (
    r"(?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}|noon|midday|midnight"
    r"|(?:at|@)\s+\d{1,2}(?:[:.]\d{2})?)"
)
_DATE = (
    rf"(?:today|tonight|tomorrow|tmrw|{_DAY}|(?:this|next)\s+(?:week(?:end)?|month|year|{_DAY}"
    rf"|{_PART})|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?"
    rf"{_MONTH}|the\s+\d{{1,2}}(?:st|nd|rd|th)|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?"
    r"|\d{4}-\d{2}-\d{2}|in\s+(?:\d+|a|an|one|two|three)\s+(?:minutes?|hours?|days?|weeks?))"
)
_WHEN_ITEM = (
    r"(?:(?:at|on|by|for|until|till|before|after|around|from|this|in the)\s+)?"
    rf"(?:{_CLOCK}|{_DATE}|{_PART})"
)
_WHEN_ONLY = rx(rf"^{_WHEN_ITEM}(?:\s*,?\s*(?:and\s+)?{_WHEN_ITEM})*$")
_TRAILING_WHEN = rx(rf"(?:\s*,?\s+{_WHEN_ITEM})+$")


def is_when(text: str) -> bool:
    """Only a time or date: "3pm", "friday at 5", "tomorrow morning"."""
    return bool(_WHEN_ONLY.match(tidy(text)))


def with_when(title: str, when: str) -> str:
    """The title with its time changed: "Team meeting 2pm" + "3pm" -> "Team meeting 3pm";
    a title without one gets it appended: "Team meeting" -> "Team meeting 3pm"."""
    base = _TRAILING_WHEN.sub("", title).strip() or title
    return as_title(f"{base} {tidy(when)}")
