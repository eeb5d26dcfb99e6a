"""The floor: the least Python that serves the benchmark's requests with the same SQL, the
same HS256 check and the same JSON shapes as the API. A benchmark fixture, never shipped:
`api:bench` runs it under the same load in the same run, so every figure has a ratio.

No validation beyond what the load needs, no logs, no request ids, no metrics: the distance
between this and the API is what those (and the frameworks) cost.

    uvicorn bench.floor:app --workers 2   # with DATABASE_URL and JWT_SECRET set
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import jwt
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

SECRET = os.environ.get("JWT_SECRET", "")
LIST = (
    "SELECT id, user_id, title, description, completed, created_at, updated_at FROM task"
    " WHERE user_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3"
)
INSERT = (
    "INSERT INTO task (user_id, title, description, completed, created_at, updated_at)"
    " VALUES ($1, $2, $3, false, $4, $4)"
    " RETURNING id, user_id, title, description, completed, created_at, updated_at"
)
RENAME = (
    "UPDATE task SET title = $3, updated_at = $4 WHERE id = $1 AND user_id = $2"
    " RETURNING id, user_id, title, description, completed, created_at, updated_at"
)
TOGGLE = (
    "UPDATE task SET completed = NOT completed, updated_at = $3 WHERE id = $1 AND user_id = $2"
    " RETURNING id, user_id, title, description, completed, created_at, updated_at"
)
pools: list[asyncpg.Pool] = []  # one, once the lifespan has started


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers, "application/json")


def _task(row: asyncpg.Record) -> dict[str, Any]:
    task = dict(row)
    for key in ("created_at", "updated_at"):
        task[key] = task[key].astimezone(UTC).isoformat().replace("+00:00", "Z")
    return task


def _user(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    try:
        claims = jwt.decode(
            token, SECRET, algorithms=["HS256"], options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError:
        return None
    user: str = claims["sub"]
    return user if user == request.path_params["user_id"] else None


async def tasks(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _json({"detail": "unauthorized"}, 401)
    pool = pools[0]
    if request.method == "POST":
        body = orjson.loads(await request.body())
        now = datetime.now(UTC)
        row = await pool.fetchrow(INSERT, user, body["title"], body.get("description"), now)
        return _json(_task(row), 201)
    limit = int(request.query_params.get("limit", 100))
    offset = int(request.query_params.get("offset", 0))
    rows = await pool.fetch(LIST, user, limit + 1, offset)
    headers = {"link": '<next>; rel="next"'} if len(rows) > limit else None
    return _json([_task(r) for r in rows[:limit]], 200, headers)


async def one_task(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _json({"detail": "unauthorized"}, 401)
    pool = pools[0]
    task_id = int(request.path_params["task_id"])
    now = datetime.now(UTC)
    if request.method == "PUT":
        body = orjson.loads(await request.body())
        row = await pool.fetchrow(RENAME, task_id, user, body["title"], now)
    else:  # PATCH .../complete without a body: toggle
        row = await pool.fetchrow(TOGGLE, task_id, user, now)
    if row is None:
        return _json({"detail": f"task {task_id} not found"}, 404)
    return _json(_task(row))


async def healthz(_: Request) -> Response:
    return _json({"status": "ok"})


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    pools.append(await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=2, max_size=20))
    yield
    await pools.pop().close()


app = Starlette(
    routes=[
        Route("/healthz", healthz),
        Route("/api/{user_id}/tasks", tasks, methods=["GET", "POST"]),
        Route("/api/{user_id}/tasks/{task_id:int}", one_task, methods=["PUT"]),
        Route("/api/{user_id}/tasks/{task_id:int}/complete", one_task, methods=["PATCH"]),
    ],
    lifespan=lifespan,
)
