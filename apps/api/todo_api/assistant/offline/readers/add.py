"""Reads requests for new tasks: "add milk", "put bread on my list", "remind me
tomorrow at 5 to call mom", "note: ..."."""

from __future__ import annotations

from todo_api.assistant.offline.commands import AddTasks, Command, Missing
from todo_api.assistant.offline.text import first_match, rx
from todo_api.assistant.offline.titles import new_tasks

_ADD = [
    rx(r"^(?:add|create|new|plus|append)\b\s*(?::|-)?\s*(?P<body>.*)$"),
    rx(  # verbs that only add with a task word or a list: "put bread on my list"
        r"^(?:make|put|insert|jot(?: down)?|write(?: down)?|note(?: down)?|log|save|record"
        r"|include|enter|set up|schedule|start|open|register|track)\s+"
        r"(?P<body>(?:a|an|another|one more|new)\s+(?:new\s+)?(?:task|todo|to-do|reminder"
        r"|item|entry|note)\b.*|.+?\s+(?:on|in|to|onto|into)\s+(?:my|the)\s+(?:[\w-]+\s+)?"
        r"(?:list|tasks))$"
    ),
    rx(
        r"^(?:todo|to-do|to do|task|new task|reminder|note to self|note|memo)\s*(?::|-)\s*"
        r"(?P<body>.+)$"
    ),
    rx(r"^(?:remember|memorize|memorise)\s+(?P<body>.+)$"),
    rx(r"^(?:don't|do not)\s+(?:let me\s+)?forget\s+(?P<body>.+)$"),
]
_REMIND = rx(r"^(?:remind me|set a reminder|make a reminder|reminder)\s+(?P<body>.+)$")
# "remind me tomorrow at 5 to call mom" -> "Call mom tomorrow at 5"
_WHEN_FIRST = rx(
    r"^(?P<when>(?:tomorrow|today|tonight|this \w+|next \w+|on \w+|at [\w:.]+|in \w+ \w+)"
    r"(?:\s+(?:at|on|in|morning|afternoon|evening|night)(?:\s+[\w:.]+)?)?)"
    r"\s+(?:to|about)\s+(?P<what>.+)$"
)


def read_add(text: str) -> Command | None:
    reminder = _REMIND.match(text)
    found = reminder or first_match(_ADD, text)
    if not found:
        return None
    body = found.group("body")
    when_first = _WHEN_FIRST.match(body) if reminder else None
    if when_first:
        body = f"{when_first.group('what')} {when_first.group('when')}"
    tasks = new_tasks(body)
    if not tasks:
        return Missing("title")
    return AddTasks(tuple(tasks), reminder=bool(reminder))
