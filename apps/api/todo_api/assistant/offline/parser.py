"""From a message to the commands it asks for. Rules, not a model, and pure: the same
message always gives the same commands.

How a message is read:

1. It is split into clauses where a new command starts: "complete 1 and delete 2",
   "add eggs, then show my tasks". A split that would not leave a command on its right
   is undone, so "add buy milk and show tickets" stays one clause.
2. Each clause loses its courtesy ("could you please ...", "... thanks") and is tried
   against the command readers below in a fixed order (`_READERS`); the first that fits
   wins. Order matters where phrasings overlap: "mark it as not done" (reopen) before
   "mark it as done" (complete); "add a note to task 2: ..." (describe) before "add ...";
   "show done tasks" (list) before the terse "milk done" (complete).
3. What no reader takes is chat ("hi", "thanks", "help"), off-topic ("what's the
   weather?"), or a bare phrase ("milk"). A bare phrase is not added silently: the engine
   offers to add it and waits for "yes".
4. Corrections replace what they follow: "complete task 2, no wait, task 3" completes
   task 3 only; "delete task 2, actually complete it" completes task 2 (`_line_commands`).

A few readings worth knowing: "I bought the milk" is a statement (CompleteTasks with a
verb: done only if a task clearly matches); "change the meeting to 3pm" puts the time
into the title ("Team meeting 3pm") where "rename ... to 3pm" renames; "clear the
description of task 2" clears it (an update with description "").

References to tasks ("task 3", "the second one", "it") are read by references.py, new
tasks ("milk, eggs and bread") by titles.py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import replace

from todo_api.assistant.offline.commands import (
    TASK_COMMANDS,
    AddTasks,
    AllRef,
    Chat,
    Command,
    CompleteTasks,
    DeleteTasks,
    Edit,
    IdRef,
    ListTasks,
    Missing,
    OfferAdd,
    PositionRef,
    RecentRef,
    Ref,
    ReopenTasks,
    ShowTasks,
    SmallTalk,
    Status,
    TitleRef,
    UpdateTask,
)
from todo_api.assistant.offline.references import (
    NOUN,
    STATUS,
    STATUS_WORDS,
    is_explicit,
    parse_refs,
    status_of,
    structured_ref,
    title_text,
)
from todo_api.assistant.offline.text import (
    TASK_VERBS,
    as_description,
    as_title,
    clean_message,
    first_match,
    rx,
    tidy,
    word_set,
)
from todo_api.assistant.offline.titles import is_when, new_task, new_tasks

# At most this many tasks are added from one message.
MAX_NEW_TASKS = 25

# --- Chat ------------------------------------------------------------------------------

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
_OFF_TOPIC = rx(
    r".*\b(?:weather|forecast|temperature|news|joke|stocks?|bitcoin|recipe|translate"
    r"|alarm|timer|music|song|what time is it|what's the time|today's date"
    r"|what day is it|capital of|who won|sports?)\b.*"
)
# Small talk that adds nothing when the same message also asks for a task command.
_CHATTER = frozenset({"greeting", "thanks", "ack", "bye", "yes", "no", "help", "unknown"})


def _chat(clause: str) -> Chat | None:
    text = tidy(clause.lower()).strip(" !?.,")
    if not text:
        return "help" if "?" in clause else None
    for kind, pattern in _CHAT:
        if pattern.match(text):
            return kind
    return None


# --- Courtesy --------------------------------------------------------------------------

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


# --- Fragments shared by several commands ------------------------------------------------

_DONE = (
    r"(?:done|complete|completed|finished|checked|checked off|ticked|ticked off|crossed off"
    r"|resolved|closed|accomplished|taken care of|sorted)"
)
_NOT_DONE = (
    r"(?:not\s+(?:yet\s+)?(?:done|complete|completed|finished)|undone|incomplete|unfinished"
    r"|uncompleted|pending|open|active|unchecked|not complete|in progress|outstanding)"
)
_QUESTION_START = rx(
    r"^(?:what|why|how|who|when|where|which|is|are|do|does|did|can|could|will|would|should"
    r"|shall|may|am|was|were|have|has|tell me|¿)\b"
)

# --- "I need to ..." -----------------------------------------------------------------------

_INTENT = rx(
    r"^(?:i|we)\s+(?:really\s+|also\s+|still\s+|definitely\s+|just\s+)?"
    r"(?P<kind>need to|needs to|have to|must|gotta|got to|'ve got to|ought to|should"
    r"|want to|wanna|would like to|'d like to|wish to|would love to|'d love to"
    r"|am going to|'m going to|am gonna|'m gonna|plan to|will|'ll|need)\s+(?P<rest>.+)$"
    r"|^(?:i|we)(?P<kind2>'ll|'m gonna|'m going to|'d like to|'ve got to)\s+(?P<rest2>.+)$"
    r"|^(?P<kind3>need to|have to|gotta|must|got to|should)\s+(?P<rest3>.+)$"
)
# "I want to see my tasks" is about the list; "I need to finish the report" is a new task.
_WISHES = (
    "want to",
    "wanna",
    "would like to",
    "'d like to",
    "wish to",
    "would love to",
    "'d love to",
)


def _intent(text: str) -> Command | None:
    """ "I need to ..." adds a task, unless the rest is clearly about the list ("I need
    to delete task 3", "I want to see my tasks")."""
    found = _INTENT.match(text)
    if not found:
        return None
    kind = (found.group("kind") or found.group("kind2") or found.group("kind3") or "").lower()
    rest = found.group("rest") or found.group("rest2") or found.group("rest3") or ""
    wish = kind in _WISHES
    command = parse_clause(rest)
    if isinstance(command, (AddTasks, ListTasks, ShowTasks)):
        return command
    if isinstance(command, (CompleteTasks, DeleteTasks, ReopenTasks)):
        names_tasks = is_explicit(command.refs) or re.search(r"\btasks?\b", rest, re.IGNORECASE)
        if wish or names_tasks:
            return command
    if isinstance(command, (UpdateTask, Missing)) and wish:
        return command
    if kind == "need" and re.match(r"^(?:help|assistance)\b", rest, re.IGNORECASE):
        return SmallTalk("help")
    tasks = new_tasks(rest)
    return AddTasks(tuple(tasks)) if tasks else None


# --- Reopen (not in the tool set: the engine explains) ------------------------------------

_REOPEN = [
    rx(
        r"^(?:mark|set|make|flag|change|turn|put)\s+(?P<ref>.+?)\s+(?:as\s+|to\s+"
        rf"|back\s+(?:to|as)\s+)?{_NOT_DONE}(?:\s+again)?$"
    ),
    rx(
        r"^(?:reopen|re-open|uncomplete|un-complete|uncheck|untick|unmark|unfinish|un-finish"
        r"|restore|undo|revert)\s+(?P<ref>.+)$"
    ),
    rx(
        r"^i\s+(?:didn't|did not|haven't|have not|never)\s+(?:actually\s+)?(?:finish|finished"
        r"|complete|completed|do|done)\s+(?P<ref>.+?)(?:\s+(?:yet|after all))?$"
    ),
]
_REOPEN_STATE = rx(
    r"^(?P<ref>.+?)\s+(?:is|was|are|were)?\s*(?:isn't|is not|wasn't|was not|aren't|are not"
    r"|not)\s+(?:actually\s+|really\s+)?(?:done|finished|complete|completed)"
    r"(?:\s+(?:yet|after all|anymore))?$"
)


def _reopen(text: str) -> Command | None:
    found = first_match(_REOPEN, text)
    if not found:
        return None
    refs = parse_refs(found.group("ref"))
    return ReopenTasks(refs) if refs else None


def _reopen_state(text: str) -> Command | None:
    """ "task 3 isn't done": said as a correction, so read like "reopen task 3"."""
    found = _REOPEN_STATE.match(text)
    if not found or _QUESTION_START.match(text):
        return None
    refs = parse_refs(found.group("ref"))
    return ReopenTasks(refs) if refs else None


# --- Describe: a task's description --------------------------------------------------------

_DESCRIPTION = r"(?:description|desc|details|detail|notes?|comment)"
_DESCRIBE = [
    rx(  # change the description of task 2 to ...
        rf"^(?:change|update|edit|set|modify|replace|make|rewrite)\s+(?:the\s+)?{_DESCRIPTION}\s+"
        r"(?:of|for|on|in)\s+(?P<ref>.+?)\s*(?:\s+to|\s+with|\s+as|\s+so\s+it\s+says|\s+saying"
        r"|:|=)\s*(?P<desc>.+)$"
    ),
    rx(  # set task 2's description to ...
        r"^(?:change|update|edit|set|modify|replace|rewrite)\s+(?P<ref>.+?)(?:'s|s')?\s+"
        rf"{_DESCRIPTION}\s*(?:\s+to|\s+with|\s+as|:|=)\s*(?P<desc>.+)$"
    ),
    rx(  # add a note to task 2: ...
        rf"^(?:add|attach|put|write|give|set)\s+(?:a\s+|the\s+|this\s+|some\s+)?{_DESCRIPTION}\s+"
        r"(?:to|on|for)\s+(?P<ref>.+?)\s*(?::|\s+saying|\s+that says|\s+-|\s+—|,)\s*(?P<desc>.+)$"
    ),
    rx(  # add the note "..." to task 2
        rf"^(?:add|attach|put|write|set)\s+(?:a\s+|the\s+)?{_DESCRIPTION}\s*:?\s*(?P<desc>.+?)\s+"
        r"(?:to|on|for)\s+(?P<ref>task\s*#?\d+|#\d+|it|that|that one|this one|this)$"
    ),
    rx(r"^describe\s+(?P<ref>.+?)\s+as\s+(?P<desc>.+)$"),
]
# "change the description to ...": of the task just discussed.
_DESCRIBE_RECENT = rx(
    rf"^(?:change|update|edit|set|replace)\s+(?:the\s+|its\s+)?{_DESCRIPTION}\s+(?:to|:)\s*"
    r"(?P<desc>.+)$"
)
_CLEAR = r"(?:clear|remove|delete|erase|drop|empty|wipe|reset|get rid of)\s+(?:out\s+)?"
_CLEAR_DESCRIPTION = [
    rx(  # clear the description of task 2
        rf"^{_CLEAR}(?:the\s+|its\s+|any\s+)?{_DESCRIPTION}\s+(?:of|for|on|from|in)\s+(?P<ref>.+)$"
    ),
    rx(rf"^{_CLEAR}(?P<ref>.+?)(?:'s|s'|'|\s+its)\s+{_DESCRIPTION}$"),  # clear task 2's notes
    # Of the task just discussed; "delete the notes" alone may mean a task called Notes.
    rx(
        rf"^{_CLEAR}(?:(?:the\s+|that\s+|this\s+)?(?:description|desc|details)|its\s+{_DESCRIPTION})$"
    ),
]


def _clear_description(text: str) -> Command | None:
    found = first_match(_CLEAR_DESCRIPTION, text)
    if not found:
        return None
    ref = found.groupdict().get("ref")
    refs = parse_refs(ref) if ref else (RecentRef(),)
    if refs and isinstance(refs[0], AllRef):
        return None  # "delete the notes from my list": a task called Notes
    return UpdateTask((Edit(refs[0], description=""),)) if refs else Missing("task_to_change")


def _describe(text: str) -> Command | None:
    cleared = _clear_description(text)
    if cleared:
        return cleared
    found = _DESCRIBE_RECENT.match(text)
    description = as_description(found.group("desc")) if found else None
    if description:
        return UpdateTask((Edit(RecentRef(), description=description),))
    found = first_match(_DESCRIBE, text)
    if found:
        refs = parse_refs(found.group("ref"))
        description = as_description(found.group("desc"))
        if refs and description:
            return UpdateTask((Edit(refs[0], description=description),))
    return None


# --- Add ------------------------------------------------------------------------------------

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


def _add(text: str) -> Command | None:
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


# --- Update: rename ----------------------------------------------------------------------

_RENAME = [
    rx(r"^(?P<literal>rename|retitle|re-name|re-title)\s+(?P<rest>.+)$"),
    rx(
        r"^(?:change|update|edit|modify|set|alter|fix|correct)\s+(?:the\s+)?(?:title|name"
        r"|wording|text)\s+(?:of|for|on)\s+(?P<rest>.+)$"
    ),
    rx(r"^(?:change|update|edit|modify|alter|fix|correct|reword)\s+(?P<rest>.+)$"),
]
_CALL_IT = rx(  # "call it Buy oat milk", "rename task 2 Call mom"
    r"^(?:call|name|title|rename|retitle)\s+(?P<ref>it|that|that one|this|this one"
    r"|task\s*#?\d+|#\d+)\s+(?:to\s+|as\s+)?(?P<new>.+)$"
)
_MAKE_IT_SAY = rx(
    r"^(?:make|let)\s+(?P<ref>it|that|that one|task\s*#?\d+|#\d+)\s+(?:say|read|be called)\s+"
    r"(?P<new>.+)$"
)
# Where "X to Y" may split into a task reference and its new title.
_NEW_VALUE = rx(r"\s+(?:to read|to say|to|as|into|with)\s+|\s*:\s+|\s*=\s*|\s*->\s*|\s*→\s*")
_QUOTED_NEW_VALUE = rx(
    r"^(?P<ref>.+?)\s*(?:\s+to|\s+as|\s+into|\s+with|:|=|->)\s*(?P<new>\"[^\"]+\"|'[^']+')$"
)
_MAX_READINGS = 8  # each is matched against every task; a pathological message has hundreds
_TITLE_FIELD = rx(r"(?:'s|s')?\s+(?:title|name|text|wording)$|^(?:the\s+)?(?:title|name)\s+of\s+")


# "move the dentist to friday": only with a time or date.
_RESCHEDULE = rx(r"^(?:move|reschedule|re-schedule|push|postpone|shift|bump)\s+(?P<rest>.+)$")


def _new_value(ref: Ref, text: str, literal: bool) -> Edit | None:
    """The edit "X to <text>" asks for. A time or date alone ("change the meeting to
    3pm") changes the time in the title rather than replacing the title, unless the
    user said "rename"."""
    if not literal and is_when(text):
        return Edit(ref, when=tidy(text))
    new = as_title(text)
    return Edit(ref, title=new) if new else None


def _edit_readings(rest: str, literal: bool = False) -> list[Edit]:
    """Every way to split "X to Y" into a task reference and a new title: one, when X is
    an id or "it"; otherwise each "to", and the engine keeps the best-matching X."""
    quoted = _QUOTED_NEW_VALUE.match(rest)
    if quoted:
        refs = parse_refs(_TITLE_FIELD.sub("", quoted.group("ref")))
        new = as_title(quoted.group("new"))
        return [Edit(refs[0], title=new)] if refs and new else []
    explicit: list[Edit] = []
    by_title: list[Edit] = []
    for found in _NEW_VALUE.finditer(rest):
        left, right = rest[: found.start()], rest[found.end() :]
        refs = parse_refs(_TITLE_FIELD.sub("", left))
        reading = _new_value(refs[0], right, literal) if refs else None
        if refs and reading:
            (explicit if is_explicit(refs) else by_title).append(reading)
    return explicit[:1] or by_title[:_MAX_READINGS]


def _update(text: str) -> Command | None:
    found = _CALL_IT.match(text) or _MAKE_IT_SAY.match(text)
    if found:
        refs = parse_refs(found.group("ref"))
        new = as_title(found.group("new"))
        if refs and new:
            return UpdateTask((Edit(refs[0], title=new),))
    found = _RESCHEDULE.match(text)
    if found:
        readings = [r for r in _edit_readings(found.group("rest")) if r.when]
        return UpdateTask(tuple(readings)) if readings else None
    found = first_match(_RENAME, text)
    if not found:
        return None
    rest = found.group("rest")
    readings = _edit_readings(rest, literal=bool(found.groupdict().get("literal")))
    if readings:
        return UpdateTask(tuple(readings))
    # "rename task 2", "edit the milk task": which task is clear, what to change is not.
    refs = parse_refs(_TITLE_FIELD.sub("", rest))
    says_task = re.search(r"\b(?:task|todo|item|one)\b|#\d", rest, re.IGNORECASE)
    if refs and (is_explicit(refs) or says_task or text.lower().startswith("re")):
        return Missing("change", refs[0])
    return None


# --- List, search, show ------------------------------------------------------------------

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
_SHOW_REF = rx(
    r"^(?:show(?:\s+me)?|display|view|open|get|what(?:'s| is)(?: the (?:status|state) of)?"
    r"|which is|tell me about|see|check|how about|look at|status of)\s+(?P<ref>.+)$"
)
_STATE_QUESTION = rx(
    r"^(?:is|are|was|were|have i|did i|has)\s+(?P<ref>.+?)(?P<state>\s+(?:been\s+)?"
    rf"(?:{_DONE}|{_NOT_DONE})(?:\s+yet)?)?$"
)


def _status_in(text: str) -> Status:
    text = _LIST_NAME.sub("list", text)
    pending = _PENDING_PHRASE.search(text)
    if pending:
        rest = text[: pending.start()] + " " + text[pending.end() :]
        return "all" if _COMPLETED_PHRASE.search(rest) else "pending"
    return "completed" if _COMPLETED_PHRASE.search(text) else "all"


def _list(text: str) -> Command | None:
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


def _show(text: str) -> Command | None:
    found = _SHOW_REF.match(text) or _STATE_QUESTION.match(text)
    if found:
        refs = parse_refs(found.group("ref"))
        asks_state = bool(found.groupdict().get("state")) or bool(_ASKS_ABOUT_SELF.match(text))
        says_task = re.search(r"\b(?:task|todo|item)\b", found.group("ref"), re.IGNORECASE)
        if refs and (is_explicit(refs) or asks_state or says_task):
            return ShowTasks(refs)
        return None
    alone = structured_ref(text)  # "task 3", "#3", "the second one"
    if alone and all(isinstance(r, (IdRef, PositionRef)) for r in alone):
        return ShowTasks(tuple(alone))
    return None


# --- Complete ------------------------------------------------------------------------------

_COMPLETE = [
    rx(
        r"^(?:mark|set|flag|make|put|consider|call)\s+(?P<ref>.+?)\s+(?:as\s+|to\s+)?"
        rf"(?:being\s+)?{_DONE}$"
    ),
    rx(
        r"^(?:check|tick|cross|strike)\s+(?P<ref>.+?)\s+off"
        r"(?:\s+(?:my|the)\s+(?:to-?do\s+)?list)?$"
    ),
    rx(
        r"^(?:check off|tick off|cross off|strike off|strike out|cross out|complete|finish"
        r"|close|resolve|accomplish)\s+(?P<ref>.+)$"
    ),
    rx(  # "I finished task 2", "done with the report", "I'm done with milk"
        r"^(?:(?:i|we)(?:'ve|\s+have|'m|\s+am|'re|\s+are)?\s+(?:just\s+|finally\s+|already\s+"
        r"|all\s+)?|just\s+|finally\s+)?(?:done|finished|completed|did|got done|took care of"
        r"|handled|sorted|through)\s+(?:with\s+)?(?P<ref>.+)$"
    ),
    rx(  # "task 2 is done", "the laundry's done"
        r"^(?P<ref>.+?)(?:'s|\s+(?:is|are|has been|have been|was|were))\s+(?:now\s+|all\s+"
        rf"|finally\s+|already\s+)?{_DONE}$"
    ),
]
_CHECK = rx(r"^(?:check|tick)\s+(?P<ref>.+)$")  # only with an id or "it": "check task 3"
_TERSE_DONE = [
    rx(r"^(?P<ref>.+?)\s*[-:,]?\s*(?:done|finished|complete|completed|✓|✔|✅|✔️)$"),
    rx(r"^(?:done|finished|completed?|✓|✔|✅)\s*[-:]\s*(?P<ref>.+)$"),
]
_DONE_ALONE = rx(
    r"^(?:done|finished|completed|complete|✓|✔|✅|it's done|its done|that's done"
    r"|that one's done|did it|done it|finished it|completed it|i did it|i've done it"
    r"|i finished it|got it done)$"
)


# "did I call mom?" asks; it does not say so.
_ASKS_ABOUT_SELF = rx(r"^(?:did|have|has|had)\s+(?:i|we)\b")


def _complete(text: str) -> Command | None:
    if _ASKS_ABOUT_SELF.match(text):
        return None
    found = first_match(_COMPLETE, text)
    if not found:
        check = _CHECK.match(text)
        refs = parse_refs(check.group("ref")) if check else None
        return CompleteTasks(refs) if refs and is_explicit(refs) else None
    if found.group("ref").lower() in ("as", "it as", "this as", "that as"):
        return CompleteTasks((RecentRef(),))  # "mark as done"
    refs = parse_refs(found.group("ref"))
    return CompleteTasks(refs) if refs else Missing("task_to_complete")


def _terse_complete(text: str) -> Command | None:
    """ "done", "milk done", "done: task 3". Tried last: "show done" is a list."""
    if _DONE_ALONE.match(text):
        return CompleteTasks((RecentRef(),))
    found = first_match(_TERSE_DONE, text)
    if not found or _QUESTION_START.match(text):
        return None
    refs = parse_refs(found.group("ref"))
    return CompleteTasks(refs) if refs else None


# --- "I bought the milk": said of a task, so it is done ---------------------------------

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


def _claim(text: str) -> Command | None:
    """ "I bought the milk", "called mom": complete the task it is about, if one clearly
    is; the engine tries the title words with the verb ("buy milk") first."""
    found = _CLAIM.match(text)
    verb = _present(found.group("verb")) if found else None
    if not found or not verb or _QUESTION_START.match(text):
        return None
    refs = parse_refs(found.group("rest"))
    if not refs or len(refs) != 1 or not isinstance(refs[0], TitleRef):
        return CompleteTasks(refs) if refs and is_explicit(refs) else None
    particle = found.group("particle")
    return CompleteTasks(refs, verb=f"{verb} {particle}" if particle else verb)


# --- Delete -------------------------------------------------------------------------------

_DELETE_VERBS = (
    r"(?:delete|remove|cancel|drop|erase|trash|scrap|discard|get rid of|forget about|forget"
    r"|clear|nuke|del|rm|ditch|bin|toss|kill|eliminate|wipe|wipe out|clear out|purge|axe)"
)
_DELETE = [
    rx(
        rf"^{_DELETE_VERBS}\s+(?P<ref>.+?)(?:\s+(?:from|off|on)\s+(?:my|the)\s+"
        r"(?:to-?do\s+|todo\s+|task\s+)?(?:list|tasks|todos))?$"
    ),
    rx(r"^take\s+(?P<ref>.+?)\s+off\s+(?:my|the)\s+(?:to-?do\s+)?list$"),
    rx(r"^(?P<ref>.+?)\s+(?:can|should|must)\s+(?:be\s+)?(?:deleted|removed|go|be gone)$"),
    rx(
        r"^i\s+(?:don't|do not|no longer)\s+(?:need|have)\s+to\s+(?P<ref>.+?)"
        r"(?:\s+(?:any\s?more|after all))?$"
    ),
]
_DELETE_ALONE = rx(rf"^{_DELETE_VERBS}$")


def _delete(text: str) -> Command | None:
    if _DELETE_ALONE.match(text):
        return Missing("task_to_delete")
    found = first_match(_DELETE, text)
    if not found:
        return None
    refs = parse_refs(found.group("ref"))
    return DeleteTasks(refs) if refs else Missing("task_to_delete")


# --- One clause ----------------------------------------------------------------------------

# Tried in order; the first that returns a command wins.
_READERS: list[Callable[[str], Command | None]] = [
    _intent,
    _reopen,
    _describe,
    _add,
    _update,
    _list,
    _reopen_state,
    _delete,
    _complete,
    _show,
    _claim,
    _terse_complete,
]
# Words that make a short phrase something other than a task to offer.
_NOT_A_TASK = rx(
    r"\b(?:ignore|instructions?|prompt|system|pretend|you are|you're|your|delete|remove"
    r"|show|list|mark|complete|rename|update|change|edit|add)\b"
)


def _bare(text: str) -> Command:
    """A short phrase with no verb ("milk"): offer to add it, unless it reads like a
    question, chatter or a command this parser could not make out."""
    if (
        len(text.split()) <= 6
        and not _QUESTION_START.match(text)
        and not _NOT_A_TASK.search(text)
        and re.search(r"[^\W_]", text)
    ):
        task = new_task(text)
        if task:
            return OfferAdd(task)
    return SmallTalk("unknown")


@functools.lru_cache(maxsize=1024)
def parse_clause(clause: str) -> Command:
    chat = _chat(clause)
    if chat:
        return SmallTalk(chat)
    text = strip_courtesy(clause)
    chat = _chat(text) if text else "unknown"
    if chat:
        return SmallTalk(chat)
    for reader in _READERS:
        command = reader(text)
        if command is not None:
            return command
    if _OFF_TOPIC.match(text):
        return SmallTalk("unsupported")
    return _bare(text)


# --- A whole message --------------------------------------------------------------------

_CLAUSE_BREAK = rx(r"(?<=[.!?;])\s+|\s*;\s*|,?\s+(?:and\s+)?then\s+|,?\s+and\s+(?:also\s+)?|,\s+")
_COMMAND_START = rx(
    r"^(?:please\s+|pls\s+|now\s+|also\s+|then\s+|and\s+|can you\s+|could you\s+)*"
    r"(?:add|create|delete|remove|mark|complete|finish|show|list|rename|change|update|edit"
    r"|what|what's|how many|check off|tick off|cross off|cancel|drop|erase|set|put|remind"
    r"|remember|describe|find|search|reopen|uncheck|give me)\b"
)
_LIST_INTRO = rx(  # "add these:" followed by one task per line
    r"^(?:please\s+)?(?:add|create|new|put|note down|write down)(?:\s+(?:these|the following"
    r"|this list|them|all of these|all these|some))?(?:\s+(?:new\s+)?(?:tasks?|items?|todos?"
    r"|to-dos?|things?))?(?:\s+(?:to|on)\s+my\s+(?:to-?do\s+)?list)?\s*:?$"
)
_BULLET = rx(r"^\s*(?:[-*•·]|\d+[.)]|\[\s?x?\s?\])\s*")


def _is_claim(command: Command) -> bool:
    """ "I bought the milk": a statement, which a command in the same message overrides."""
    return isinstance(command, CompleteTasks) and command.verb is not None


def _is_task_command(command: Command) -> bool:
    return isinstance(command, (*TASK_COMMANDS, ReopenTasks, Missing))


def _clauses(line: str) -> list[tuple[str, Command]]:
    """Split a line where a new command starts ("complete 1 and delete 2"). A split is
    kept only if the part after it reads as a command on its own."""
    pieces: list[str] = []  # text, separator, text, separator, ..., text
    last = 0
    for found in _CLAUSE_BREAK.finditer(line):
        if _COMMAND_START.match(line[found.end() :]):
            pieces += [line[last : found.start()], line[found.start() : found.end()]]
            last = found.end()
    pieces.append(line[last:])
    clauses: list[tuple[str, Command]] = []
    current = pieces[0]
    for separator, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        if _is_task_command(parse_clause(piece)):
            clauses.append((current, parse_clause(current)))
            current = piece
        else:
            current = current + separator + piece
    clauses.append((current, parse_clause(current)))
    return clauses


# --- Corrections: "complete task 2, no wait, task 3" ----------------------------------------

_STRONG_FIX = r"(?:no\s*,?\s*wait|wait\s*,?\s*no|i\s+meant?|or\s+rather|make\s+that|scratch\s+that)"
_WEAK_FIX = r"(?:no|sorry|actually|oops|rather|correction|wait)"
# After a comma or dash any marker; without one, only the unmistakable ones.
_FIXES = (
    rf"(?:{_STRONG_FIX}|{_WEAK_FIX})(?:[\s,;:.!\u2014\u2013-]+(?:{_STRONG_FIX}|{_WEAK_FIX}))*\b"
)
_CORRECTION = rx(
    rf"(?P<mark>\s*[,;.!\u2014\u2013]\s*|\s+-+\s+)(?P<fix>{_FIXES})[\s,;:.!\u2014\u2013-]*"
    rf"|\s+(?P<fix2>{_STRONG_FIX}\b(?:[\s,;:.!\u2014\u2013-]+{_FIXES})?)[\s,;:.!\u2014\u2013-]*"
)


def _corrected(previous: Command, text: str, punctuated: bool, strong: bool) -> Command | None:
    """`previous` with its last reference (or new title) replaced by `text`, or None
    when `text` does not read as a replacement for it."""
    refs = parse_refs(text)
    match previous:
        case CompleteTasks() | DeleteTasks() | ShowTasks() | ReopenTasks() if refs:
            # Without a comma, only "task 2 I mean 3": a title may say "I mean it".
            if punctuated or (is_explicit(refs) and is_explicit(previous.refs[-1:])):
                return replace(previous, refs=(*previous.refs[:-1], *refs))
        case UpdateTask(readings) if punctuated or strong:
            alone = structured_ref(text)
            edits: list[Edit] = []
            for reading in readings:
                if alone:
                    edits.append(replace(reading, ref=alone[0]))
                elif reading.description:
                    description = as_description(text)
                    if description:
                        edits.append(replace(reading, description=description))
                else:
                    edit = _new_value(reading.ref, text, literal=bool(reading.title))
                    if edit:
                        edits.append(edit)
            return UpdateTask(tuple(edits)) if edits else None
        case AddTasks(tasks) if punctuated and strong:
            added = new_tasks(text)
            return AddTasks((*tasks[:-1], *added), previous.reminder) if added else None
    return None


def _line_commands(line: str) -> list[tuple[str, Command]]:
    """The line's clauses, with corrections applied: what follows "no wait" / "I mean"
    replaces the reference (or the whole command) before it."""
    texts: list[str] = []
    markers: list[tuple[bool, bool]] = []  # (after a comma or dash, unmistakable)
    last = 0
    for found in _CORRECTION.finditer(line):
        if markers and found.start() <= last:  # "no, sorry, task 3": one correction
            last = found.end()
        elif found.start() > last:
            fix = (found.group("fix") or found.group("fix2") or "").lower()
            strong = re.search(_STRONG_FIX, fix, re.IGNORECASE) is not None
            texts.append(line[last : found.start()])
            markers.append((bool(found.group("mark")), strong))
            last = found.end()
    if not markers or last >= len(line):
        return _clauses(line)
    texts.append(line[last:])
    clauses = _clauses(texts[0])
    for marker, text in zip(markers, texts[1:], strict=True):
        own = parse_clause(text)
        if isinstance(own, (AddTasks, ListTasks, CompleteTasks, DeleteTasks, UpdateTask)):
            # "delete task 2, actually complete it": a new command, and "it" is task 2.
            before = clauses[-1][1]
            if isinstance(own, (CompleteTasks, DeleteTasks)) and own.refs == (RecentRef(),):
                if isinstance(before, (CompleteTasks, DeleteTasks, ShowTasks, ReopenTasks)):
                    own = replace(own, refs=before.refs)
                clauses[-1] = (text, own)
            else:
                clauses = clauses[:-1] + _clauses(text)
            continue
        fixed = _corrected(clauses[-1][1], text, *marker)
        if fixed is None:
            return _clauses(line)  # not a correction after all: read the line as it is
        clauses[-1] = (text, fixed)
    return clauses


def parse(message: str) -> list[Command]:
    """The commands in a message, in the order they were asked for. Never empty."""
    text = clean_message(message)
    if not text:
        return [SmallTalk("unknown")]
    lines = text.split("\n")
    if len(lines) > 1 and _LIST_INTRO.match(lines[0].strip()):
        tasks = [task for line in lines[1:] for task in new_tasks(_BULLET.sub("", line))]
        return [AddTasks(tuple(tasks))] if tasks else [Missing("title")]

    commands: list[Command] = []
    for line in lines:
        for clause, command in _line_commands(_BULLET.sub("", line) if len(lines) > 1 else line):
            previous = commands[-1] if commands else None
            # Lines after "add milk" that are bare phrases are more tasks to add.
            if isinstance(command, OfferAdd) and isinstance(previous, AddTasks) and clause:
                commands[-1] = AddTasks((*previous.tasks, command.task), previous.reminder)
            else:
                commands.append(command)

    if any(_is_task_command(c) and not _is_claim(c) for c in commands):
        # "hi! add milk", "I bought it. mark milk as done": the commands need the answer.
        commands = [
            c
            for c in commands
            if not isinstance(c, OfferAdd)
            and not _is_claim(c)
            and not (isinstance(c, SmallTalk) and c.kind in _CHATTER)
        ]
    return _merge_adds(commands) or [SmallTalk("unknown")]


def _merge_adds(commands: list[Command]) -> list[Command]:
    """ "add milk. add eggs" is one AddTasks, answered in one sentence."""
    merged: list[Command] = []
    for command in commands:
        previous = merged[-1] if merged else None
        if isinstance(command, AddTasks) and isinstance(previous, AddTasks):
            reminder = previous.reminder or command.reminder
            merged[-1] = AddTasks((*previous.tasks, *command.tasks), reminder)
        else:
            merged.append(command)
    return merged


# --- Answers and follow-ups -------------------------------------------------------------

_PICK_PREFIX = rx(r"^(?:i mean[t]?|the one (?:called|named|about|with)|no,?)\s+")
_FOLLOW_UP = rx(r"^(?:and|also|plus|then|now|and also|and then|same (?:for|with))\s+(?P<rest>.+)$")


def parse_pick(message: str) -> Ref | None:
    """An answer to "Which one do you mean?": "the second one", "#5", "the oat one"."""
    text = _PICK_PREFIX.sub("", strip_courtesy(clean_message(message)))
    refs = parse_refs(text)
    return refs[0] if refs and len(refs) == 1 else None


def parse_follow_up(message: str, action: str) -> Command | None:
    """ "and the third one" after "complete the first one": the previous turn's `action`
    ("add", "complete", "delete", "reopen" or "show") again, on other tasks; "and eggs"
    after "add milk" adds eggs. None when the message is not such a follow-up."""
    found = _FOLLOW_UP.match(clean_message(message))
    if not found:
        return None
    rest = strip_courtesy(found.group("rest"))
    if not isinstance(parse_clause(rest), (ShowTasks, OfferAdd)):
        return None  # a command of its own: "and show my tasks"
    if action == "add":
        tasks = new_tasks(rest)
        return AddTasks(tuple(tasks)) if tasks else None
    refs = parse_refs(rest)
    if not refs:
        return None
    match action:
        case "complete":
            return CompleteTasks(refs)
        case "delete":
            return DeleteTasks(refs)
        case "reopen":
            return ReopenTasks(refs)
        case "show":
            return ShowTasks(refs)
    return None
