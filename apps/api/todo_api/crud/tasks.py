"""Task operations: the one implementation behind the REST routes and the assistant's
tools. Every function acts for one user; another user's task is not found."""

from __future__ import annotations

from typing import Any, Literal, cast

from sqlalchemy import ColumnElement, func, not_, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todo_api.models import Task, TaskCreate, TaskUpdate, utcnow

StatusFilter = Literal["all", "pending", "completed"]
SortField = Literal["created_at", "updated_at", "title"]
SortOrder = Literal["asc", "desc"]


class TaskNotFoundError(LookupError):
    def __init__(self, task_id: int) -> None:
        super().__init__(f"task {task_id} not found")
        self.task_id = task_id


def _sort_key(sort: SortField) -> ColumnElement[Any]:
    if sort == "title":
        return func.lower(col(Task.title))
    column = Task.updated_at if sort == "updated_at" else Task.created_at
    return cast("ColumnElement[Any]", column)


async def list_tasks(
    session: AsyncSession,
    user_id: str,
    *,
    status: StatusFilter = "all",
    search: str | None = None,
    sort: SortField = "created_at",
    order: SortOrder = "asc",
    limit: int = 100,
    offset: int = 0,
) -> list[Task]:
    query = select(Task).where(Task.user_id == user_id)
    if status != "all":
        query = query.where(Task.completed == (status == "completed"))
    if search:
        query = query.where(
            or_(
                col(Task.title).icontains(search, autoescape=True),
                col(Task.description).icontains(search, autoescape=True),
            )
        )
    key = _sort_key(sort)
    # The id breaks ties, so pages never overlap or skip rows with equal keys.
    if order == "desc":
        query = query.order_by(key.desc(), col(Task.id).desc())
    else:
        query = query.order_by(key.asc(), col(Task.id).asc())
    result = await session.exec(query.limit(limit).offset(offset))
    return list(result.all())


async def get_task(session: AsyncSession, user_id: str, task_id: int) -> Task:
    result = await session.exec(select(Task).where(Task.id == task_id, Task.user_id == user_id))
    task = result.first()
    if task is None:
        raise TaskNotFoundError(task_id)
    return task


async def create_task(session: AsyncSession, user_id: str, data: TaskCreate) -> Task:
    task = Task(user_id=user_id, title=data.title, description=data.description)
    session.add(task)
    await session.commit()  # INSERT ... RETURNING fills in the id; no re-read needed
    return task


async def update_task(session: AsyncSession, user_id: str, task_id: int, data: TaskUpdate) -> Task:
    task = await get_task(session, user_id, task_id)
    changes = data.model_dump(exclude_unset=True)
    if changes:
        task.sqlmodel_update(changes)
        task.updated_at = utcnow()
        await session.commit()
    return task


async def set_completed(
    session: AsyncSession, user_id: str, task_id: int, completed: bool | None = None
) -> Task:
    """Set `completed`, or toggle it when `completed` is None, in one UPDATE ... RETURNING,
    so two toggles at the same moment both take effect."""
    value = not_(col(Task.completed)) if completed is None else completed
    statement = (
        update(Task)
        .where(col(Task.id) == task_id, col(Task.user_id) == user_id)
        .values(completed=value, updated_at=utcnow())
        .returning(Task)
    )
    task: Task | None = (await session.exec(statement)).scalar_one_or_none()
    if task is None:
        raise TaskNotFoundError(task_id)
    await session.commit()
    return task


async def delete_task(session: AsyncSession, user_id: str, task_id: int) -> Task:
    task = await get_task(session, user_id, task_id)
    await session.delete(task)
    await session.commit()
    return task
