"""The offline engine: parse the message, resolve the tasks it refers to, call the tools,
phrase the outcome. One `_Run` per reply holds that reply's state: the task lists fetched
so far (so one message costs one list_tasks at most between changes) and what "it" and
"the second one" mean as the commands of the message run one after another.

Questions and their answers. When a reference is ambiguous ("Which one do you mean?"),
only loosely matched ("Did you mean ...? Say "yes" ...") or would delete several tasks
("Say "yes" to delete them"), nothing is changed and the reply asks. The next message
answers it; since the engine keeps no state, it re-runs the message the question was
about (found in the history), this time with the answer: the picked task, or "yes".
Commands of that message that ran already are skipped, so nothing happens twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from todo_api.assistant.engine import Turn
from todo_api.assistant.offline import replies
from todo_api.assistant.offline.commands import (
    TASK_COMMANDS,
    AddTasks,
    AllRef,
    Command,
    CompleteTasks,
    DeleteTasks,
    Edit,
    ListTasks,
    Missing,
    OfferAdd,
    RecentRef,
    Ref,
    ReopenTasks,
    ShowTasks,
    SmallTalk,
    Status,
    UpdateTask,
)
from todo_api.assistant.offline.context import Context, read_context
from todo_api.assistant.offline.matching import CONFIDENT, TaskInfo, Tier, rank
from todo_api.assistant.offline.parser import (
    MAX_NEW_TASKS,
    parse,
    parse_follow_up,
    parse_pick,
)
from todo_api.assistant.offline.resolve import (
    Ambiguous,
    Found,
    NeedList,
    NotFound,
    Outcome,
    Scope,
    Suggest,
    pick,
    resolve,
)
from todo_api.assistant.tools import ToolResult, ToolRunner


@dataclass(frozen=True)
class Said:
    """A command's part of the reply; `asked` when it is a question that ends the turn."""

    text: str
    asked: bool = False


@dataclass(frozen=True)
class Targets:
    ids: tuple[int, ...]
    problems: tuple[str, ...] = ()


class OfflineEngine:
    """Rule-based, deterministic, no network: the default assistant."""

    name = "offline"

    async def reply(self, turn: Turn) -> str:
        run = _Run(turn.tools, read_context(turn.history))
        return await run.respond(turn.message)


def _tasks_from(result: ToolResult) -> list[TaskInfo]:
    if not isinstance(result, list):
        return []
    return [
        TaskInfo(int(item["id"]), str(item["title"]), bool(item["completed"]))
        for item in result
        if isinstance(item, dict) and isinstance(item.get("id"), int)
    ]


def _error(result: ToolResult) -> dict[str, Any] | None:
    return result if isinstance(result, dict) and "error" in result else None


def _is_bulk(refs: Sequence[Ref]) -> bool:
    return any(isinstance(r, AllRef) or (isinstance(r, RecentRef) and r.plural) for r in refs)


class _Run:
    def __init__(self, tools: ToolRunner, context: Context) -> None:
        self.tools = tools
        self.context = context
        self.scope = Scope(context.recent_ids, context.shown_ids)
        self.deleted = {i: context.titles.get(i, "") for i in context.deleted}
        self._lists: dict[Status, list[TaskInfo]] = {}
        # Answering a question: the message it was about runs again with the answer.
        self.rerun = False
        self.pick: Ref | None = None
        self.confirmed = False
        self.settled = False  # the answer has been used

    # --- Entry point -------------------------------------------------------------------

    async def respond(self, message: str) -> str:
        answer = await self._answer(message)
        if answer is not None:
            return answer
        previous = self.context.previous_message
        follow_up = parse_follow_up(message, previous) if previous else None
        return await self._run_all([follow_up] if follow_up else parse(message))

    async def _answer(self, message: str) -> str | None:
        question, about = self.context.question, self.context.asked_about
        if question is None or about is None:
            return None
        commands = parse(message)
        only = commands[0] if len(commands) == 1 else None
        if isinstance(only, SmallTalk) and only.kind == "no":
            return replies.not_now()
        if question == "confirm":
            if isinstance(only, SmallTalk) and only.kind == "yes":
                self.confirmed = True
                return await self._rerun(about)
            return None
        # "Which one do you mean?": a reference on its own is the answer; a full
        # command is a new request.
        is_answer = isinstance(only, (OfferAdd, ShowTasks)) or (
            isinstance(only, SmallTalk) and only.kind == "unknown"
        )
        choice = parse_pick(message) if is_answer else None
        if choice is None:
            return None
        self.pick = choice
        return await self._rerun(about)

    async def _rerun(self, message: str) -> str:
        self.rerun = True
        reply = await self._run_all(parse(message))
        return reply if self.settled and reply else replies.nothing_to_confirm()

    async def _run_all(self, commands: Sequence[Command]) -> str:
        for command in commands:
            if isinstance(command, AddTasks) and len(command.tasks) > MAX_NEW_TASKS:
                return replies.too_many(len(command.tasks), MAX_NEW_TASKS)
        parts: list[str] = []
        for n, command in enumerate(commands):
            said = await self._run(command)
            if said.text:
                parts.append(said.text)
            if said.asked:
                if any(isinstance(c, TASK_COMMANDS) for c in commands[n + 1 :]):
                    parts.append(replies.skipped_after_question())
                break
        separator = "\n" if any("\n" in part for part in parts) else " "
        return separator.join(parts)

    @property
    def skipping(self) -> bool:
        """Re-running a message before reaching the command the question was about."""
        return self.rerun and not self.settled

    async def _run(self, command: Command) -> Said:
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
                return await self._offer_add(command)
            case Missing():
                return await self._missing(command)
            case SmallTalk():
                return self._small_talk(command)

    # --- Tools -------------------------------------------------------------------------

    async def _fetch(self, status: Status) -> list[TaskInfo]:
        """list_tasks, always called (the user asked to see the list)."""
        tasks = _tasks_from(await self.tools.call("list_tasks", {"status": status}))
        self._lists[status] = tasks
        return tasks

    async def _tasks(self, status: Status) -> list[TaskInfo]:
        """The tasks of a status, from a list already fetched in this reply when possible."""
        if status in self._lists:
            return self._lists[status]
        if "all" in self._lists:
            done = status == "completed"
            return [t for t in self._lists["all"] if t.completed == done]
        return await self._fetch(status)

    def _known(self) -> dict[int, TaskInfo]:
        return {t.id: t for tasks in self._lists.values() for t in tasks}

    def _changed(self, acted: Sequence[int], added: bool = False) -> None:
        self._lists.clear()
        if acted:
            self.scope = replace(self.scope, recent_ids=tuple(acted))
        if added:
            self.scope = replace(self.scope, shown_ids=None)

    def _showed(self, tasks: Sequence[TaskInfo]) -> None:
        ids = tuple(t.id for t in tasks)
        self.scope = replace(self.scope, shown_ids=ids, recent_ids=ids or self.scope.recent_ids)

    async def _no_such_id(self, task_id: int) -> str:
        if task_id in self.deleted:
            return replies.no_such_id(task_id, self.deleted[task_id] or None, [])
        return replies.no_such_id(task_id, None, await self._tasks("all"))

    # --- Resolving references ------------------------------------------------------------

    async def _resolve(self, ref: Ref, verb: str, prefer_pending: bool = False) -> Outcome:
        outcome = resolve(ref, self.scope, None, verb=verb, prefer_pending=prefer_pending)
        if isinstance(outcome, NeedList):
            tasks = await self._tasks(outcome.status)
            outcome = resolve(ref, self.scope, tasks, verb=verb, prefer_pending=prefer_pending)
        return outcome

    def _settle(self, outcome: Outcome, verb: str) -> tuple[int, ...] | Said | NotFound:
        """Ids, or the question to ask, using the answer to a previous question once."""
        match outcome:
            case Found(ids):
                return ids
            case Ambiguous(text, candidates):
                if self.pick is not None and not self.settled:
                    self.settled = True
                    chosen = pick(self.pick, candidates)
                    if chosen:
                        return tuple(t.id for t in chosen)
                return Said(replies.ambiguous(text, candidates), asked=True)
            case Suggest(text, task):
                if self.confirmed and not self.settled:
                    self.settled = True
                    return (task.id,)
                return Said(replies.suggestion(text, task, verb), asked=True)
            case NotFound():
                return outcome
            case NeedList():  # _resolve never returns it
                return NotFound(replies.nothing_recent())

    async def _targets(
        self, refs: Sequence[Ref], verb: str, prefer_pending: bool = False
    ) -> Targets | Said:
        ids: list[int] = []
        problems: list[str] = []
        for ref in refs:
            settled = self._settle(await self._resolve(ref, verb, prefer_pending), verb)
            if isinstance(settled, Said):
                return settled
            if isinstance(settled, NotFound):
                problems.append(settled.reply)
            else:
                ids.extend(i for i in settled if i not in ids)
        return Targets(tuple(ids), tuple(problems))

    # --- Commands --------------------------------------------------------------------------

    async def _add(self, command: AddTasks) -> Said:
        if self.skipping:
            return Said("")
        added: list[tuple[int, str, str | None]] = []
        problems: list[str] = []
        for task in command.tasks:
            arguments = {"title": task.title}
            if task.description:
                arguments["description"] = task.description
            result = await self.tools.call("add_task", arguments)
            error = _error(result)
            if error or not isinstance(result, dict):
                message = str(error["message"]) if error else "unexpected answer"
                problems.append(replies.tool_error(f"add {replies.quoted(task.title)}", message))
            else:
                added.append((int(result["task_id"]), str(result["title"]), task.description))
        self._changed([task_id for task_id, _, _ in added], added=True)
        text = replies.added(added, command.reminder) if added else ""
        return Said(" ".join([text, *problems]).strip())

    async def _list(self, command: ListTasks) -> Said:
        if self.skipping:
            return Said("")
        if command.search:
            everything = await self._fetch("all")
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
            self._showed(shown)
            return Said(replies.search_results(command.search, shown, bool(close)))
        tasks = await self._fetch(command.status)
        if command.count_only:
            return Said(replies.counts(command.status, tasks))
        self._showed(tasks)
        return Said(replies.task_list(command.status, tasks))

    async def _show(self, command: ShowTasks) -> Said:
        targets = await self._targets(command.refs, "show")
        if isinstance(targets, Said):
            return targets
        if self.skipping:
            return Said("")
        known = {t.id: t for t in await self._tasks("all")}
        found = [known[i] for i in targets.ids if i in known]
        problems = list(targets.problems)
        for task_id in targets.ids:
            if task_id not in known:
                problems.append(await self._no_such_id(task_id))
        if found:
            self._showed(found)
        text = replies.shown(found) if found else ""
        return Said("\n".join([text, *problems]).strip())

    async def _complete(self, command: CompleteTasks) -> Said:
        # "complete all" means the pending ones.
        refs = [AllRef("pending") if r == AllRef("all") else r for r in command.refs]
        targets = await self._targets(refs, "complete", prefer_pending=True)
        if isinstance(targets, Said):
            return targets
        if self.skipping:
            return Said("")
        known = self._known()
        done: list[tuple[int, str]] = []
        already: list[TaskInfo] = []
        problems = list(targets.problems)
        for task_id in targets.ids:
            info = known.get(task_id)
            if info is not None and info.completed:
                already.append(info)
                continue
            result = await self.tools.call("complete_task", {"task_id": task_id})
            problems.extend(await self._problem(result, task_id, "complete it"))
            if not _error(result) and isinstance(result, dict):
                done.append((task_id, str(result["title"])))
        self._changed([task_id for task_id, _ in done] + [t.id for t in already])
        text = replies.completed(done, already)
        return Said(" ".join([text, *problems]).strip())

    async def _delete(self, command: DeleteTasks) -> Said:
        targets = await self._targets(command.refs, "delete")
        if isinstance(targets, Said):
            return targets
        if _is_bulk(command.refs) and len(targets.ids) > 1:
            if not (self.confirmed and not self.settled):
                known = self._known()
                if any(i not in known for i in targets.ids):
                    known = {t.id: t for t in await self._tasks("all")}
                tasks = [known[i] for i in targets.ids if i in known]
                return Said(replies.confirm_delete(tasks), asked=True)
            self.settled = True
        if self.skipping:
            return Said("")
        gone: list[tuple[int, str]] = []
        problems = list(targets.problems)
        for task_id in targets.ids:
            result = await self.tools.call("delete_task", {"task_id": task_id})
            problems.extend(await self._problem(result, task_id, "delete it"))
            if not _error(result) and isinstance(result, dict):
                gone.append((task_id, str(result["title"])))
                self.deleted[task_id] = str(result["title"])
        self._changed([task_id for task_id, _ in gone])
        text = replies.deleted(gone) if gone else ""
        return Said(" ".join([text, *problems]).strip())

    async def _problem(self, result: ToolResult, task_id: int, action: str) -> list[str]:
        error = _error(result)
        if error is None:
            return []
        if error.get("error") == "not_found":
            return [await self._no_such_id(task_id)]
        return [replies.tool_error(action, str(error.get("message", "")))]

    async def _pick_reading(self, readings: Sequence[Edit]) -> tuple[Edit, Outcome]:
        """The reading whose task reference fits best; the first one on a tie."""
        scored: list[tuple[tuple[int, int, int], Edit, Outcome]] = []
        for n, reading in enumerate(readings):
            outcome = await self._resolve(reading.ref, "change")
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

    async def _update(self, command: UpdateTask) -> Said:
        reading, outcome = await self._pick_reading(command.readings)
        settled = self._settle(outcome, "change")
        if isinstance(settled, Said):
            return settled
        if isinstance(settled, NotFound):
            return Said("" if self.skipping else settled.reply)
        ids = settled
        if not ids:
            return Said("" if self.skipping else replies.MISSING["task_to_change"])
        if len(ids) > 1:
            known = {t.id: t for t in await self._tasks("all")}
            candidates = [known[i] for i in ids if i in known]
            chosen = None
            if self.pick is not None and not self.settled:
                self.settled = True
                chosen = pick(self.pick, candidates)
            if not chosen or len(chosen) != 1:
                return Said(replies.one_at_a_time(candidates), asked=True)
            ids = (chosen[0].id,)
        if self.skipping:
            return Said("")
        task_id = ids[0]
        before = self._known().get(task_id)
        if before and reading.title == before.title and not reading.description:
            return Said(replies.unchanged(before))
        arguments: dict[str, Any] = {"task_id": task_id}
        if reading.title:
            arguments["title"] = reading.title
        if reading.description:
            arguments["description"] = reading.description
        result = await self.tools.call("update_task", arguments)
        problems = await self._problem(result, task_id, "change it")
        if problems or not isinstance(result, dict):
            return Said(" ".join(problems))
        self._changed([task_id])
        return Said(
            replies.updated(
                task_id,
                before.title if before else None,
                str(result["title"]),
                title_changed=bool(reading.title),
                described=bool(reading.description),
            )
        )

    async def _reopen(self, command: ReopenTasks) -> Said:
        targets = await self._targets(command.refs, "reopen")
        if isinstance(targets, Said):
            return targets
        if self.skipping:
            return Said("")
        known = {t.id: t for t in await self._tasks("all")}
        found = [known[i] for i in targets.ids if i in known]
        problems = list(targets.problems)
        for task_id in targets.ids:
            if task_id not in known:
                problems.append(await self._no_such_id(task_id))
        if found:
            self.scope = replace(self.scope, recent_ids=tuple(t.id for t in found))
        text = replies.reopen(found) if found else ""
        return Said(" ".join([text, *problems]).strip() or replies.reopen_unknown())

    async def _offer_add(self, command: OfferAdd) -> Said:
        if self.confirmed and not self.settled:
            self.settled = True
            return await self._add(AddTasks((command.task,)))
        if self.skipping:
            return Said("")
        return Said(replies.offer_add(command.task.title), asked=True)

    async def _missing(self, command: Missing) -> Said:
        if self.skipping:
            return Said("")
        if command.what != "change":
            return Said(replies.MISSING[command.what])
        if command.ref is not None:
            settled = self._settle(await self._resolve(command.ref, "change"), "change")
            if isinstance(settled, Said):
                return settled
            if isinstance(settled, tuple) and len(settled) == 1:
                task = self._known().get(settled[0])
                return Said(replies.what_to_change(settled[0], task.title if task else None))
            if isinstance(settled, NotFound):
                return Said(settled.reply)
        return Said(replies.MISSING["task_to_change"])

    def _small_talk(self, command: SmallTalk) -> Said:
        if self.skipping:
            return Said("")
        if command.kind == "undo":
            change = self.context.last_change
            if change is None:
                return Said(replies.cannot_undo())
            return Said(replies.undo(change.tool, change.task_id, change.title))
        if command.kind == "clear_description":
            return Said(replies.clear_description())
        return Said(replies.CHAT[command.kind])
