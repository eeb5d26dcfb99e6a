"""Task operations: the one implementation behind the REST routes and the assistant's
tools. Every function acts for one user; another user's task is not found. Each is one SQL
statement on the driver's connection (core/sql.py), so a write needs no read before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from todo_api.core.sql import Db, Row, as_datetime
from todo_api.models import TaskCreate, TaskUpdate, utcnow

StatusFilter = Literal["all", "pending", "completed"]
SortField = Literal["created_at", "updated_at", "title"]
SortOrder = Literal["asc", "desc"]

_COLUMNS = "id, user_id, title, description, completed, created_at, updated_at"
_SORT_KEYS: dict[SortField, str] = {
    "created_at": "created_at",
    "updated_at": "updated_at",
    "title": "lower(title)",
}
_STATUS: dict[StatusFilter, str] = {
    "all": "",
    "pending": " AND completed = %(false)s",
    "completed": " AND completed = %(true)s",
}
# LIKE's wildcards and the escape character itself, escaped: a search is plain text.
_LIKE_ESCAPES = str.maketrans({"/": "//", "%": "/%", "_": "/_"})
_SEARCH = (
    " AND (lower(title) LIKE lower(%(pattern)s) ESCAPE '/'"
    " OR lower(description) LIKE lower(%(pattern)s) ESCAPE '/')"
)


class TaskNotFoundError(LookupError):
    def __init__(self, task_id: int) -> None:
        super().__init__(f"task {task_id} not found")
        self.task_id = task_id


@dataclass(frozen=True, slots=True)
class TaskRow:
    """A task as stored; the same fields as models.TaskPublic."""

    id: int
    user_id: str
    title: str
    description: str | None
    completed: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: Row) -> TaskRow:
        id_, user_id, title, description, completed, created, updated = row
        return cls(
            id_,
            user_id,
            title,
            description,
            bool(completed),
            as_datetime(created),
            as_datetime(updated),
        )


def _list_sql(status: StatusFilter, search: bool, sort: SortField, order: SortOrder) -> str:
    key, direction = _SORT_KEYS[sort], "DESC" if order == "desc" else "ASC"
    # The id breaks ties, so pages never overlap or skip rows with equal keys.
    return (
        f"SELECT {_COLUMNS} FROM task WHERE user_id = %(user_id)s{_STATUS[status]}"  # noqa: S608 (fixed fragments only)
        f"{_SEARCH if search else ''} ORDER BY {key} {direction}, id {direction}"
        " LIMIT %(limit)s OFFSET %(offset)s"
    )


_LIST_SQL = {
    (status, search, sort, order): _list_sql(status, search, sort, order)
    for status in _STATUS
    for search in (False, True)
    for sort in _SORT_KEYS
    for order in ("asc", "desc")
}


async def list_tasks(
    db: Db,
    user_id: str,
    *,
    status: StatusFilter = "all",
    search: str | None = None,
    sort: SortField = "created_at",
    order: SortOrder = "asc",
    limit: int = 100,
    offset: int = 0,
) -> list[TaskRow]:
    params: dict[str, Any] = {
        "user_id": user_id,
        "limit": limit,
        "offset": offset,
        "true": True,
        "false": False,
    }
    if search:
        params["pattern"] = f"%{search.translate(_LIKE_ESCAPES)}%"
    rows = await db.all(_LIST_SQL[(status, bool(search), sort, order)], params)
    return [TaskRow.of(row) for row in rows]


def _returning(statement: str) -> str:
    return f"{statement} RETURNING {_COLUMNS}"


_GET = (
    "SELECT id, user_id, title, description, completed, created_at, updated_at FROM task"
    " WHERE id = %(id)s AND user_id = %(user_id)s"
)
_INSERT = _returning(
    "INSERT INTO task (user_id, title, description, completed, created_at, updated_at)"
    " VALUES (%(user_id)s, %(title)s, %(description)s, %(false)s, %(now)s, %(now)s)"
)
_SET_COMPLETED = _returning(
    "UPDATE task SET completed = %(completed)s, updated_at = %(now)s"
    " WHERE id = %(id)s AND user_id = %(user_id)s"
)
_TOGGLE = _returning(
    "UPDATE task SET completed = NOT completed, updated_at = %(now)s"
    " WHERE id = %(id)s AND user_id = %(user_id)s"
)
_DELETE = _returning("DELETE FROM task WHERE id = %(id)s AND user_id = %(user_id)s")
_UPDATABLE = ("title", "description", "completed")


async def get_task(db: Db, user_id: str, task_id: int) -> TaskRow:
    return _found(await db.one(_GET, {"id": task_id, "user_id": user_id}), task_id)


async def create_task(db: Db, user_id: str, data: TaskCreate) -> TaskRow:
    params: dict[str, Any] = {
        "user_id": user_id,
        "title": data.title,
        "description": data.description,
        "false": False,
        "now": db.param_time(utcnow()),
    }
    [row] = await db.all(_INSERT, params)  # INSERT ... RETURNING: exactly its row
    await db.commit()
    return TaskRow.of(row)


async def update_task(db: Db, user_id: str, task_id: int, data: TaskUpdate) -> TaskRow:
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return await get_task(db, user_id, task_id)
    fields = [name for name in _UPDATABLE if name in changes]
    assignments = "".join(f"{name} = %({name})s, " for name in fields)
    sql = (
        f"UPDATE task SET {assignments}updated_at = %(now)s"  # noqa: S608 (column names from _UPDATABLE)
        f" WHERE id = %(id)s AND user_id = %(user_id)s RETURNING {_COLUMNS}"
    )
    params: dict[str, Any] = {name: changes[name] for name in fields}
    params.update(id=task_id, user_id=user_id, now=db.param_time(utcnow()))
    row = await db.one(sql, params)
    await db.commit()
    return _found(row, task_id)


async def set_completed(
    db: Db, user_id: str, task_id: int, completed: bool | None = None
) -> TaskRow:
    """Set `completed`, or toggle it when `completed` is None, in one UPDATE ... RETURNING,
    so two toggles at the same moment both take effect."""
    params: dict[str, Any] = {"id": task_id, "user_id": user_id, "now": db.param_time(utcnow())}
    if completed is None:
        row = await db.one(_TOGGLE, params)
    else:
        row = await db.one(_SET_COMPLETED, {**params, "completed": completed})
    await db.commit()
    return _found(row, task_id)


async def delete_task(db: Db, user_id: str, task_id: int) -> TaskRow:
    row = await db.one(_DELETE, {"id": task_id, "user_id": user_id})
    await db.commit()
    return _found(row, task_id)


def _found(row: Row | None, task_id: int) -> TaskRow:
    if row is None:
        raise TaskNotFoundError(task_id)
    return TaskRow.of(row)
