"""The offline engine: parse the message, resolve the tasks it refers to, call the tools,
phrase the outcome. One `_Run` per reply holds that reply's state: the task lists fetched
so far (so one message costs one list_tasks at most between changes), what "it" and "the
second one" mean as the commands of the message run one after another, and the memo it
leaves for the next turn (its keys are listed in context.py).

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
from dataclasses import dataclass, replace
from typing import Any

from todo_api.assistant.engine import Turn, with_progress
from todo_api.assistant.offline import replies
from todo_api.assistant.offline.answers import parse_follow_up, parse_pick
from todo_api.assistant.offline.commands import (
    TASK_COMMANDS,
    AddTasks,
    AllRef,
    ChosenRef,
    Command,
    CompleteTasks,
    DeleteTasks,
    Edit,
    IdRef,
    ListTasks,
    Missing,
    OfferAdd,
    RecentRef,
    Ref,
    ReopenTasks,
    ShowTasks,
    SmallTalk,
    Status,
    TitleRef,
    UpdateTask,
)
from todo_api.assistant.offline.context import Context, Question, memo, read_context
from todo_api.assistant.offline.matching import CONFIDENT, TaskInfo, Tier, rank
from todo_api.assistant.offline.parser import parse
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
from todo_api.assistant.offline.titles import with_when
from todo_api.assistant.tools import ToolResult, ToolRunner
from todo_api.models import MAX_ID

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


@dataclass(frozen=True)
class Said:
    """A command's part of the reply, and the question it asks (which ends the turn)."""

    text: str
    question: Question | None = None


class _UnavailableError(Exception):
    """A tool could not reach the task list: the turn stops there."""


class OfflineEngine:
    """Rule-based, deterministic, no network: the default assistant."""

    name = "offline"

    async def reply(self, turn: Turn) -> str:
        run = _Run(turn.tools, read_context(turn.history))
        reply = await run.respond(turn.message)
        turn.memo.update(run.memo())
        return reply


def _tasks_from(result: ToolResult) -> list[TaskInfo]:
    if not isinstance(result, list):
        return []
    return [
        TaskInfo(int(item["id"]), str(item.get("title", "")), bool(item.get("completed")))
        for item in result
        if isinstance(item, dict) and isinstance(item.get("id"), int)
    ]


def _error(result: ToolResult) -> dict[str, Any] | None:
    return result if isinstance(result, dict) and "error" in result else None


def _is_not_found(result: ToolResult) -> bool:
    error = _error(result)
    return error is not None and error.get("error") == "not_found"


def _changed_something(result: ToolResult) -> bool:
    return isinstance(result, dict) and "error" not in result and "status" in result


def _is_bulk(refs: Sequence[Ref]) -> bool:
    return any(isinstance(r, AllRef) or (isinstance(r, RecentRef) and r.plural) for r in refs)


def _with_ref(command: Command, index: int | None, ref: Ref) -> Command:
    """`command` with reference `index` (all of them when None) replaced by `ref`: how an
    answer finishes the command its question was about."""
    match command:
        case OfferAdd(task):
            return AddTasks((task,))
        case ShowTasks() | CompleteTasks() | DeleteTasks() | ReopenTasks():
            refs = command.refs
            if index is None or not 0 <= index < len(refs):
                return replace(command, refs=(ref,))
            return replace(command, refs=(*refs[:index], ref, *refs[index + 1 :]))
        case UpdateTask(readings) if readings:
            return UpdateTask((replace(readings[0], ref=ref),))
        case Missing():
            return replace(command, ref=ref)
    return command


class _Run:
    def __init__(self, tools: ToolRunner, context: Context) -> None:
        self.tools = tools
        self.context = context
        self.scope = Scope(context.recent_ids, context.shown_ids)
        self.deleted = {i: context.titles.get(i, "") for i in context.deleted}
        self._lists: dict[Status, list[TaskInfo]] = {}
        # Tasks an answer picked or confirmed, with their titles as the question showed.
        self.chosen: dict[int, str] = {}
        self.question: Question | None = None
        self.action: str | None = None

    def memo(self) -> dict[str, Any]:
        return memo(self.scope.shown_ids, self.scope.recent_ids, self.action, self.question)

    # --- Entry point -------------------------------------------------------------------

    async def respond(self, message: str) -> str:
        try:
            answer = await self._answer(message)
            if answer is None:
                action = self.context.action
                follow_up = parse_follow_up(message, action) if action else None
                answer = await self._run_all([follow_up] if follow_up else parse(message))
            return answer or replies.nothing_to_do()
        except _UnavailableError:
            self.question = None
            done = any(_changed_something(call.result) for call in self.tools.calls)
            return with_progress(replies.unavailable(done), self.tools.calls)

    async def _answer(self, message: str) -> str | None:
        """The reply when `message` answers the last reply's question, else None."""
        question = self.context.question
        if question is None:
            return None
        commands = parse(message)
        only = commands[0] if len(commands) == 1 else None
        if isinstance(only, SmallTalk) and only.kind == "no":
            return replies.not_now()
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
            now = {t.id: t for t in await self._tasks("all")}
            still = [t for t in tasks if t.id in now and now[t.id].title == t.title]
            gone = [(t.id, t.title) for t in tasks if t.id not in now]
            changed = [(t, now[t.id].title) for t in tasks if t.id in now and t not in still]
            notes += [replies.gone(gone)] if gone else []
            notes += [replies.changed(task.id, task.title, title) for task, title in changed]
        self.chosen.update({t.id: t.title for t in still})
        first, *commands = question.commands
        if still or not tasks:
            commands.insert(
                0, _with_ref(first, question.ref, ChosenRef(tuple(t.id for t in still)))
            )
        reply = await self._run_all(commands) if commands else ""
        return ("\n" if "\n" in reply else " ").join(filter(None, [reply, *notes]))

    def _ask_again(self, question: Question) -> str:
        self.question = question
        self._asked(question.tasks, shown=True)
        if question.one:
            return replies.one_at_a_time(question.tasks)
        return replies.ambiguous(question.text, question.tasks)

    async def _run_all(self, commands: Sequence[Command]) -> str:
        for command in commands:
            if isinstance(command, AddTasks) and len(command.tasks) > MAX_NEW_TASKS:
                return replies.too_many(len(command.tasks), MAX_NEW_TASKS)
        parts: list[str] = []
        for n, command in enumerate(commands):
            said = await self._run(command)
            if said.text:
                parts.append(said.text)
            if said.question:
                rest = tuple(commands[n + 1 :])
                self.question = replace(said.question, commands=(*said.question.commands, *rest))
                self.action = None
                if any(isinstance(c, TASK_COMMANDS) for c in rest):
                    parts.append(replies.skipped_after_question())
                break
            self.action = _ACTIONS.get(type(command))
        separator = "\n" if any("\n" in part for part in parts) else " "
        return separator.join(parts)

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
                return Said(
                    replies.offer_add(command.task.title), Question("confirm", (), (command,))
                )
            case Missing():
                return await self._missing(command)
            case SmallTalk():
                return self._small_talk(command)

    # --- Tools -------------------------------------------------------------------------

    async def _fetch(self, status: Status) -> list[TaskInfo]:
        """list_tasks, always called (the user asked to see the list)."""
        result = await self.tools.call("list_tasks", {"status": status})
        if _error(result) or not isinstance(result, list):
            raise _UnavailableError  # nothing can be done without the list
        tasks = _tasks_from(result)
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

    def _asked(self, tasks: Sequence[TaskInfo], shown: bool) -> None:
        """A question about `tasks`: they are what "it" means next, and, when the reply
        listed them, what "the second one" counts in."""
        ids = tuple(t.id for t in tasks)
        self.scope = replace(self.scope, recent_ids=ids)
        if shown:
            self.scope = replace(self.scope, shown_ids=ids)

    async def _problem(self, result: ToolResult, task_id: int, action: str) -> str | None:
        """What went wrong with a tool call on one task, or None when it worked."""
        error = _error(result)
        if error is None:
            return None if isinstance(result, dict) else replies.tool_error(action, "no answer")
        if error.get("error") == "unavailable":
            raise _UnavailableError
        if error.get("error") == "not_found":
            return await self._unknown([task_id])
        return replies.tool_error(action, str(error.get("message", "")))

    async def _unknown(self, task_ids: Sequence[int]) -> str:
        """Why these tasks cannot be acted on: gone since the user picked them, deleted
        earlier in the conversation, or never there."""
        parts: list[str] = []
        gone = [(i, self.chosen[i] or None) for i in task_ids if i in self.chosen]
        if gone:
            parts.append(replies.gone(gone))
        never: list[int] = []
        for task_id in task_ids:
            if task_id in self.chosen:
                continue
            if self.deleted.get(task_id):
                parts.append(replies.no_such_id(task_id, self.deleted[task_id], []))
            else:
                never.append(task_id)
        if never:
            parts.append(replies.no_such_ids(never, await self._tasks("all")))
        return " ".join(parts)

    # --- Resolving references ------------------------------------------------------------

    async def _resolve(self, ref: Ref, verb: str, prefer_pending: bool = False) -> Outcome:
        outcome = resolve(ref, self.scope, None, verb=verb, prefer_pending=prefer_pending)
        if isinstance(outcome, NeedList):
            tasks = await self._tasks(outcome.status)
            outcome = resolve(ref, self.scope, tasks, verb=verb, prefer_pending=prefer_pending)
        if isinstance(outcome, NeedList):  # resolve asks for a list only once
            return NotFound(replies.nothing_recent())
        return outcome

    def _question(self, outcome: Outcome, verb: str, command: Command, index: int) -> Said | None:
        """The question to ask when `outcome` (of reference `index` of `command`) is not
        a plain answer, or None."""
        match outcome:
            case Ambiguous(text, candidates):
                self._asked(candidates, shown=True)
                question = Question("pick", candidates, (command,), index, text)
                return Said(replies.ambiguous(text, candidates), question)
            case Suggest(text, task):
                self._asked([task], shown=False)
                question = Question("confirm", (task,), (command,), index)
                return Said(replies.suggestion(text, task, verb), question)
            case NotFound(reply, near) if near:  # "... Did you mean A or B?"
                self._asked(near, shown=False)
                return Said(reply, Question("pick", near, (command,), index))
        return None

    async def _targets(
        self, command: Command, refs: Sequence[Ref], verb: str, prefer_pending: bool = False
    ) -> tuple[int, ...] | Said:
        """The ids `refs` mean, or what to say instead: all of them or none."""
        outcomes = [await self._resolve(ref, verb, prefer_pending) for ref in refs]
        missing = [(n, o) for n, o in enumerate(outcomes) if isinstance(o, NotFound)]
        if len(missing) == 1 and missing[0][1].near:
            asked = self._question(missing[0][1], verb, command, missing[0][0])
            if asked:
                return asked
        if missing:
            text = " ".join(dict.fromkeys(o.reply for _, o in missing))
            return Said(f"{text} {replies.nothing_changed()}" if len(refs) > 1 else text)
        ids: list[int] = []
        for n, outcome in enumerate(outcomes):
            asked = self._question(outcome, verb, command, n)
            if asked:
                return asked
            if isinstance(outcome, Found):
                ids.extend(i for i in outcome.ids if i not in ids)
        # Ids the user typed must all exist before any of them is acted on.
        typed = [r.task_id for r in refs if isinstance(r, IdRef)]
        unknown = [i for i in typed if i > MAX_ID]
        if typed and len(ids) > 1:
            existing = {t.id for t in await self._tasks("all")}
            unknown += [i for i in typed if i not in existing and i not in unknown]
        if unknown:
            text = await self._unknown(unknown)
            return Said(f"{text} {replies.nothing_changed()}" if len(ids) > 1 else text)
        return tuple(ids)

    # --- Commands --------------------------------------------------------------------------

    async def _add(self, command: AddTasks) -> Said:
        added: list[tuple[int, str, str | None]] = []
        problems: list[str] = []
        for task in command.tasks:
            arguments = {"title": task.title}
            if task.description:
                arguments["description"] = task.description
            result = await self.tools.call("add_task", arguments)
            error = _error(result)
            if error and error.get("error") == "unavailable":
                self._changed([task_id for task_id, _, _ in added], added=bool(added))
                raise _UnavailableError
            if error or not isinstance(result, dict):
                message = str(error["message"]) if error else "unexpected answer"
                problems.append(replies.tool_error(f"add {replies.quoted(task.title)}", message))
            else:
                added.append((int(result["task_id"]), str(result["title"]), task.description))
        self._changed([task_id for task_id, _, _ in added], added=bool(added))
        text = replies.added(added, command.reminder) if added else ""
        return Said(" ".join([text, *problems]).strip())

    async def _list(self, command: ListTasks) -> Said:
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
        targets = await self._targets(command, command.refs, "show")
        if isinstance(targets, Said):
            return targets
        known = {t.id: t for t in await self._tasks("all")}
        found = [known[i] for i in targets if i in known]
        missing = [i for i in targets if i not in known]
        problems = [await self._unknown(missing)] if missing else []
        if found:
            self._showed(found)
        text = replies.shown(found) if found else ""
        return Said("\n".join([text, *problems]).strip())

    async def _claimed(self, command: CompleteTasks) -> tuple[int, ...] | Said:
        """ "I bought the milk": the task "buy milk", else the one task "milk" clearly
        names; a statement that matches nothing changes nothing."""
        ref = command.refs[0] if len(command.refs) == 1 else None
        if not isinstance(ref, TitleRef) or not command.verb:
            return await self._targets(command, command.refs, "complete", prefer_pending=True)
        with_verb = await self._resolve(TitleRef(f"{command.verb} {ref.text}"), "complete", True)
        if isinstance(with_verb, Found):
            return with_verb.ids
        outcome = await self._resolve(ref, "complete", True)
        if isinstance(outcome, Found):
            return outcome.ids
        if isinstance(outcome, NotFound):
            return Said(replies.no_claim_match(ref.text))
        return self._question(outcome, "complete", command, 0) or Said(
            replies.no_claim_match(ref.text)
        )

    async def _complete(self, command: CompleteTasks) -> Said:
        # "complete all" means the pending ones.
        refs = [AllRef("pending") if r == AllRef("all") else r for r in command.refs]
        if command.verb:
            targets = await self._claimed(command)
        else:
            targets = await self._targets(command, refs, "complete", prefer_pending=True)
        if isinstance(targets, Said):
            return targets
        known = self._known()
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
            if _is_not_found(result):
                missing.append(task_id)
            elif problem := await self._problem(result, task_id, "complete it"):
                problems.append(problem)
            elif isinstance(result, dict):
                done.append((task_id, str(result["title"])))
        if missing:
            problems.insert(0, await self._unknown(missing))
        self._changed([task_id for task_id, _ in done] + [t.id for t in already])
        text = replies.completed(done, already)
        return Said(" ".join([text, *problems]).strip())

    async def _delete(self, command: DeleteTasks) -> Said:
        targets = await self._targets(command, command.refs, "delete")
        if isinstance(targets, Said):
            return targets
        if _is_bulk(command.refs) and len(targets) > 1:
            # Asked first; the "yes" deletes exactly the tasks listed here.
            known = self._known()
            if any(i not in known for i in targets):
                known = {t.id: t for t in await self._tasks("all")}
            tasks = [known[i] for i in targets if i in known]
            if not tasks:
                return Said(await self._unknown(targets))
            self._asked(tasks, shown=True)
            question = Question("confirm", tuple(tasks), (command,), None)
            return Said(replies.confirm_delete(tasks), question)
        gone: list[tuple[int, str]] = []
        missing: list[int] = []
        problems: list[str] = []
        for task_id in targets:
            result = await self.tools.call("delete_task", {"task_id": task_id})
            if _is_not_found(result):
                missing.append(task_id)
            elif problem := await self._problem(result, task_id, "delete it"):
                problems.append(problem)
            elif isinstance(result, dict):
                gone.append((task_id, str(result["title"])))
                self.deleted[task_id] = str(result["title"])
        if missing:
            problems.insert(0, await self._unknown(missing))
        self._changed([task_id for task_id, _ in gone])
        text = replies.deleted(gone) if gone else ""
        return Said(" ".join([text, *problems]).strip())

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
        about = UpdateTask((reading,))
        asked = self._question(outcome, "change", about, 0)
        if asked:
            return asked
        if isinstance(outcome, NotFound):
            return Said(outcome.reply)
        ids = outcome.ids if isinstance(outcome, Found) else ()
        if not ids:
            return Said(replies.MISSING["task_to_change"])
        if len(ids) > 1:
            known = {t.id: t for t in await self._tasks("all")}
            candidates = tuple(known[i] for i in ids if i in known)
            if len(candidates) != 1:
                self._asked(candidates, shown=True)
                question = Question("pick", candidates, (about,), 0, one=True)
                return Said(replies.one_at_a_time(candidates), question)
            ids = (candidates[0].id,)
        task_id = ids[0]
        if task_id > MAX_ID:
            return Said(await self._unknown([task_id]))
        before = self._known().get(task_id)
        title = reading.title
        if reading.when:
            if before is None:
                before = {t.id: t for t in await self._tasks("all")}.get(task_id)
            if before is None:
                return Said(await self._unknown([task_id]))
            title = with_when(before.title, reading.when)
        if not title and reading.description is None:
            return Said(replies.what_to_change(task_id, before.title if before else None))
        if before and title == before.title and reading.description is None:
            return Said(replies.unchanged(before))
        arguments: dict[str, Any] = {"task_id": task_id}
        if title:
            arguments["title"] = title
        if reading.description is not None:
            arguments["description"] = reading.description
        result = await self.tools.call("update_task", arguments)
        problem = await self._problem(result, task_id, "change it")
        if problem or not isinstance(result, dict):
            return Said(problem or "")
        self._changed([task_id])
        old_title = before.title if before else self.chosen.get(task_id)
        return Said(
            replies.updated(
                task_id, old_title, str(result["title"]), bool(title), reading.description
            )
        )

    async def _reopen(self, command: ReopenTasks) -> Said:
        targets = await self._targets(command, command.refs, "reopen")
        if isinstance(targets, Said):
            return targets
        known = {t.id: t for t in await self._tasks("all")}
        found = [known[i] for i in targets if i in known]
        missing = [i for i in targets if i not in known]
        problems = [await self._unknown(missing)] if missing else []
        if found:
            self.scope = replace(self.scope, recent_ids=tuple(t.id for t in found))
        text = replies.reopen(found) if found else ""
        return Said(" ".join([text, *problems]).strip() or replies.reopen_unknown())

    async def _missing(self, command: Missing) -> Said:
        if command.what != "change":
            return Said(replies.MISSING[command.what])
        if command.ref is not None:
            outcome = await self._resolve(command.ref, "change")
            asked = self._question(outcome, "change", command, 0)
            if asked:
                return asked
            if isinstance(outcome, Found) and len(outcome.ids) == 1:
                task = self._known().get(outcome.ids[0])
                return Said(replies.what_to_change(outcome.ids[0], task.title if task else None))
            if isinstance(outcome, NotFound):
                return Said(outcome.reply)
        return Said(replies.MISSING["task_to_change"])

    def _small_talk(self, command: SmallTalk) -> Said:
        if command.kind == "undo":
            change = self.context.last_change
            if change is None:
                return Said(replies.cannot_undo())
            return Said(replies.undo(change.tool, change.task_id, change.title))
        return Said(replies.CHAT[command.kind])
