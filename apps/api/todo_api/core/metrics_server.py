"""The metrics endpoint of `todo-api serve`: a small HTTP server thread in the server's own
process (uvicorn's supervisor with several workers, the reloader with --reload, the one
server process otherwise), on METRICS_PORT, apart from the API's port.

The workers write their values to memory-mapped files in a private directory
(prometheus-client's multiprocess mode, core/metrics.py); each scrape reads all of them, so
one scrape sees every worker. A dead worker's counters stay counted; its gauges are dropped
(`mark_process_dead`) at the next scrape.

Call `prepare()` before anything imports prometheus-client (the mode is fixed then), and
before the workers start (they inherit the directory through the environment).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer

    from prometheus_client.metrics_core import Metric

# prometheus-client's switch for the multiprocess mode: set here, read by the library.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_PREFIX = "todo-api-metrics-"
# `<prefix><pid>-<random>`: the pid of the server that made it, for the clean-up at start.
_DIRECTORY = re.compile(rf"^{re.escape(_PREFIX)}(\d+)-")
# The files of gauges that only count while their process lives (livesum, ...).
_LIVE_GAUGE_FILE = re.compile(r"^gauge_live[a-z]+_(\d+)\.db$")


def prepare() -> Path:
    """A fresh private (0700) directory for the workers' files, named in the environment;
    directories that earlier servers left behind (killed before they could clean up) are
    removed first."""
    parent = Path(tempfile.gettempdir())
    for stale in parent.glob(f"{_PREFIX}*"):
        found = _DIRECTORY.match(stale.name)
        if found is None:
            continue
        pid = int(found.group(1))
        # A directory named with this process's pid is an earlier incarnation's: a restarted
        # container's server has the same pid (1) as the one before it.
        with contextlib.suppress(OSError):
            if stale.stat().st_uid == os.getuid() and (pid == os.getpid() or not _alive(pid)):
                shutil.rmtree(stale, ignore_errors=True)
    directory = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=parent))
    os.environ[MULTIPROC_ENV] = str(directory)
    return directory


@dataclass
class MetricsServer:
    directory: Path
    httpd: WSGIServer
    thread: threading.Thread
    closed: bool = False

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def close(self) -> None:
        """Stop serving and remove the directory; once (a signal handler may call it too)."""
        if self.closed:
            return
        self.closed = True
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
        shutil.rmtree(self.directory, ignore_errors=True)


def start(host: str, port: int, directory: Path) -> MetricsServer:
    """Serve the metrics in `directory` on host:port (any path; /metrics by convention).
    Raises OSError when the port cannot be bound."""
    from prometheus_client import CollectorRegistry, start_http_server, values

    if not values.ValueClass._multiprocess:
        # This process serves requests itself with one worker and no reload; its metrics
        # would stay in memory, where this server never looks.
        raise RuntimeError(f"prometheus-client was imported before {MULTIPROC_ENV} was set")
    registry = CollectorRegistry(auto_describe=False)
    registry.register(WorkersCollector(directory))
    httpd, thread = start_http_server(port, addr=host, registry=registry)
    return MetricsServer(directory, httpd, thread)


class WorkersCollector:
    """Every worker's metrics, merged, after dropping the gauges of workers that died."""

    def __init__(self, directory: Path) -> None:
        from prometheus_client.multiprocess import MultiProcessCollector

        self.directory = directory
        # prometheus-client's multiprocess module has no type annotations.
        self._collector = MultiProcessCollector(None, str(directory))  # type: ignore[no-untyped-call]
        self._lock = threading.Lock()  # scrapes are served on threads

    def collect(self) -> Iterable[Metric]:
        with self._lock:
            self._forget_dead_workers()
            return list(self._collector.collect())  # type: ignore[no-untyped-call]

    def _forget_dead_workers(self) -> None:
        from prometheus_client.multiprocess import mark_process_dead

        pids = {
            int(found.group(1))
            for name in os.listdir(self.directory)
            if (found := _LIVE_GAUGE_FILE.match(name))
        }
        for pid in pids:
            if not _alive(pid):
                with contextlib.suppress(OSError):
                    mark_process_dead(pid, str(self.directory))  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
