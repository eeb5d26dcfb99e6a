"""From a command's task references to the ids it acts on, or to what the reply says
instead: the question to ask ("Which one do you mean?", "Did you mean ...?") or why
nothing changes (a reference that matches nothing, an id that does not exist)."""

from __future__ import annotations

from collections.abc import Sequence

from todo_api.assistant.offline import replies_problems, replies_questions
from todo_api.assistant.offline.commands import Command, CompleteTasks, Edit, IdRef, Ref, TitleRef
from todo_api.assistant.offline.context import Question
from todo_api.assistant.offline.dialogue import Dialogue, Said
from todo_api.assistant.offline.resolve import (
    Ambiguous,
    Found,
    NeedList,
    NotFound,
    Outcome,
    Suggest,
    resolve,
)
from todo_api.assistant.offline.tasklist import TaskList
from todo_api.models import MAX_ID


class Targets:
    """Resolves references in the dialogue's scope, fetching a list only when needed."""

    def __init__(self, tasks: TaskList, dialogue: Dialogue) -> None:
        self.tasks = tasks
        self.dialogue = dialogue

    async def resolve(self, ref: Ref, verb: str, prefer_pending: bool = False) -> Outcome:
        outcome = resolve(ref, self.dialogue.scope, None, verb=verb, prefer_pending=prefer_pending)
        if isinstance(outcome, NeedList):
            tasks = await self.tasks.with_status(outcome.status)
            outcome = resolve(
                ref, self.dialogue.scope, tasks, verb=verb, prefer_pending=prefer_pending
            )
        if isinstance(outcome, NeedList):  # resolve asks for a list only once
            return NotFound(replies_problems.nothing_recent())
        return outcome

    def question(self, outcome: Outcome, verb: str, command: Command, index: int) -> Said | None:
        """The question to ask when `outcome` (of reference `index` of `command`) is not
        a plain answer, or None."""
        match outcome:
            case Ambiguous(text, candidates):
                self.dialogue.asked(candidates, shown=True)
                question = Question("pick", candidates, (command,), index, text)
                return Said(replies_questions.ambiguous(text, candidates), question)
            case Suggest(text, task):
                self.dialogue.asked([task], shown=False)
                question = Question("confirm", (task,), (command,), index)
                return Said(replies_questions.suggestion(text, task, verb), question)
            case NotFound(reply, near) if near:  # "... Did you mean A or B?"
                self.dialogue.asked(near, shown=False)
                return Said(reply, Question("pick", near, (command,), index))
        return None

    async def ids(
        self, command: Command, refs: Sequence[Ref], verb: str, prefer_pending: bool = False
    ) -> tuple[int, ...] | Said:
        """The ids `refs` mean, or what to say instead: all of them or none."""
        outcomes = [await self.resolve(ref, verb, prefer_pending) for ref in refs]
        missing = [(n, o) for n, o in enumerate(outcomes) if isinstance(o, NotFound)]
        if len(missing) == 1 and missing[0][1].near:
            asked = self.question(missing[0][1], verb, command, missing[0][0])
            if asked:
                return asked
        if missing:
            text = " ".join(dict.fromkeys(o.reply for _, o in missing))
            return Said(f"{text} {replies_problems.nothing_changed()}" if len(refs) > 1 else text)
        ids: list[int] = []
        for n, outcome in enumerate(outcomes):
            asked = self.question(outcome, verb, command, n)
            if asked:
                return asked
            if isinstance(outcome, Found):
                ids.extend(i for i in outcome.ids if i not in ids)
        # Ids the user typed must all exist before any of them is acted on.
        typed = [r.task_id for r in refs if isinstance(r, IdRef)]
        unknown = [i for i in typed if i > MAX_ID]
        if typed and len(ids) > 1:
            existing = {t.id for t in await self.tasks.with_status("all")}
            unknown += [i for i in typed if i not in existing and i not in unknown]
        if unknown:
            text = await self.tasks.unknown(unknown)
            return Said(f"{text} {replies_problems.nothing_changed()}" if len(ids) > 1 else text)
        return tuple(ids)

    async def claimed(self, command: CompleteTasks) -> tuple[int, ...] | Said:
        """ "I bought the milk": the task "buy milk", else the one task "milk" clearly
        names; a statement that matches nothing changes nothing."""
        ref = command.refs[0] if len(command.refs) == 1 else None
        if not isinstance(ref, TitleRef) or not command.verb:
            return await self.ids(command, command.refs, "complete", prefer_pending=True)
        with_verb = await self.resolve(TitleRef(f"{command.verb} {ref.text}"), "complete", True)
        if isinstance(with_verb, Found):
            return with_verb.ids
        outcome = await self.resolve(ref, "complete", True)
        if isinstance(outcome, Found):
            return outcome.ids
        if isinstance(outcome, NotFound):
            return Said(replies_problems.no_claim_match(ref.text))
        return self.question(outcome, "complete", command, 0) or Said(
            replies_problems.no_claim_match(ref.text)
        )

    async def pick_reading(self, readings: Sequence[Edit]) -> tuple[Edit, Outcome]:
        """The reading whose task reference fits best; the first one on a tie."""
        scored: list[tuple[tuple[int, int, int], Edit, Outcome]] = []
        for n, reading in enumerate(readings):
            outcome = await self.resolve(reading.ref, "change")
            match outcome:
                case Found(_, tier):
                    fit = (3, tier)
                case Ambiguous():
                    fit = (2, 0)
                case Suggest(_, _, tier):
                    fit = (1, tier)
                case _:
                    fit = (0, 0)
            scored.append(((*fit, -n), reading, outcome))
        _, reading, outcome = max(scored, key=lambda item: item[0])
        return reading, outcome
