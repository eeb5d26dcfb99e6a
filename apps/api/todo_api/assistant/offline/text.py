"""Text helpers shared by the parser, the matcher and the replies: cleaning a message,
tidying a task title, numbers written as words, and the verbs that start a to-do."""

from __future__ import annotations

import re
from collections.abc import Sequence

from todo_api.core.text import shorten
from todo_api.models import DESCRIPTION_MAX, MESSAGE_MAX, TITLE_MAX

# Typographic quotes and apostrophes become plain ones, so patterns need one spelling.
_PLAIN_QUOTES = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "`": "'",
    }
)
_QUOTE_PAIRS = (('"', '"'), ("'", "'"))
_TRAILING_PUNCTUATION = ".,;:!?\u2026"


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one string (easier to read and extend than a list)."""
    return frozenset(words.split())


NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}

# Position words: 0-based index from the start, or negative from the end.
ORDINALS = {
    "first": 0,
    "1st": 0,
    "top": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
    "sixth": 5,
    "6th": 5,
    "seventh": 6,
    "7th": 6,
    "eighth": 7,
    "8th": 7,
    "ninth": 8,
    "9th": 8,
    "tenth": 9,
    "10th": 9,
    "last": -1,
    "final": -1,
    "bottom": -1,
    "penultimate": -2,
    "second to last": -2,
    "second-to-last": -2,
    "second last": -2,
    "next to last": -2,
}

# Verbs a to-do usually starts with. Used to tell "buy milk and call mom" (two tasks)
# from "research and development report" (one).
TASK_VERBS = word_set(
    """
    ask bake book bring buy call cancel change charge check clean clear collect cook
    drop email feed file fill find finish fix follow get give go grab hang have help
    hire invite iron learn make meet message mop move order organize organise pack paint
    pay pick plan post practice practise prepare print read renew repair reply reserve
    return review ring run schedule see sell send set sign sort start study submit take
    talk text tidy try update vacuum visit walk wash watch water write
    """
)


def rx(pattern: str) -> re.Pattern[str]:
    """Patterns here ignore case: "Add", "ADD" and "add" are the same command."""
    return re.compile(pattern, re.IGNORECASE)


def first_match(patterns: Sequence[re.Pattern[str]], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        found = pattern.match(text)
        if found:
            return found
    return None


def clean_message(message: str) -> str:
    """One line-ending style, plain quotes, no runs of spaces, at most MESSAGE_MAX chars.
    Newlines stay: they separate items ("add:\\nmilk\\neggs")."""
    text = message.translate(_PLAIN_QUOTES).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c for c in text if c in "\n\t" or ord(c) >= 32)
    lines = [" ".join(line.split()) for line in text[:MESSAGE_MAX].split("\n")]
    return "\n".join(line for line in lines if line).strip()


def strip_quotes(text: str) -> str:
    """'"Buy milk"' -> 'Buy milk' (only when the quotes enclose the whole text)."""
    text = text.strip()
    for opening, closing in _QUOTE_PAIRS:
        if len(text) >= 2 and text.startswith(opening) and text.endswith(closing):
            inner = text[1:-1]
            if opening not in inner:
                return inner.strip()
    return text


def tidy(text: str) -> str:
    """Trim spaces, enclosing quotes and trailing punctuation, until nothing changes."""
    previous = None
    while text != previous:
        previous = text
        text = strip_quotes(text.strip().rstrip(_TRAILING_PUNCTUATION).strip())
    return text


def capitalize_first(text: str) -> str:
    """'buy milk' -> 'Buy milk'; 'iPhone case' stays (a capital inside the first word
    means the user chose the casing)."""
    if not text:
        return text
    first_word = text.split(" ", 1)[0]
    if any(c.isupper() for c in first_word[1:]):
        return text
    return text[0].upper() + text[1:]


def as_title(text: str) -> str:
    """A tidy, capitalised title that fits the model's limit."""
    return shorten(capitalize_first(tidy(text)), TITLE_MAX)


def as_description(text: str) -> str | None:
    text = tidy(text)
    return shorten(capitalize_first(text), DESCRIPTION_MAX) if text else None


def parse_number(word: str) -> int | None:
    """'3', '#3' or 'three' -> 3; anything else -> None."""
    word = word.strip().lstrip("#").lower()
    if word.isascii() and word.isdigit() and len(word) <= 18:
        return int(word)
    return NUMBER_WORDS.get(word)


def words_of(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())
