"""Pattern fragments several readers share: the words that say a task is done or not
done, and the openings that make a clause a question rather than a command."""

from __future__ import annotations

from todo_api.assistant.offline.text import rx

# "mark it as done", "is task 2 done?"
DONE = (
    r"(?:done|complete|completed|finished|checked|checked off|ticked|ticked off|crossed off"
    r"|resolved|closed|accomplished|taken care of|sorted)"
)
# "mark it as not done", "is task 2 still open?"
NOT_DONE = (
    r"(?:not\s+(?:yet\s+)?(?:done|complete|completed|finished)|undone|incomplete|unfinished"
    r"|uncompleted|pending|open|active|unchecked|not complete|in progress|outstanding)"
)
# "is the milk task done?" asks; "the milk task is done" says so.
QUESTION_START = rx(
    r"^(?:what|why|how|who|when|where|which|is|are|do|does|did|can|could|will|would|should"
    r"|shall|may|am|was|were|have|has|tell me|¿)\b"
)

# "did I call mom?" asks; it does not say so.
ASKS_ABOUT_SELF = rx(r"^(?:did|have|has|had)\s+(?:i|we)\b")
