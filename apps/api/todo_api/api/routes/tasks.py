"""Task routes: /api/{user_id}/tasks, exactly as the contract fixes them."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, HTTPException, Path, Query, Request, Response

from todo_api.api.deps import CurrentUser, DbDep
from todo_api.api.errors import AUTH_RESPONSES, NOT_FOUND_RESPONSES
from todo_api.crud import tasks as crud
from todo_api.crud.tasks import SortField, SortOrder, StatusFilter, TaskNotFoundError, TaskRow
from todo_api.models import MAX_ID, TaskCompletion, TaskCreate, TaskPublic, TaskUpdate

router = APIRouter(prefix="/api/{user_id}/tasks", tags=["tasks"], responses=AUTH_RESPONSES)

TaskId = Annotated[int, Path(ge=1, le=MAX_ID, description="Task id")]
MAX_PAGE = 500


def _not_found(exc: TaskNotFoundError) -> HTTPException:
    return HTTPException(404, str(exc))


# The routes answer with the JSON of TaskPublic (their response_model, which the OpenAPI
# document shows) written directly: FastAPI's validate-then-serialise of the return value
# cost more than the SQL.
def _public(task: TaskRow) -> dict[str, Any]:
    return {
        "title": task.title,
        "description": task.description,
        "id": task.id,
        "user_id": task.user_id,
        "completed": task.completed,
        "created_at": task.created_at,
        "updated_at": task.updated_at,
    }


def _json(body: Any, status: int = 200) -> Response:
    # Times are UTC (crud.tasks.TaskRow): orjson writes them as isoformat() does, with Z.
    return Response(
        orjson.dumps(body, option=orjson.OPT_UTC_Z), status, media_type="application/json"
    )


@router.get("", response_model=list[TaskPublic], summary="List the user's tasks")
async def list_tasks(
    user_id: CurrentUser,
    db: DbDep,
    request: Request,
    status: Annotated[StatusFilter, Query(description="Which tasks to return")] = "all",
    q: Annotated[
        str | None,
        Query(max_length=200, pattern=r"^[^\x00]*$", description="Text in title or description"),
    ] = None,
    sort: Annotated[SortField, Query(description="Sort key")] = "created_at",
    order: Annotated[SortOrder, Query(description="Sort direction")] = "asc",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size")] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID, description="Rows to skip")] = 0,
) -> Response:
    # One row more than the page tells whether a next page exists, without a COUNT.
    rows = await crud.list_tasks(
        db,
        user_id,
        status=status,
        search=q,
        sort=sort,
        order=order,
        limit=limit + 1,
        offset=offset,
    )
    answer = _json([_public(row) for row in rows[:limit]])
    if len(rows) > limit:
        # Relative, so it stays right behind a proxy and never echoes a forged Host.
        query = request.url.include_query_params(offset=offset + limit, limit=limit).query
        answer.headers["Link"] = f'<{request.url.path}?{query}>; rel="next"'
    return answer


@router.post("", status_code=201, response_model=TaskPublic, summary="Create a task")
async def create_task(user_id: CurrentUser, db: DbDep, body: TaskCreate) -> Response:
    return _json(_public(await crud.create_task(db, user_id, body)), 201)


@router.get(
    "/{task_id}", response_model=TaskPublic, responses=NOT_FOUND_RESPONSES, summary="Read one task"
)
async def get_task(user_id: CurrentUser, db: DbDep, task_id: TaskId) -> Response:
    try:
        return _json(_public(await crud.get_task(db, user_id, task_id)))
    except TaskNotFoundError as exc:
        raise _not_found(exc) from None


@router.put(
    "/{task_id}",
    response_model=TaskPublic,
    responses=NOT_FOUND_RESPONSES,
    summary="Change a task's fields",
)
async def update_task(
    user_id: CurrentUser, db: DbDep, task_id: TaskId, body: TaskUpdate
) -> Response:
    try:
        return _json(_public(await crud.update_task(db, user_id, task_id, body)))
    except TaskNotFoundError as exc:
        raise _not_found(exc) from None


@router.delete(
    "/{task_id}", status_code=204, responses=NOT_FOUND_RESPONSES, summary="Delete a task"
)
async def delete_task(user_id: CurrentUser, db: DbDep, task_id: TaskId) -> Response:
    try:
        await crud.delete_task(db, user_id, task_id)
    except TaskNotFoundError as exc:
        raise _not_found(exc) from None
    return Response(status_code=204)


@router.patch(
    "/{task_id}/complete",
    response_model=TaskPublic,
    responses=NOT_FOUND_RESPONSES,
    summary="Mark complete or pending; without a body, toggle",
)
async def complete_task(
    user_id: CurrentUser,
    db: DbDep,
    task_id: TaskId,
    body: Annotated[TaskCompletion | None, Body()] = None,
) -> Response:
    completed = body.completed if body is not None else None
    try:
        return _json(_public(await crud.set_completed(db, user_id, task_id, completed)))
    except TaskNotFoundError as exc:
        raise _not_found(exc) from None
