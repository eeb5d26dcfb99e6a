"""Reads small talk: greetings, thanks, goodbyes, "help", "yes" / "no", "undo"; tried on
a clause before (and again after) its courtesy is stripped, ahead of every command
reader. Also what is off the to-do topic ("what's the weather?"), once no reader fits."""

from __future__ import annotations

import re

from todo_api.assistant.offline.commands import Chat
from todo_api.assistant.offline.text import rx, tidy

_CHAT: list[tuple[Chat, re.Pattern[str]]] = [
    (
        "greeting",
        rx(
            r"^(?:hi|hello|hey|hiya|heya|howdy|yo|greetings|hi there|hello there|hey there"
            r"|good (?:morning|afternoon|evening|day)|morning|sup|what's up|whats up"
            r"|how are you(?: doing)?|how's it going)$"
        ),
    ),
    (
        "thanks",
        rx(
            r"^(?:(?:ok(?:ay)?|great|perfect|awesome|cool|nice|brilliant)[, ]*)?"
            r"(?:thanks|thank you|thank u|thx|ty|cheers|many thanks|much appreciated)"
            r"(?: (?:so much|a lot|a bunch|very much|again|mate|buddy))?$"
        ),
    ),
    (
        "bye",
        rx(
            r"^(?:bye|goodbye|good bye|bye bye|see you|see ya|cya|later|good night"
            r"|that's all|that's it|i'm done|im done|all done|nothing else|we're done)$"
        ),
    ),
    (
        "help",
        rx(
            r"^(?:help|help me|i need help|need help|what can you do|what do you do"
            r"|what can i (?:do|say|ask)|how does (?:this|it) work|how do i use (?:this|you)"
            r"|who are you|what are you|what are your (?:commands|features)|commands"
            r"|instructions|usage|options|menu|examples?|how do i .*|how can i .*"
            r"|what (?:commands|things) can i (?:use|say)|how can you help(?: me)?)$"
        ),
    ),
    (
        "yes",
        rx(
            r"^(?:yes|y|yeah|yea|yep|yup|sure|ok|okay|k|confirm|confirmed|do it|go ahead"
            r"|please do|correct|right|that's right|exactly|absolutely|of course|yes please"
            r"|affirmative|sounds good|that one|yes do it|yes that one)$"
        ),
    ),
    (
        "no",
        rx(
            r"^(?:no|n|nope|nah|no thanks|no thank you|cancel|cancel that|never ?mind"
            r"|forget it|forget that|stop|don't|do not|none|neither|no way|not now|abort)$"
        ),
    ),
    (
        "ack",
        rx(
            r"^(?:great|perfect|awesome|cool|nice|good|got it|alright|all right|fine"
            r"|excellent|wonderful|lovely|noted|understood|👍|🙏|👌)$"
        ),
    ),
    (
        "undo",
        rx(
            r"^(?:undo|undo (?:that|it|the last (?:change|action|one))|revert(?: that)?"
            r"|take (?:that|it) back|put it back)$"
        ),
    ),
]
# Asked of an assistant, but not about the to-do list.
OFF_TOPIC = rx(
    r".*\b(?:weather|forecast|temperature|news|joke|stocks?|bitcoin|recipe|translate"
    r"|alarm|timer|music|song|what time is it|what's the time|today's date"
    r"|what day is it|capital of|who won|sports?)\b.*"
)
# Small talk that adds nothing when the same message also asks for a task command.
CHATTER = frozenset({"greeting", "thanks", "ack", "bye", "yes", "no", "help", "unknown"})


def read_chat(clause: str) -> Chat | None:
    text = tidy(clause.lower()).strip(" !?.,")
    if not text:
        return "help" if "?" in clause else None
    for kind, pattern in _CHAT:
        if pattern.match(text):
            return kind
    return None
