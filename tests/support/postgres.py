"""A throwaway PostgreSQL cluster on 127.0.0.1, for tests that run the server on PostgreSQL.

`initdb` into a temporary folder, `postgres` listening on loopback only with its socket in that
folder, trust authentication (nothing else can reach it), `fsync` left on so that durability
tests mean something. As root the cluster runs as the `postgres` user that Debian's package
creates, because PostgreSQL refuses to run as root. Each test server gets a database of its own.

Not pytest-postgresql (10.0): it runs `pg_ctl` as the current user, with no way to switch to
`postgres`, so as root it stops at "cannot be run as root"; wrapped in `runuser` it started a
cluster and its first database in 1.27 s against 1.12 s here (medians of six, alternated), and
it has no crash stop or freeze, which the durability tests need.
"""

from __future__ import annotations

import os
import pwd
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import psycopg
import pytest

from reference_server.storage import engines
from tooling.processes import free_port

START_TIMEOUT_SECONDS = 60
# The server's own settings override nothing here; these only keep a test cluster small.
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1",
    "-c fsync=on",
    "-c max_connections=200",
    "-c shared_buffers=16MB",
)
# After a crash (the tests stop it with `immediate`), PostgreSQL fsyncs every file of the cluster
# before recovery, one by one: seconds on a busy disk, since `initdb --no-sync` left them all
# unsynced. One syncfs of the file system does the same (PostgreSQL 14 and later, Linux).
RECOVERY_SYNC_OPTION = "-c recovery_init_sync_method=syncfs"


class PostgresMissingError(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def find_bin_dir() -> Path:
    """`PG_BIN`, or the newest `/usr/lib/postgresql/N/bin` (Debian's layout)."""
    configured = os.environ.get("PG_BIN")
    candidates = [Path(configured)] if configured else []
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = [p for p in debian.iterdir() if re.fullmatch(r"[0-9]+", p.name)]
        candidates += [p / "bin" for p in sorted(versions, key=lambda p: int(p.name), reverse=True)]
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    raise PostgresMissingError(
        "PostgreSQL server binaries not found (install Debian's postgresql package with "
        "`make apt-packages`, or set PG_BIN)"
    )


class PostgresCluster:
    """One PostgreSQL cluster of its own; `start()` / `stop()` it, `create_database()` per test.

    Use it as a context manager: the server is always stopped and the folder removed on exit.
    """

    def __init__(self, bin_dir: Path | None = None) -> None:
        self.bin_dir = bin_dir or find_bin_dir()
        self._user = _run_as_user()
        self.root = Path(tempfile.mkdtemp(prefix="runs-postgres-"))
        if self._user is not None:
            shutil.chown(self.root, user=self._user)
        self.data_dir = self.root / "data"
        self.log_path = self.root / "postgres.log"
        self.port = free_port()
        self._initialised = False
        self._frozen = False
        self._spares: _Spares | None = None

    def _command(self, *argv: str) -> list[str]:
        if self._user is None:
            return list(argv)
        return ["runuser", "-u", self._user, "--", *argv]

    def _run(self, *argv: str) -> None:
        result = subprocess.run(
            self._command(*argv), capture_output=True, text=True, check=False, timeout=120
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(argv)} exited with {result.returncode}:\n{result.stdout}"
                f"{result.stderr}\n{self.log()}"
            )

    def log(self) -> str:
        try:
            return self.log_path.read_text("utf-8", errors="replace")
        except OSError:
            return ""

    def start(self) -> PostgresCluster:
        """Create the cluster on first start, then start the server and wait until it accepts."""
        if not self._initialised:
            # --no-sync only skips flushing the fresh, empty cluster; the server runs fsync=on.
            self._run(
                str(self.bin_dir / "initdb"),
                "--pgdata",
                str(self.data_dir),
                "--auth",
                "trust",
                "--username",
                "postgres",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            )
            self._initialised = True
        recovery_sync = [RECOVERY_SYNC_OPTION] if self._syncfs_at_recovery() else []
        options = " ".join([*SERVER_OPTIONS, *recovery_sync, f"-p {self.port}", f"-k {self.root}"])
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "start",
            "--wait",
            f"--timeout={START_TIMEOUT_SECONDS}",
            "--pgdata",
            str(self.data_dir),
            "--log",
            str(self.log_path),
            "--options",
            options,
        )
        return self

    def _syncfs_at_recovery(self) -> bool:
        """Whether this PostgreSQL can syncfs before a crash recovery (14 and later, on Linux)."""
        if not sys.platform.startswith("linux"):
            return False
        version = subprocess.run(
            [str(self.bin_dir / "postgres"), "--version"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        ).stdout
        found = re.search(r"\) ([0-9]+)", version)
        return found is not None and int(found.group(1)) >= 14

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`fast` ends sessions; `immediate` is a crash, recovered on start)."""
        if not (self.data_dir / "postmaster.pid").exists():
            return
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "stop",
            "--wait",
            "--pgdata",
            str(self.data_dir),
            "--mode",
            mode,
        )

    @property
    def running(self) -> bool:
        """Whether the server runs (or at least its postmaster.pid says so)."""
        return (self.data_dir / "postmaster.pid").exists()

    @property
    def frozen(self) -> bool:
        return self._frozen

    def pids(self) -> list[int]:
        """The postmaster and every process it started."""
        postmaster = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
        return [postmaster, *map(int, children)]

    def freeze(self) -> None:
        """SIGSTOP the whole server: it accepts TCP connections (the kernel does) but never
        answers, like a database on a host that hangs."""
        self._frozen = True
        for pid in self.pids():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self.pids():
            os.kill(pid, signal.SIGCONT)
        self._frozen = False

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "runs") -> str:
        """A new empty database; returns its URL."""
        if prefix == "runs" and self._spares is not None:
            spare = self._spares.take()
            if spare is not None:
                return spare
        return self._create_database(prefix)

    def _create_database(self, prefix: str) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')  # the name is ours: hex digits only
        return self.url(name)

    def keep_spares(self, count: int) -> None:
        """Create empty databases ahead, `count` at a time, in a thread: `create_database()`
        hands one out at once instead of waiting a third of a second for `CREATE DATABASE`
        (only for a cluster that the tests never stop or freeze: the session's)."""
        if self._spares is None:
            self._spares = _Spares(lambda: self._create_database("runs"), count)

    def close(self) -> None:
        if self._spares is not None:
            self._spares.close()
            self._spares = None
        try:
            if self._frozen:
                self.thaw()
            # The folder is removed next: a clean stop's checkpoint would write and fsync every
            # database the tests made (seconds on a busy disk) for nobody to read.
            self.stop(mode="immediate")
        finally:
            _remove_in_background(self.root)

    def __enter__(self) -> PostgresCluster:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _Spares:
    """Databases made ahead by a thread, `count` at most waiting; a failure ends the thread, and
    `take()` then answers None (the caller creates one itself, and sees the error)."""

    def __init__(self, create: Callable[[], str], count: int) -> None:
        self._create = create
        self._ready: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._room = threading.Semaphore(count)  # one more is made when one is taken
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._fill, name="spare databases", daemon=True)
        self._thread.start()

    def _fill(self) -> None:
        while not self._closing.is_set():
            if not self._room.acquire(timeout=0.2):
                continue
            try:
                self._ready.put(self._create())
            except (psycopg.Error, OSError):
                return

    def take(self) -> str | None:
        while True:
            try:
                url = self._ready.get(timeout=0.2)
            except queue.Empty:
                if not self._thread.is_alive():
                    return None
                continue
            self._room.release()
            return url

    def close(self) -> None:
        self._closing.set()
        self._thread.join(timeout=30)


def _remove_in_background(folder: Path) -> None:
    """`rm -rf folder` by a process of its own that nobody waits for: a cluster that held the
    tests' databases is hundreds of megabytes, seconds to unlink on a busy disk at the end of a
    run. The shell starts it in the background and exits at once."""
    subprocess.run(
        ["sh", "-c", 'rm -rf -- "$1" &', "sh", str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        timeout=30,
    )


def _run_as_user() -> str | None:
    """PostgreSQL will not run as root: as root, run it as `postgres` (Debian creates it)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresMissingError(
            "running as root, but there is no `postgres` user to run PostgreSQL as"
        ) from None
    return "postgres"


ENGINES = tuple(sorted({engine.name for engine in engines().values()}))
"""Every storage engine of the server, by name: each runs the tests `fresh_database_url` can give
a database of its own."""


def cluster_or_skip() -> PostgresCluster:
    """A cluster, not started; without PostgreSQL installed, skip, except in CI (`CI` set)."""
    try:
        return PostgresCluster()
    except PostgresMissingError as exc:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            raise PostgresMissingError(f"{exc}; CI runs every test on PostgreSQL too") from None
        pytest.skip(str(exc))


def fresh_database_url(engine: str, request: pytest.FixtureRequest, sqlite_dir: Path) -> str:
    """An empty database of `engine`: an SQLite file in `sqlite_dir`, or a new database in the
    session's PostgreSQL cluster (the `postgres` fixture, started only when asked for)."""
    if engine == "sqlite":
        return f"sqlite:///{(sqlite_dir / 'runs.sqlite3').resolve()}"
    if engine == "postgresql":
        cluster: PostgresCluster = request.getfixturevalue("postgres")
        return cluster.create_database()
    raise ValueError(f"unknown engine {engine!r}")
