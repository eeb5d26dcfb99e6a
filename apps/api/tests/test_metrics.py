"""Prometheus metrics: what is counted and how it is labelled (in process), and a real
`todo-api serve --workers 2` whose metrics port shows both workers in one scrape."""

from __future__ import annotations

import json
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families

from devtools.postgres import free_port
from tests.support import API_ROOT, auth, new_user, run_cli, run_server, wait_for
from todo_api.core.config import ConfigError, Settings, load_settings
from todo_api.main import create_app

REQUESTS = "todo_api_http_requests_total"


def scrape_text(text: str) -> dict[str, Metric]:
    """The exposition, parsed (which fails on anything malformed), by metric name."""
    return {family.name: family for family in text_string_to_metric_families(text)}


def local_scrape() -> dict[str, Metric]:
    return scrape_text(generate_latest(REGISTRY).decode())


def value(metric_name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(metric_name, labels) or 0.0


def requests(route: str, method: str = "GET", status: str = "200") -> float:
    return value(REQUESTS, route=route, method=method, status=status)


# ---------------------------------------------------------------- in process


def test_requests_are_counted_by_route_template_method_and_status(client: TestClient) -> None:
    user = new_user()
    tasks, one = "/api/{user_id}/tasks", "/api/{user_id}/tasks/{task_id}"
    before = {
        "list": requests(tasks),
        "missing": requests(one, status="404"),
        "created": requests(tasks, "POST", "201"),
        "unmatched": requests("<unmatched>", status="404"),
        "other": requests(tasks, "OTHER", "405"),
        "seconds": value("todo_api_http_request_duration_seconds_count", route=tasks, method="GET"),
    }
    for _ in range(3):
        assert client.get(f"/api/{user}/tasks", headers=auth(user)).status_code == 200
    assert client.get(f"/api/{user}/tasks/424242", headers=auth(user)).status_code == 404
    created = client.post(f"/api/{user}/tasks", json={"title": "t"}, headers=auth(user))
    assert created.status_code == 201
    assert client.get(f"/no/such/{user}").status_code == 404
    # A made-up method is counted as OTHER, so callers cannot add label values.
    assert client.request("BREW", f"/api/{user}/tasks", headers=auth(user)).status_code == 405

    assert requests(tasks) - before["list"] == 3
    assert requests(one, status="404") - before["missing"] == 1
    assert requests(tasks, "POST", "201") - before["created"] == 1
    assert requests("<unmatched>", status="404") - before["unmatched"] == 1
    assert requests(tasks, "OTHER", "405") - before["other"] == 1
    seconds = value("todo_api_http_request_duration_seconds_count", route=tasks, method="GET")
    assert seconds - before["seconds"] == 3

    text = generate_latest(REGISTRY).decode()
    families = scrape_text(text)
    assert families["todo_api_http_request_duration_seconds"].type == "histogram"
    assert user not in text and "424242" not in text  # templates only, never a raw path
    # Every /api route label is a template of the route table (other tests' apps add
    # routes of their own, so those are not checked).
    served = set(client.app.openapi()["paths"])  # type: ignore[attr-defined]
    routes = {s.labels["route"] for s in families["todo_api_http_requests"].samples}
    assert {r for r in routes if r.startswith("/api/")} <= served
    assert not [r for r in routes if "user-" in r]  # no test user's id, whichever test ran
    methods = {s.labels["method"] for s in families["todo_api_http_requests"].samples}
    assert "BREW" not in methods


def test_a_chat_turn_counts_the_turn_and_its_tool_calls(client: TestClient) -> None:
    user = new_user()
    turns = ("todo_api_chat_turns_total", {"engine": "offline", "outcome": "ok"})
    added = ("todo_api_tool_calls_total", {"tool": "add_task", "result": "ok"})
    before = {name: value(name, **labels) for name, labels in (turns, added)}

    response = client.post(
        f"/api/{user}/chat", json={"message": "add buy milk"}, headers=auth(user)
    )
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["tool_calls"]] == ["add_task"]

    assert value(turns[0], **turns[1]) - before[turns[0]] == 1
    assert value(added[0], **added[1]) - before[added[0]] == 1
    families = local_scrape()
    assert families["todo_api_chat_turns"].type == "counter"
    assert families["todo_api_tool_calls"].type == "counter"


def test_tool_errors_and_rate_limited_turns_are_counted(settings: Settings) -> None:
    user = new_user()
    limited = ("todo_api_chat_turns_total", {"engine": "offline", "outcome": "rate_limited"})
    missing = ("todo_api_tool_calls_total", {"tool": "complete_task", "result": "not_found"})
    before = {name: value(name, **labels) for name, labels in (limited, missing)}
    app = create_app(settings.model_copy(update={"chat_rate_limit": 1}))
    with TestClient(app) as strict:
        first = strict.post(
            f"/api/{user}/chat", json={"message": "complete task 424242"}, headers=auth(user)
        )
        assert first.status_code == 200
        calls = [(c["name"], c["result"]) for c in first.json()["tool_calls"]]
        assert ("complete_task", "not_found") in [
            (name, result.get("error")) for name, result in calls if isinstance(result, dict)
        ], calls
        second = strict.post(f"/api/{user}/chat", json={"message": "hi"}, headers=auth(user))
        assert second.status_code == 429
    assert value(limited[0], **limited[1]) - before[limited[0]] == 1
    assert value(missing[0], **missing[1]) - before[missing[0]] == 1


def test_pool_gauges_follow_the_connections_in_use(client: TestClient) -> None:
    assert client.get("/readyz").status_code == 200
    families = local_scrape()
    for name in ("db_pool_connections_in_use", "db_pool_size", "db_pool_max_overflow"):
        assert families[f"todo_api_{name}"].type == "gauge"
    assert value("todo_api_db_pool_size") >= 5  # at least this app's pool
    idle = value("todo_api_db_pool_connections_in_use")
    engine = client.app.state.engine  # type: ignore[attr-defined]

    async def while_holding_one() -> float:
        async with engine.connect():
            return value("todo_api_db_pool_connections_in_use")

    assert client.portal is not None
    assert client.portal.call(while_holding_one) == idle + 1
    assert value("todo_api_db_pool_connections_in_use") == idle


def test_build_info_names_the_version_and_python() -> None:
    [sample] = local_scrape()["todo_api_build_info"].samples
    assert sample.name == "todo_api_build_info"
    assert sample.value == 1
    assert sample.labels["version"] == "0.1.0"
    assert sample.labels["python"].startswith("3.")


# ---------------------------------------------------------------- settings


@pytest.mark.parametrize("bad", ["-1", "65536", "metrics", "9464.5"])
def test_a_bad_metrics_port_is_refused_by_name(bad: str) -> None:
    with pytest.raises(ConfigError, match="METRICS_PORT"):
        load_settings(_env_file=None, metrics_port=bad)


def test_metrics_port_defaults_to_9464_and_0_turns_it_off() -> None:
    assert load_settings(_env_file=None).metrics_port == 9464
    assert load_settings(_env_file=None, metrics_port="0").metrics_port == 0


def test_serve_refuses_a_bad_metrics_port_before_starting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "METRICS_PORT"}
    bad = run_cli("serve", cwd=tmp_path, env={**env, "METRICS_PORT": "99999"})
    assert bad.returncode == 2
    assert "METRICS_PORT" in bad.stderr
    port = str(free_port())
    same = run_cli("serve", "--port", port, cwd=tmp_path, env={**env, "METRICS_PORT": port})
    assert same.returncode == 2
    assert "METRICS_PORT" in same.stderr and "must differ" in same.stderr


# ---------------------------------------------------------------- a real server


def metrics_directory(server_pid: int) -> Path:
    """Where `todo-api serve` (pid `server_pid`) keeps its workers' files."""
    [directory] = Path(tempfile.gettempdir()).glob(f"todo-api-metrics-{server_pid}-*")
    return directory


def served_per_worker(directory: Path, route: str) -> dict[int, float]:
    """Requests to `route` as each worker's own counter file holds them."""
    counts: dict[int, float] = {}
    for file in directory.glob("counter_*.db"):
        pid = int(file.stem.removeprefix("counter_"))
        counts[pid] = 0.0
        values = MmapedDict.read_all_values_from_file(str(file))  # type: ignore[no-untyped-call]
        for key, count, _ts, _pos in values:
            _metric, sample, labels, _help = json.loads(key)
            if sample == REQUESTS and labels["route"] == route:
                counts[pid] += count
    return counts


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[str, str, int]]:
    """(api URL, metrics URL, server pid) of `todo-api serve --workers 2`."""
    metrics_port = free_port()
    env = {
        "APP_ENV": "development",
        "SQLITE_PATH": str(tmp_path / "dev.sqlite3"),
        "METRICS_PORT": str(metrics_port),
    }
    with run_server(env, tmp_path / "server.log", workers=2) as server:
        yield server.base_url, f"http://127.0.0.1:{metrics_port}/metrics", server.process.pid
    assert not list(Path(tempfile.gettempdir()).glob(f"todo-api-metrics-{server.process.pid}-*"))


def test_one_scrape_counts_every_workers_requests(two_workers: tuple[str, str, int]) -> None:
    base_url, metrics_url, server_pid = two_workers
    directory = metrics_directory(server_pid)
    route = "/api/{user_id}/tasks"
    user = new_user()

    def get(_: int) -> int:
        # A new connection each time, so that either worker may accept it.
        return httpx.get(f"{base_url}/api/{user}/tasks", headers=auth(user), timeout=30).status_code

    sent = 0
    # Until both workers have served some. The server is healthy once one worker answers;
    # on a busy machine the other can take many seconds more to start (CI saw 400 requests
    # all go to the first), so this waits for it, giving up only after two minutes.
    deadline = time.monotonic() + 120
    with ThreadPoolExecutor(8) as pool:
        while time.monotonic() < deadline:
            assert list(pool.map(get, range(40))) == [200] * 40
            sent += 40
            per_worker = served_per_worker(directory, route)
            if len([n for n in per_worker.values() if n > 0]) >= 2:
                break
    # A worker counts a request just after answering it: the last ones may still be on the way.
    per_worker = wait_for(
        lambda: served_per_worker(directory, route), lambda c: sum(c.values()) == sent
    )
    assert len([n for n in per_worker.values() if n > 0]) == 2, per_worker

    response = httpx.get(metrics_url, timeout=10)
    assert response.status_code == 200
    text = response.text
    families = scrape_text(text)
    counted = [
        s.value
        for s in families["todo_api_http_requests"].samples
        if s.name == REQUESTS and s.labels == {"route": route, "method": "GET", "status": "200"}
    ]
    assert counted == [sent]  # one series: every worker's requests, summed
    assert user not in text
    # Each worker's pool (SQLite: 5) in the sum: both workers are alive and counted once.
    [pool_size] = families["todo_api_db_pool_size"].samples
    assert pool_size.value == 10
    [build] = families["todo_api_build_info"].samples
    assert "pid" not in build.labels

    # The API's port does not serve them.
    assert httpx.get(f"{base_url}/metrics").status_code == 404

    # A worker that dies: its requests stay counted, its gauges leave the sum.
    victim = max(per_worker, key=lambda pid: per_worker[pid])
    os.kill(victim, signal.SIGKILL)
    live_file = directory / f"gauge_livesum_{victim}.db"

    def after_scrape() -> tuple[bool, str]:
        return live_file.exists(), httpx.get(metrics_url, timeout=10).text

    _, text = wait_for(after_scrape, lambda r: not r[0], timeout=30)
    counted = [
        s.value
        for s in scrape_text(text)["todo_api_http_requests"].samples
        if s.name == REQUESTS and s.labels == {"route": route, "method": "GET", "status": "200"}
    ]
    assert counted == [sent]


def test_the_runtime_manifest_publishes_the_metrics_port() -> None:
    manifest = json.loads((API_ROOT / "runtime.json").read_text())
    assert manifest["metrics"]["port"] == 9464
    assert manifest["metrics"]["env"] == "METRICS_PORT"
    assert {"name": "METRICS_PORT", "requiredInProduction": False} in manifest["env"]
