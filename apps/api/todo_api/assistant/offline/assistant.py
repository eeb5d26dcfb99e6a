"""The offline assistant: parse the message, resolve the tasks it refers to, call the tools,
phrase the outcome. One `_Run` per reply answers the last reply's question or runs the
message's commands one after another; the dialogue state they share (what "it" and "the
second one" mean, the question asked, the memo left for the next turn) is in dialogue.py,
running one command in execute.py, the task lists fetched (one list_tasks at most between
changes) in tasklist.py.

Rules every command follows:

- All or nothing. When a reference of a command cannot be resolved (no task matches, no
  such position, one of several ids does not exist), nothing in that command changes and
  the reply says what was not found.
- Questions. When a reference is ambiguous ("Which one do you mean?"), only loosely
  matched ("Did you mean ...?"), or would delete several tasks ('Say "yes" to delete
  them'), nothing changes and the reply asks. The memo keeps the tasks the question
  showed and the commands still to run. The answer acts on exactly those tasks (the one
  picked, or every task the confirmation listed), never on what the original words match
  by now; a task that has gone in the meantime is left out, and the reply says so.
- A tool that cannot reach the database ({"error": "unavailable"}) ends the turn: the
  reply says what was done before it, and that nothing else was changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from todo_api.assistant.offline import replies_problems, replies_questions
from todo_api.assistant.offline.answers import parse_follow_up, parse_pick
from todo_api.assistant.offline.commands import (
    TASK_COMMANDS,
    AddTasks,
    ChosenRef,
    Command,
    CompleteTasks,
    DeleteTasks,
    OfferAdd,
    ReopenTasks,
    ShowTasks,
    SmallTalk,
)
from todo_api.assistant.offline.context import Context, Question, read_context
from todo_api.assistant.offline.dialogue import Dialogue, with_ref
from todo_api.assistant.offline.execute import Executor
from todo_api.assistant.offline.matching import TaskInfo
from todo_api.assistant.offline.parser import parse
from todo_api.assistant.offline.resolve import pick
from todo_api.assistant.offline.tasklist import UnavailableError, changed_something
from todo_api.assistant.protocol import Turn, with_progress
from todo_api.assistant.tools import ToolRunner

# At most this many tasks are added from one message.
MAX_NEW_TASKS = 25

# The commands "and the third one" can repeat, by the name the memo keeps.
_ACTIONS: dict[type[Any], str] = {
    AddTasks: "add",
    CompleteTasks: "complete",
    DeleteTasks: "delete",
    ReopenTasks: "reopen",
    ShowTasks: "show",
}


class OfflineAssistant:
    """Rule-based, deterministic, no network: the default assistant."""

    name = "offline"

    async def reply(self, turn: Turn) -> str:
        run = _Run(turn.tools, read_context(turn.history))
        reply = await run.respond(turn.message)
        turn.memo.update(run.dialogue.memo())
        return reply


class _Run:
    """One reply: the answer to the last question, or the message's commands in order."""

    def __init__(self, tools: ToolRunner, context: Context) -> None:
        self.tools = tools
        self.dialogue = Dialogue(context)
        self.executor = Executor(tools, self.dialogue)

    async def respond(self, message: str) -> str:
        try:
            answer = await self._answer(message)
            if answer is None:
                action = self.dialogue.context.action
                follow_up = parse_follow_up(message, action) if action else None
                answer = await self._run_all([follow_up] if follow_up else parse(message))
            return answer or replies_questions.nothing_to_do()
        except UnavailableError:
            self.dialogue.question = None
            done = any(changed_something(call.result) for call in self.tools.calls)
            return with_progress(replies_problems.unavailable(done), self.tools.calls)

    async def _answer(self, message: str) -> str | None:
        """The reply when `message` answers the last reply's question, else None."""
        question = self.dialogue.context.question
        if question is None:
            return None
        commands = parse(message)
        only = commands[0] if len(commands) == 1 else None
        if isinstance(only, SmallTalk) and only.kind == "no":
            return replies_questions.not_now()
        if question.kind == "confirm":
            if isinstance(only, SmallTalk) and only.kind == "yes":
                return await self._answered(question, question.tasks)
            return None
        # "Which one do you mean?": a reference on its own is the answer; a full
        # command is a new request.
        is_answer = isinstance(only, (OfferAdd, ShowTasks)) or (
            isinstance(only, SmallTalk) and only.kind == "unknown"
        )
        choice = parse_pick(message) if is_answer else None
        if choice is None:
            return None
        chosen = pick(choice, question.tasks)
        if not chosen or (question.one and len(chosen) != 1):
            return self._ask_again(question)
        return await self._answered(question, chosen)

    async def _answered(self, question: Question, tasks: Sequence[TaskInfo]) -> str:
        """Runs the commands the question held, the first one on the `tasks` answered:
        those of them still on the list as the question showed them (an id of a task
        deleted since may even have been given to a new one); the rest are left out, and
        the reply says so. When none is left, the first command is dropped."""
        still = list(tasks)
        notes: list[str] = []
        if tasks:
            now = {t.id: t for t in await self.executor.tasks.with_status("all")}
            still = [t for t in tasks if t.id in now and now[t.id].title == t.title]
            gone = [(t.id, t.title) for t in tasks if t.id not in now]
            changed = [(t, now[t.id].title) for t in tasks if t.id in now and t not in still]
            notes += [replies_problems.gone(gone)] if gone else []
            notes += [
                replies_problems.changed(task.id, task.title, title) for task, title in changed
            ]
        self.dialogue.chosen.update({t.id: t.title for t in still})
        first, *commands = question.commands
        if still or not tasks:
            commands.insert(0, with_ref(first, question.ref, ChosenRef(tuple(t.id for t in still))))
        reply = await self._run_all(commands) if commands else ""
        return ("\n" if "\n" in reply else " ").join(filter(None, [reply, *notes]))

    def _ask_again(self, question: Question) -> str:
        self.dialogue.question = question
        self.dialogue.asked(question.tasks, shown=True)
        if question.one:
            return replies_questions.one_at_a_time(question.tasks)
        return replies_questions.ambiguous(question.text, question.tasks)

    async def _run_all(self, commands: Sequence[Command]) -> str:
        for command in commands:
            if isinstance(command, AddTasks) and len(command.tasks) > MAX_NEW_TASKS:
                return replies_problems.too_many(len(command.tasks), MAX_NEW_TASKS)
        parts: list[str] = []
        for n, command in enumerate(commands):
            said = await self.executor.run(command)
            if said.text:
                parts.append(said.text)
            if said.question:
                rest = tuple(commands[n + 1 :])
                question = replace(said.question, commands=(*said.question.commands, *rest))
                self.dialogue.question = question
                self.dialogue.action = None
                if any(isinstance(c, TASK_COMMANDS) for c in rest):
                    parts.append(replies_questions.skipped_after_question())
                break
            self.dialogue.action = _ACTIONS.get(type(command))
        separator = "\n" if any("\n" in part for part in parts) else " "
        return separator.join(parts)
