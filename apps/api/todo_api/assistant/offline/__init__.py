"""The offline assistant: a deterministic, rule-based assistant that runs the to-do list from
chat with no language model and no network.

    parser.py      message -> commands ("complete 1 and delete 2" -> two commands): splits
                   clauses, tries the readers in order, applies corrections
    corrections.py "complete task 2, no wait, task 3": what replaces what
    readers/       one module per kind of request ("add ...", "show ...", "done", "hi")
    answers.py     "the second one" answering "which one?", "and the third one"
    references.py  "task 3", "the second one", "it", "the meeting task" -> references
    titles.py      "milk, eggs and bread", "call the bank — ask about the fee" -> new tasks
    commands.py    the command and reference types the parser produces (and their JSON form)
    context.py     what the stored history says: "it", the list last shown, a pending
                   question; read from the memo each reply leaves and from tool calls,
                   never from reply text (its docstring lists the memo keys)
    resolve.py     references -> task ids ("the second one", "the grocries task")
    matching.py    loose, typo-tolerant title matching (rapidfuzz)
    replies.py     how a reply names tasks ("Buy milk" (task 4), "- [ ] Buy milk (#4)");
                   the sentences are in replies_lists, _changes, _limits, _problems,
                   _questions and _chat.py
    assistant.py   OfflineAssistant: answers the last question or runs the message's commands
    dialogue.py    what "it", "the second one" and the pending question mean as they run,
                   and the memo the reply leaves
    execute.py     one command through the task tools (tasklist.py: the lists fetched)
    targets.py     a command's references -> task ids, or the question to ask instead

Tasks are only ever read and changed through the ToolRunner, like the LLM assistant does.
"""

from todo_api.assistant.offline.assistant import OfflineAssistant

__all__ = ["OfflineAssistant"]
