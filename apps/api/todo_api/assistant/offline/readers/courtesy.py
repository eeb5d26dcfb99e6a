"""Strips the courtesy around a command ("could you please ... thanks!") so the
readers see only the command."""

from __future__ import annotations

from todo_api.assistant.offline.text import rx

_LEADING = rx(
    r"^(?:"
    r"(?:hi there|hey there|hello there|hi|hello|hey|ok|okay|alright|so|well|oh|um|uh|hmm"
    r"|now|and|also|then|great|cool|thanks|thank you|sorry|actually|oops|btw)\b[,!.]*\s+"
    r"|(?:please|pls|plz|kindly|just|quickly|quick|maybe)\b[,]?\s+"
    r"|(?:can|could|would|will|can't|won't)\s+(?:you|u|ya)\s+(?:please\s+|pls\s+|kindly\s+"
    r"|just\s+)?"
    r"|(?:i'd|i would|i want|i wanna|i'd love(?: it if)?)\s+(?:like\s+)?(?:you|u)\s+to\s+"
    r"|(?:go ahead and|help me(?: to)?|let's|lets|let me|you can|you could|you should"
    r"|can i|could i|may i|i'd like you to)\s+"
    r")"
)
_TRAILING = rx(
    r"(?:[\s,]+(?:please|pls|plz|thanks|thank you|thx|ty|for me|if you can|if possible"
    r"|when you can|will you|would you|could you|ok|okay)|\s*[?!.]+|\s+(?::\)|:-\)|😊|🙂))$"
)


def strip_courtesy(text: str) -> str:
    """ "could you please add milk, thanks!" -> "add milk"."""
    previous = None
    while text != previous:
        previous = text
        text = _LEADING.sub("", text).strip()
        text = _TRAILING.sub("", text).strip()
    return text
