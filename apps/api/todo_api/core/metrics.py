"""Prometheus metrics (prometheus-client): what each worker process counts.

`todo-api serve` runs prometheus-client's multiprocess mode: it points
PROMETHEUS_MULTIPROC_DIR at a fresh private directory before any worker starts, every
worker writes its values there (memory-mapped files), and the server process reads them
all on each scrape, on METRICS_PORT (`core/metrics_server.py`). The mode is chosen when
prometheus-client is first imported, so nothing imported by `todo_api.cli` before that may
import this module. Without the variable (tests, tools) the values live in this process's
default registry.

Labels hold only bounded values: route templates (never a raw path: it holds user ids),
known methods, status codes, tool names, error kinds, engine names. docs/observability.md
lists every metric.
"""

from __future__ import annotations

import platform
import weakref
from importlib import metadata

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import Engine, event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import Pool

from todo_api import __version__

# Seconds. The API answers in milliseconds (a list or create: 2-20 ms); a chat turn with an
# LLM takes seconds, up to LLM_TIMEOUT_SECONDS (<= 50).
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

REQUESTS = Counter(
    "todo_api_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
)
REQUEST_DURATION = Histogram(
    "todo_api_http_request_duration_seconds",
    "Time from receiving an HTTP request to its end, by route template and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
CHAT_TURNS = Counter(
    "todo_api_chat_turns",
    "Chat turns, by the engine that answered (offline or llm) and their outcome.",
    ["engine", "outcome"],
)
TOOL_CALLS = Counter(
    "todo_api_tool_calls",
    "Task tool calls (chat and MCP), by tool and result: ok or the error kind.",
    ["tool", "result"],
)
# Gauges: each worker writes its own value; a scrape sums the live workers'.
DB_POOL_IN_USE = Gauge(
    "todo_api_db_pool_connections_in_use",
    "Database connections checked out of the pools now, all workers together.",
    multiprocess_mode="livesum",
)
DB_POOL_SIZE = Gauge(
    "todo_api_db_pool_size",
    "Connections the pools keep open (pool_size), all workers together.",
    multiprocess_mode="livesum",
)
DB_POOL_MAX_OVERFLOW = Gauge(
    "todo_api_db_pool_max_overflow",
    "Connections the pools may open beyond their size under bursts, all workers together.",
    multiprocess_mode="livesum",
)
BUILD_INFO = Gauge(
    "todo_api_build_info",
    "Always 1; the labels tell the api's version and the Python version.",
    ["version", "python"],
    multiprocess_mode="max",
)

# The methods counted by name; anything else (a client may send any token) is OTHER.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# (route, method, status) -> the label children: one dict lookup per request instead of
# prometheus-client's label validation and locking. Bounded: routes, methods and statuses are.
_request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}


def record_request(route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request: the hot path, called by RequestContextMiddleware."""
    children = _request_children.get((route, method, status))
    if children is None:
        children = _children(route, method, status)
    children[0].inc()
    children[1].observe(seconds)


def _children(route: str, method: str, status: int) -> tuple[Counter, Histogram]:
    label = method if method in _METHODS else "OTHER"
    children = (
        REQUESTS.labels(route, label, str(status)),
        REQUEST_DURATION.labels(route, label),
    )
    if label == method:  # an unknown method is not cached under its own name
        _request_children[(route, method, status)] = children
    return children


def record_chat_turn(engine: str, outcome: str) -> None:
    CHAT_TURNS.labels(engine, outcome).inc()


def record_tool_call(tool: str, result: str) -> None:
    TOOL_CALLS.labels(tool, result).inc()


def api_version() -> str:
    """The installed package's version (its metadata), else the source's."""
    try:
        return metadata.version("todo-api")
    except metadata.PackageNotFoundError:
        return __version__


BUILD_INFO.labels(api_version(), platform.python_version()).set(1)


# ---------------------------------------------------------------- database pools
# The engines of this process. The gauges are set from their pools' own counters at each
# checkout and checkin (not counted up and down by events, which could drift when a checkout
# fails half-way), so that a scrape, in another process, reads current values.
# Weak references, so that an engine nobody untracked does not live on here.
_engines: list[weakref.ref[Engine]] = []


def track_pool(engine: AsyncEngine) -> None:
    """Publish `engine`'s pool in the pool gauges, until `untrack_pool`."""
    sync_engine = engine.sync_engine
    if sync_engine not in _tracked():
        _engines.append(weakref.ref(sync_engine))
        # On the engine, so the listeners move to the new pool that dispose() puts in place.
        event.listen(sync_engine, "checkout", _on_checkout)
        event.listen(sync_engine, "checkin", _on_checkin)
    _set_pool_gauges()


def untrack_pool(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine
    if sync_engine in _tracked():
        _engines[:] = [r for r in _engines if r() not in (None, sync_engine)]
        event.remove(sync_engine, "checkout", _on_checkout)
        event.remove(sync_engine, "checkin", _on_checkin)
    _set_pool_gauges()


def _tracked() -> list[Engine]:
    return [e for e in (r() for r in _engines) if e is not None]


def _on_checkout(_dbapi: object, _record: object, _proxy: object) -> None:
    DB_POOL_IN_USE.set(_in_use())


def _on_checkin(_dbapi: object, _record: object) -> None:
    # The connection being checked in is still counted as out until the event returns.
    DB_POOL_IN_USE.set(max(0, _in_use() - 1))


def _in_use() -> int:
    # At every checkout and checkin: kept to a loop over (usually) one engine.
    total = 0
    for ref in _engines:
        engine = ref()
        if engine is not None:
            total += _count(engine.pool, "checkedout")
    return total


def _set_pool_gauges() -> None:
    pools = [e.pool for e in _tracked()]
    DB_POOL_IN_USE.set(_in_use())
    DB_POOL_SIZE.set(sum(_count(p, "size") for p in pools))
    DB_POOL_MAX_OVERFLOW.set(sum(max(0, int(getattr(p, "_max_overflow", 0))) for p in pools))


def _count(pool: Pool, name: str) -> int:
    # QueuePool (and its async variant) has size() and checkedout(); other pools count 0.
    method = getattr(pool, name, None)
    return int(method()) if method is not None else 0
