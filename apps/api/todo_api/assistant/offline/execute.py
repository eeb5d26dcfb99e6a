"""Runs one command through the task tools and says how it went: adds, lists, shows,
completes, reopens, deletes, changes; undoes completions and reopens, and explains the
undo the tools cannot do; answers small talk. Each command leaves the dialogue what it acted on or showed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from todo_api.assistant.offline import (
    replies,
    replies_changes,
    replies_chat,
    replies_limits,
    replies_lists,
    replies_problems,
    replies_questions,
)
from todo_api.assistant.offline.commands import (
    AddTasks,
    AllRef,
    Command,
    CompleteTasks,
    DeleteTasks,
    ListTasks,
    Missing,
    OfferAdd,
    RecentRef,
    Ref,
    ReopenTasks,
    ShowTasks,
    SmallTalk,
    UpdateTask,
)
from todo_api.assistant.offline.context import Question
from todo_api.assistant.offline.dialogue import Dialogue, Said
from todo_api.assistant.offline.matching import CONFIDENT, TaskInfo, Tier, rank
from todo_api.assistant.offline.reopen import complete_again, reopen
from todo_api.assistant.offline.resolve import Found, NotFound
from todo_api.assistant.offline.targets import Targets
from todo_api.assistant.offline.tasklist import (
    TaskList,
    UnavailableError,
    error_of,
    is_not_found,
)
from todo_api.assistant.offline.titles import with_when
from todo_api.assistant.tools import ToolRunner
from todo_api.models import MAX_ID


def _is_bulk(refs: Sequence[Ref]) -> bool:
    return any(isinstance(r, AllRef) or (isinstance(r, RecentRef) and r.plural) for r in refs)


class Executor:
    """Runs the commands of one reply, one after another, on one dialogue."""

    def __init__(self, tools: ToolRunner, dialogue: Dialogue) -> None:
        self.tools = tools
        self.dialogue = dialogue
        self.tasks = TaskList(tools, dialogue)
        self.targets = Targets(self.tasks, dialogue)

    async def run(self, command: Command) -> Said:
        match command:
            case AddTasks():
                return await self._add(command)
            case ListTasks():
                return await self._list(command)
            case ShowTasks():
                return await self._show(command)
            case CompleteTasks():
                return await self._complete(command)
            case DeleteTasks():
                return await self._delete(command)
            case UpdateTask():
                return await self._update(command)
            case ReopenTasks():
                return await self._reopen(command)
            case OfferAdd():
                return Said(
                    replies_questions.offer_add(command.task.title),
                    Question("confirm", (), (command,)),
                )
            case Missing():
                return await self._missing(command)
            case SmallTalk() if command.kind == "undo":
                return await self._undo()
            case SmallTalk():
                return Said(replies_chat.CHAT[command.kind])

    def _changed(self, acted: Sequence[int], added: bool = False) -> None:
        self.tasks.forget()
        self.dialogue.acted(acted, added)

    async def _add(self, command: AddTasks) -> Said:
        added: list[tuple[int, str, str | None]] = []
        problems: list[str] = []
        for task in command.tasks:
            arguments = {"title": task.title}
            if task.description:
                arguments["description"] = task.description
            result = await self.tools.call("add_task", arguments)
            error = error_of(result)
            if error and error.get("error") == "unavailable":
                self._changed([task_id for task_id, _, _ in added], added=bool(added))
                raise UnavailableError
            if error or not isinstance(result, dict):
                message = str(error["message"]) if error else "unexpected answer"
                problems.append(
                    replies_problems.tool_error(f"add {replies.quoted(task.title)}", message)
                )
            else:
                added.append((int(result["task_id"]), str(result["title"]), task.description))
        self._changed([task_id for task_id, _, _ in added], added=bool(added))
        text = replies_changes.added(added, command.reminder) if added else ""
        return Said(" ".join([text, *problems]).strip())

    async def _list(self, command: ListTasks) -> Said:
        if command.search:
            everything = await self.tasks.fetch("all")
            tasks = [
                t
                for t in everything
                if command.status == "all" or t.completed == (command.status == "completed")
            ]
            matches = rank(command.search, tasks)
            close = [m.task for m in matches if m.tier >= CONFIDENT]
            shown = close or [m.task for m in matches if m.tier >= Tier.WEAK][:5]
            order = {t.id: n for n, t in enumerate(tasks)}
            shown.sort(key=lambda t: order[t.id])
            self.dialogue.showed(shown)
            return Said(replies_lists.search_results(command.search, shown, bool(close)))
        tasks = await self.tasks.fetch(command.status)
        if command.count_only:
            return Said(replies_lists.counts(command.status, tasks))
        self.dialogue.showed(tasks)
        return Said(replies_lists.task_list(command.status, tasks))

    async def _show(self, command: ShowTasks) -> Said:
        targets = await self.targets.ids(command, command.refs, "show")
        if isinstance(targets, Said):
            return targets
        known = {t.id: t for t in await self.tasks.with_status("all")}
        found = [known[i] for i in targets if i in known]
        missing = [i for i in targets if i not in known]
        problems = [await self.tasks.unknown(missing)] if missing else []
        if found:
            self.dialogue.showed(found)
        text = replies_lists.shown(found) if found else ""
        return Said("\n".join([text, *problems]).strip())

    async def _complete(self, command: CompleteTasks) -> Said:
        # "complete all" means the pending ones.
        refs = [AllRef("pending") if r == AllRef("all") else r for r in command.refs]
        if command.verb:
            targets = await self.targets.claimed(command)
        else:
            targets = await self.targets.ids(command, refs, "complete", prefer_pending=True)
        if isinstance(targets, Said):
            return targets
        known = self.tasks.known()
        done: list[tuple[int, str]] = []
        already: list[TaskInfo] = []
        missing: list[int] = []
        problems: list[str] = []
        for task_id in targets:
            info = known.get(task_id)
            if info is not None and info.completed:
                already.append(info)
                continue
            result = await self.tools.call("complete_task", {"task_id": task_id})
            if is_not_found(result):
                missing.append(task_id)
            elif problem := await self.tasks.problem(result, task_id, "complete it"):
                problems.append(problem)
            elif isinstance(result, dict):
                done.append((task_id, str(result["title"])))
        if missing:
            problems.insert(0, await self.tasks.unknown(missing))
        self._changed([task_id for task_id, _ in done] + [t.id for t in already])
        text = replies_changes.completed(done, already)
        return Said(" ".join([text, *problems]).strip())

    async def _delete(self, command: DeleteTasks) -> Said:
        targets = await self.targets.ids(command, command.refs, "delete")
        if isinstance(targets, Said):
            return targets
        if _is_bulk(command.refs) and len(targets) > 1:
            # Asked first; the "yes" deletes exactly the tasks listed here.
            known = self.tasks.known()
            if any(i not in known for i in targets):
                known = {t.id: t for t in await self.tasks.with_status("all")}
            tasks = [known[i] for i in targets if i in known]
            if not tasks:
                return Said(await self.tasks.unknown(targets))
            self.dialogue.asked(tasks, shown=True)
            question = Question("confirm", tuple(tasks), (command,), None)
            return Said(replies_questions.confirm_delete(tasks), question)
        gone: list[tuple[int, str]] = []
        missing: list[int] = []
        problems: list[str] = []
        for task_id in targets:
            result = await self.tools.call("delete_task", {"task_id": task_id})
            if is_not_found(result):
                missing.append(task_id)
            elif problem := await self.tasks.problem(result, task_id, "delete it"):
                problems.append(problem)
            elif isinstance(result, dict):
                gone.append((task_id, str(result["title"])))
                self.dialogue.deleted[task_id] = str(result["title"])
        if missing:
            problems.insert(0, await self.tasks.unknown(missing))
        self._changed([task_id for task_id, _ in gone])
        text = replies_changes.deleted(gone) if gone else ""
        return Said(" ".join([text, *problems]).strip())

    async def _update(self, command: UpdateTask) -> Said:
        reading, outcome = await self.targets.pick_reading(command.readings)
        about = UpdateTask((reading,))
        asked = self.targets.question(outcome, "change", about, 0)
        if asked:
            return asked
        if isinstance(outcome, NotFound):
            return Said(outcome.reply)
        ids = outcome.ids if isinstance(outcome, Found) else ()
        if not ids:
            return Said(replies_questions.MISSING["task_to_change"])
        if len(ids) > 1:
            known = {t.id: t for t in await self.tasks.with_status("all")}
            candidates = tuple(known[i] for i in ids if i in known)
            if len(candidates) != 1:
                self.dialogue.asked(candidates, shown=True)
                question = Question("pick", candidates, (about,), 0, one=True)
                return Said(replies_questions.one_at_a_time(candidates), question)
            ids = (candidates[0].id,)
        task_id = ids[0]
        if task_id > MAX_ID:
            return Said(await self.tasks.unknown([task_id]))
        before = self.tasks.known().get(task_id)
        title = reading.title
        if reading.when:
            if before is None:
                before = {t.id: t for t in await self.tasks.with_status("all")}.get(task_id)
            if before is None:
                return Said(await self.tasks.unknown([task_id]))
            title = with_when(before.title, reading.when)
        if not title and reading.description is None:
            return Said(replies_questions.what_to_change(task_id, before.title if before else None))
        if before and title == before.title and reading.description is None:
            return Said(replies_changes.unchanged(before))
        arguments: dict[str, Any] = {"task_id": task_id}
        if title:
            arguments["title"] = title
        if reading.description is not None:
            arguments["description"] = reading.description
        result = await self.tools.call("update_task", arguments)
        problem = await self.tasks.problem(result, task_id, "change it")
        if problem or not isinstance(result, dict):
            return Said(problem or "")
        self._changed([task_id])
        old_title = before.title if before else self.dialogue.chosen.get(task_id)
        return Said(
            replies_changes.updated(
                task_id, old_title, str(result["title"]), bool(title), reading.description
            )
        )

    async def _reopen(self, command: ReopenTasks) -> Said:
        targets = await self.targets.ids(command, command.refs, "reopen")
        if isinstance(targets, Said):
            return targets
        known = {t.id: t for t in await self.tasks.with_status("all")}
        missing = [i for i in targets if i not in known]
        outcome = await reopen(self.tools, self.tasks, [known[i] for i in targets if i in known])
        if missing:
            outcome.problems.insert(0, await self.tasks.unknown(missing))
        self._changed([i for i, _ in outcome.reopened] + [t.id for t in outcome.pending])
        text = replies_changes.reopened(outcome.reopened, outcome.pending)
        return Said(" ".join([text, *outcome.problems]).strip())

    async def _missing(self, command: Missing) -> Said:
        if command.what != "change":
            return Said(replies_questions.MISSING[command.what])
        if command.ref is not None:
            outcome = await self.targets.resolve(command.ref, "change")
            asked = self.targets.question(outcome, "change", command, 0)
            if asked:
                return asked
            if isinstance(outcome, Found) and len(outcome.ids) == 1:
                task = self.tasks.known().get(outcome.ids[0])
                return Said(
                    replies_questions.what_to_change(outcome.ids[0], task.title if task else None)
                )
            if isinstance(outcome, NotFound):
                return Said(outcome.reply)
        return Said(replies_questions.MISSING["task_to_change"])

    async def _undo(self) -> Said:
        """Completions and reopens are undone with the opposite tool; adds, deletes and
        renames cannot be, so the reply says how to get there instead."""
        changes = self.dialogue.context.last_changes
        if not changes:
            return Said(replies_limits.cannot_undo())
        tool, changed = changes[-1].tool, [(c.task_id, c.title) for c in changes]
        if tool == "complete_task":
            known = {t.id: t for t in await self.tasks.with_status("all")}
            outcome = await reopen(
                self.tools, self.tasks, [known[i] for i, _ in changed if i in known]
            )
            self._changed([i for i, _ in outcome.reopened] + [t.id for t in outcome.pending])
            text = replies_changes.reopened(outcome.reopened, outcome.pending)
            return Said(" ".join([text, *outcome.problems]).strip() or replies_limits.cannot_undo())
        if tool == "reopen":
            done, problems = await complete_again(self.tools, self.tasks, changed)
            self._changed([i for i, _ in done])
            return Said(" ".join([replies_changes.completed(done, []), *problems]).strip())
        return Said(replies_limits.undo(tool, changed))
