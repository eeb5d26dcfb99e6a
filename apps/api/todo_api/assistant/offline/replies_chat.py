"""What the assistant says to small talk ("hi", "thanks", "help") and to what it does
not understand: each ends by saying what it can do."""

from __future__ import annotations

EXAMPLES = '"add buy milk", "show my tasks" or "mark task 1 as done"'

HELP = (
    "I look after your to-do list. You can say things like:\n"
    '- "add buy milk" (or several: "add milk, eggs and bread")\n'
    '- "show my tasks", "what\'s pending?", "what have I completed?"\n'
    '- "mark task 3 as done" or "complete the milk task"\n'
    '- "rename task 2 to Call mom tonight" or "change the description of task 2 to …"\n'
    '- "delete the meeting task"\n'
    'I understand "it", "that one" and "the second one" too.'
)

CHAT = {
    "greeting": f"Hi! What can I do for your to-do list? Try {EXAMPLES}.",
    "thanks": "You're welcome! Anything else for your list?",
    "ack": "Okay! Anything else for your list?",
    "bye": "Bye! Your tasks are saved and will be here when you're back.",
    "help": HELP,
    "yes": f"Okay! What would you like to do? Try {EXAMPLES}.",
    "no": "Okay, no changes. Anything else?",
    "unsupported": (
        f"Sorry, I can't help with that: I only look after your to-do list. Try {EXAMPLES}."
    ),
    "unknown": (
        "Sorry, I didn't understand that. I can add, list, complete, rename and delete tasks; "
        f'try {EXAMPLES}, or say "help".'
    ),
}
