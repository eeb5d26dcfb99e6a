"""The API as a real process (`todo-api serve`): concurrent clients, JSON logs, readiness
across a database outage, and graceful shutdown on SIGTERM."""

from __future__ import annotations

import json
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import psycopg

from devtools.postgres import temporary_server
from tests.conftest import PostgresDatabases
from tests.support import auth, new_user, run_server, server_env, wait_for
from todo_api.core.config import Settings
from todo_api.core.migrate import upgrade_to_head


def test_concurrent_creates_lose_nothing(settings: Settings, tmp_path: Path) -> None:
    clients, per_client = 32, 10
    users = [new_user() for _ in range(4)]
    with run_server(server_env(settings), tmp_path / "server.log", workers=2) as server:

        def create_many(n: int) -> list[int]:
            user = users[n % len(users)]
            with httpx.Client(base_url=server.base_url, headers=auth(user), timeout=30) as http:
                return [
                    http.post(f"/api/{user}/tasks", json={"title": f"c{n}-{i}"}).status_code
                    for i in range(per_client)
                ]

        with ThreadPoolExecutor(clients) as pool:
            statuses = [s for batch in pool.map(create_many, range(clients)) for s in batch]
        assert statuses == [201] * (clients * per_client)

        titles: list[str] = []
        for user in users:
            response = httpx.get(
                f"{server.base_url}/api/{user}/tasks", params={"limit": 500}, headers=auth(user)
            )
            titles += [t["title"] for t in response.json()]
        expected = {f"c{n}-{i}" for n in range(clients) for i in range(per_client)}
        assert sorted(titles) == sorted(expected)  # every create stored exactly once


def test_concurrent_toggles_all_take_effect(settings: Settings, tmp_path: Path) -> None:
    user = new_user()
    with run_server(server_env(settings), tmp_path / "server.log", workers=2) as server:
        base = f"{server.base_url}/api/{user}/tasks"
        task = httpx.post(base, json={"title": "flip"}, headers=auth(user)).json()

        def toggle(_: int) -> int:
            return httpx.patch(
                f"{base}/{task['id']}/complete", headers=auth(user), timeout=30
            ).status_code

        with ThreadPoolExecutor(16) as pool:
            assert list(pool.map(toggle, range(21))) == [200] * 21
        # 21 toggles from pending: completed, whatever the interleaving.
        assert httpx.get(f"{base}/{task['id']}", headers=auth(user)).json()["completed"] is True


def test_several_workers_in_development_migrate_once(tmp_path: Path) -> None:
    env = {"APP_ENV": "development", "SQLITE_PATH": str(tmp_path / "dev.sqlite3")}
    with run_server(env, tmp_path / "server.log", workers=3) as server:
        assert httpx.get(f"{server.base_url}/readyz").status_code == 200
        assert server.process.poll() is None
    assert "already exists" not in (tmp_path / "server.log").read_text()


def test_one_json_log_line_per_request(settings: Settings, tmp_path: Path) -> None:
    user = new_user()
    with run_server(server_env(settings), tmp_path / "server.log") as server:
        response = httpx.get(
            f"{server.base_url}/api/{user}/tasks",
            headers={**auth(user), "X-Request-ID": "trace-me-1"},
        )
        assert response.status_code == 200
        httpx.get(f"{server.base_url}/api/{user}/tasks/7", headers=auth(user))

        def request_records() -> list[dict[str, object]]:
            records = [json.loads(line) for line in server.log_lines() if line.startswith("{")]
            return [r for r in records if r.get("msg") == "request" and r["path"] != "/healthz"]

        requests = wait_for(request_records, lambda found: len(found) >= 2)
        records = [json.loads(line) for line in server.log_lines() if line.startswith("{")]
    assert len(requests) == 2
    first, second = requests
    assert first["method"] == "GET"
    assert first["path"] == "/api/{user_id}/tasks"  # the template, not the user's id
    assert first["status"] == 200
    assert first["request_id"] == "trace-me-1"
    assert isinstance(first["duration_ms"], float)
    assert second["path"] == "/api/{user_id}/tasks/{task_id}"
    assert second["status"] == 404
    assert user not in json.dumps(records)


def test_readiness_follows_the_database_without_restart(tmp_path: Path) -> None:
    with temporary_server(durable=False) as pg:
        url = pg.create_database("ready")
        env = {"APP_ENV": "test", "DATABASE_URL": url}
        upgrade_to_head(Settings(_env_file=None, app_env="test", database_url=url))
        user = new_user()
        with run_server(env, tmp_path / "server.log") as server:
            assert httpx.get(f"{server.base_url}/readyz").status_code == 200

            pg.stop()
            response = httpx.get(f"{server.base_url}/readyz", timeout=10)
            assert response.status_code == 503
            assert response.json()["reason"] == "database unreachable"
            assert httpx.get(f"{server.base_url}/healthz").status_code == 200  # still alive
            outage = httpx.get(
                f"{server.base_url}/api/{user}/tasks", headers=auth(user), timeout=10
            )
            assert outage.status_code == 503
            assert outage.headers["retry-after"] == "2"

            pg.start()
            assert httpx.get(f"{server.base_url}/readyz").status_code == 200
            listed = httpx.get(f"{server.base_url}/api/{user}/tasks", headers=auth(user))
            assert listed.status_code == 200
            assert server.process.poll() is None  # the same process throughout


def test_sigterm_lets_in_flight_requests_finish(
    postgres: PostgresDatabases, tmp_path: Path
) -> None:
    url = postgres.create("graceful")
    upgrade_to_head(Settings(_env_file=None, app_env="test", database_url=url))
    user = new_user()
    with run_server({"APP_ENV": "test", "DATABASE_URL": url}, tmp_path / "server.log") as server:
        plain = url.replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(plain) as blocker:
            # Hold a lock so the create below is still in flight when SIGTERM arrives.
            blocker.execute("LOCK TABLE task IN ACCESS EXCLUSIVE MODE")
            result: dict[str, int] = {}

            def create() -> None:
                response = httpx.post(
                    f"{server.base_url}/api/{user}/tasks",
                    json={"title": "in flight"},
                    headers=auth(user),
                    timeout=30,
                )
                result["status"] = response.status_code

            thread = threading.Thread(target=create)
            thread.start()
            # Wait until the create is really in flight: blocked on our lock in PostgreSQL.
            waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            with psycopg.connect(plain, autocommit=True) as observer:
                wait_for(lambda: observer.execute(waiting).fetchone(), lambda row: row == (1,))
            server.process.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            assert server.process.poll() is None  # waiting for the request
            blocker.rollback()  # release the lock
        thread.join(30)
        assert result == {"status": 201}
        # Uvicorn re-raises the signal once shut down, as process managers expect.
        assert server.process.wait(30) in (0, -signal.SIGTERM)
        assert "Finished server process" in server.log_path.read_text()
    with psycopg.connect(plain) as conn:
        count = conn.execute("SELECT count(*) FROM task WHERE user_id = %s", (user,)).fetchone()
    assert count == (1,)
