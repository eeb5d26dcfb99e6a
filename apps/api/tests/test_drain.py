"""Connection draining (the preStop hook): while it lasts every answer says
`Connection: close` and /readyz is 503; it ends by itself; all workers share it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import todo_api.core.drain as drain_module
from todo_api.core.config import Settings
from todo_api.core.drain import Drain
from todo_api.main import create_app


def _client(settings: Settings, marker: Path) -> TestClient:
    return TestClient(create_app(settings, drain=Drain(marker)), raise_server_exceptions=False)


def test_no_drain_keeps_connections_alive(settings: Settings, tmp_path: Path) -> None:
    with _client(settings, tmp_path / "drain") as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert "connection" not in response.headers


def test_drainz_closes_every_connection_until_it_ends(settings: Settings, tmp_path: Path) -> None:
    with _client(settings, tmp_path / "drain") as client:
        started = time.monotonic()
        response = client.get("/drainz", params={"seconds": 2})
        assert response.status_code == 200
        assert response.json() == {"status": "drained", "seconds": 2.0}
        assert time.monotonic() - started >= 2  # the kubelet waits for the hook
        assert client.get("/healthz").headers["connection"] == "close"  # until it expires

    with _client(settings, tmp_path / "drain2") as client:
        client.app.state.drain.start(30)  # type: ignore[attr-defined]
        health = client.get("/healthz")
        ready = client.get("/readyz")
        tasks = client.get("/api/alice/tasks")
    assert health.headers["connection"] == "close"
    assert ready.status_code == 503
    assert ready.json() == {"status": "not ready", "reason": "draining: the pod is stopping"}
    assert tasks.headers["connection"] == "close"  # errors too (401 here)


def test_a_drain_ends_by_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drain_module, "AFTER_HOOK_SECONDS", 0.1)
    drain = Drain(tmp_path / "drain")
    drain.start(0.2)
    assert drain.active
    time.sleep(0.4)
    assert not drain.active  # a container restarted in the same pod is not stuck draining


def test_workers_of_one_server_drain_together(tmp_path: Path) -> None:
    marker = tmp_path / "drain"
    worker_a, worker_b = Drain(marker), Drain(marker)
    assert not worker_b.active
    worker_a.start(30)
    time.sleep(0.3)  # each worker rereads the shared deadline at most every 0.25 s
    assert worker_b.active


def test_drainz_refuses_nonsense(settings: Settings, tmp_path: Path) -> None:
    with _client(settings, tmp_path / "drain") as client:
        assert client.get("/drainz", params={"seconds": -1}).status_code == 422
        assert client.get("/drainz", params={"seconds": 3600}).status_code == 422
        assert client.get("/drainz", params={"seconds": "soon"}).status_code == 422
        assert not client.app.state.drain.active  # type: ignore[attr-defined]
