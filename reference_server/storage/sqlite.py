"""SQLite storage: one file, WAL journal, one transaction per write, on disk before it returns.

The WAL is written with `synchronous=NORMAL` (COMMIT appends to the WAL without waiting for the
disk) and every write method returns only after an fsync of the WAL that started after its
commit (`file_sync`): a write the server has acknowledged survives a `kill -9` and a power cut,
as with `synchronous=FULL`, but the database's write lock is held for the statements alone, not
for the flush. Several processes can write to one file this way (each waits for its own fsync;
the kernel's journal serves them together) without queueing behind each other's disk flushes.

One connection is shared by the process's threads behind a lock; `BEGIN IMMEDIATE` makes each
write hold the write lock from its first read, so a merge cannot interleave with another
process's write either. Writes that arrive together share one transaction (`group_commit`), and
writers whose commits come while an fsync runs share the next fsync.

Every wait is bounded by `timeout` (the URL's `?timeout=SECONDS`, default 5): for the lock
between threads, for SQLite's busy wait on another process's lock, and for the fsync. A file
that stays locked or cannot be written raises `UnavailableError` (the HTTP layer's 503) instead
of hanging.

The rate-limit buckets (`SqliteBuckets`) live in the same file, in a table of their own.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from reference_server.storage.base import (
    JSON,
    Engine,
    FlowRecord,
    IdempotencyKey,
    Precondition,
    RunStore,
    StoredRun,
    UnavailableError,
    fields_json,
    link_outside_flow,
)
from reference_server.storage.buckets import BucketStore
from reference_server.storage.file_sync import FileSync, SyncFailedError
from reference_server.storage.group_commit import GroupCommit
from reference_server.storage.sql import SQLITE, Sql
from reference_server.storage.writer_lock import WriterLock

SQL = Sql(SQLITE)
SCHEMA_VERSION = 2  # 2: idempotency_keys
DEFAULT_TIMEOUT_SECONDS = 5.0
# SQLite's errors that mean "not now" rather than a bug: another connection holds the lock, or
# the file cannot be read or written at the moment. Extended codes (`SQLITE_BUSY_SNAPSHOT`,
# `SQLITE_IOERR_FSYNC`, ...) count with their primary code.
UNAVAILABLE_CODES = (
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_IOERR",
    "SQLITE_CANTOPEN",
    "SQLITE_FULL",
)
# Not shared with PostgreSQL: SQLite keeps load order in its implicit rowid and the schema
# version in `PRAGMA user_version`; PostgreSQL needs a `seq` column and a table for both.
SCHEMA = """
CREATE TABLE IF NOT EXISTS incoming_flows (
    id TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS runs (
    flow_id TEXT NOT NULL REFERENCES incoming_flows (id),
    id TEXT NOT NULL,
    fields TEXT NOT NULL,          -- the run's properties as a JSON object
    version INTEGER NOT NULL,      -- grows by one with every change; the ETag
    PRIMARY KEY (flow_id, id)
);
CREATE TABLE IF NOT EXISTS process_links (
    flow_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    linked_run_id TEXT NOT NULL,
    PRIMARY KEY (flow_id, run_id, linked_run_id),
    FOREIGN KEY (flow_id, run_id) REFERENCES runs (flow_id, id),
    FOREIGN KEY (flow_id, linked_run_id) REFERENCES runs (flow_id, id)
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope TEXT NOT NULL,           -- the caller and the target, hashed
    key TEXT NOT NULL,             -- the Idempotency-Key as sent
    fingerprint TEXT NOT NULL,     -- of the request body
    status INTEGER NOT NULL,       -- the answer to replay
    location TEXT NOT NULL,
    created_at REAL NOT NULL,      -- Unix time; forgotten after the retention
    PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created_at ON idempotency_keys (created_at);
"""


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database file is locked or unusable right now."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    return isinstance(exc, sqlite3.OperationalError) and any(
        name == code or name.startswith(code + "_") for code in UNAVAILABLE_CODES
    )


def translated(exc: Exception) -> Exception:
    """`UnavailableError` for an error that says the file is locked or unusable right now."""
    if is_unavailable(exc):
        error = UnavailableError("The storage is unavailable (the database is locked).")
        error.__cause__ = exc
        return error
    return exc


def busy() -> Exception:
    """The error for a request that waited its whole timeout for the connection's lock."""
    return UnavailableError("The storage is busy.")


def not_confirmed(exc: SyncFailedError) -> UnavailableError:
    """The error for a write that was committed but is not known to be on disk."""
    error = UnavailableError("The storage could not confirm the change (the disk did not sync).")
    error.__cause__ = exc
    return error


def parse_url(url: str) -> tuple[Path, float]:
    """As SQLAlchemy spells them: `sqlite:///relative/path`, `sqlite:////absolute/path`, with an
    optional `?timeout=SECONDS`."""
    parts = urlsplit(url)
    if parts.netloc:
        raise ValueError(f"an sqlite: URL names a file, not a host: {url}")
    raw = parts.path[1:] if parts.path.startswith("/") else parts.path
    if not raw:
        raise ValueError("an sqlite: URL needs a file path, like sqlite:///state/runs.sqlite3")
    timeout = DEFAULT_TIMEOUT_SECONDS
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key != "timeout":
            raise ValueError(f"unknown sqlite: URL parameter {key!r} (known: timeout)")
        try:
            timeout = float(value)
        except ValueError:
            raise ValueError("timeout must be a number of seconds") from None
        if not 0 < timeout <= 300:
            raise ValueError("timeout must be in (0, 300] seconds")
    return Path(unquote(raw)), timeout


@contextmanager
def transaction(
    db: sqlite3.Connection,
    lock: threading.Lock,
    timeout: float,
    begin: str,
    writer: WriterLock | None = None,
) -> Iterator[sqlite3.Connection]:
    """One transaction on `db` (started by `begin`) under `lock` (and for a write, `writer`, the
    processes' turn), committed when the block ends, rolled back when it raises; a database that
    stays locked or cannot be written raises `UnavailableError`."""
    # The thread lock is waited for no longer than SQLite's busy wait: a request queued
    # behind a stuck one gets a 503 in bounded time, not after everyone else's timeout.
    deadline = time.monotonic() + timeout
    if not lock.acquire(timeout=timeout):
        raise busy()
    if writer is not None and not writer.acquire(max(0.0, deadline - time.monotonic())):
        lock.release()
        raise busy()
    try:
        db.execute(begin)
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                with suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            raise
    except sqlite3.OperationalError as exc:
        if is_unavailable(exc):
            raise translated(exc) from exc
        raise
    finally:
        if writer is not None:
            writer.release()
        lock.release()


def writer_lock(path: Path) -> WriterLock:
    """The turn at writing to the database file `path`, on a file beside it."""
    return WriterLock(path.with_name(path.name + "-writer"))


class SqliteStore(RunStore):
    """`RunStore` on one SQLite file."""

    def __init__(
        self,
        path: Path,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        fsync: Callable[[int], None] = os.fsync,
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.timeout = timeout
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=timeout
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # the fsync is `_durable`'s, after COMMIT
        self._db.execute("PRAGMA foreign_keys=ON")
        self._wal = FileSync(path.with_name(path.name + "-wal"), timeout, fsync)
        self._writer = writer_lock(path)
        self._create_schema()
        self._writes = GroupCommit(
            self._db, self._lock, self._writer, timeout, translated, busy, self._durable
        )

    @classmethod
    def from_url(cls, url: str) -> SqliteStore:
        """See `parse_url`."""
        path, timeout = parse_url(url)
        return cls(path, timeout)

    def _create_schema(self) -> None:
        with self._lock:
            (found,) = self._db.execute("PRAGMA user_version").fetchone()
            if found > SCHEMA_VERSION:
                raise RuntimeError(f"{self.path} has schema {found}, newer than {SCHEMA_VERSION}")
            if (
                found < SCHEMA_VERSION
            ):  # a new file; a second reader of an existing one writes nothing
                self._db.executescript(SCHEMA)
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _transaction(
        self, begin: str, writer: WriterLock | None = None
    ) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db, self._lock, self.timeout, begin, writer)

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._transaction("BEGIN IMMEDIATE", self._writer)

    def _durable(self) -> tuple[int, int]:
        """Return once every commit made so far is on disk: when the fsync started and ended."""
        try:
            return self._wal.sync()
        except SyncFailedError as exc:
            raise not_confirmed(exc) from exc

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._transaction("BEGIN")

    # -- reads ----------------------------------------------------------------------------------

    def get_run(self, flow_id: str, run_id: str) -> StoredRun | None:
        with self._read() as db:
            return SQL.read_run(db, flow_id, run_id)

    def flow_exists(self, flow_id: str) -> bool:
        with self._read() as db:
            return SQL.has_flow(db, flow_id)

    def process_runs(self, flow_id: str, run_id: str) -> list[str]:
        with self._read() as db:
            return SQL.process_runs(db, flow_id, run_id)

    def snapshot(self) -> list[FlowRecord]:
        with self._read() as db:  # one read transaction: the reads see the same moment
            return SQL.snapshot(db)

    # -- writes ---------------------------------------------------------------------------------

    def load(self, flows: Sequence[FlowRecord]) -> int:
        added = 0
        with self._write() as db:
            for flow in flows:
                added += db.execute(SQL.load_flow, (flow.id,)).rowcount
                for run in flow.runs:
                    added += db.execute(
                        SQL.load_run, (flow.id, run.id, fields_json(run.fields))
                    ).rowcount
            for flow in flows:
                for run in flow.runs:
                    for linked in run.process_runs:
                        try:
                            added += db.execute(SQL.load_link, (flow.id, run.id, linked)).rowcount
                        except sqlite3.IntegrityError:  # the foreign key: no such run in the flow
                            raise link_outside_flow(flow.id, run.id, linked) from None
        self._durable()
        return added

    def create_linked_run(
        self,
        flow_id: str,
        parent_run_id: str,
        new_run_id: str,
        fields: Mapping[str, JSON],
        *,
        key: IdempotencyKey | None = None,
    ) -> StoredRun:
        return self._writes.run(
            lambda db: SQL.create_linked_run(db, flow_id, parent_run_id, new_run_id, fields, key)
        )

    def link_run(
        self,
        flow_id: str,
        run_id: str,
        linked_run_id: str,
        *,
        key: IdempotencyKey | None = None,
    ) -> StoredRun:
        return self._writes.run(lambda db: SQL.link_run(db, flow_id, run_id, linked_run_id, key))

    def update_run(
        self,
        flow_id: str,
        run_id: str,
        changes: Mapping[str, JSON],
        *,
        process_of: str | None = None,
        precondition: Precondition | None = None,
    ) -> StoredRun:
        return self._writes.run(
            lambda db: SQL.update_run(db, flow_id, run_id, changes, process_of, precondition)
        )

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._wal.close()
            self._writer.close()


# As in PostgreSQL but for the type names (REAL is SQLite's DOUBLE PRECISION).
BUCKETS_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_limit_buckets (
    key TEXT PRIMARY KEY,
    tokens REAL NOT NULL,
    updated_at REAL NOT NULL    -- Unix time of the last take
)
"""


class SqliteBuckets(BucketStore):
    """`BucketStore` on the SQLite file of `DATABASE_URL`, in a table of its own.

    A connection of its own with `synchronous=NORMAL`: in WAL mode a commit then survives the
    process being killed (only an OS crash may lose the last takes), and a take costs no fsync,
    so limiting requests does not double the disk flushes of the writes it guards.
    """

    def __init__(self, url: str) -> None:
        path, self.timeout = parse_url(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=self.timeout
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._writer = writer_lock(path)
        self._ready = False

    @classmethod
    def from_url(cls, url: str) -> SqliteBuckets:
        return cls(url)

    def take(self, key: str, *, per_second: float, burst: float, now: float) -> float:
        # IMMEDIATE: the write lock from the first read, so processes sharing the file take
        # turns and each sees the tokens the one before left.
        with transaction(self._db, self._lock, self.timeout, "BEGIN IMMEDIATE", self._writer) as db:
            if not self._ready:
                db.execute(BUCKETS_SCHEMA)
            wait = SQL.take_token(
                db,
                key,
                per_second=per_second,
                burst=burst,
                now=now,
                prune_before=self.prune_before(now, per_second, burst),
            )
        self._ready = True
        return wait

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._writer.close()


ENGINE = Engine(schemes=("sqlite",), runs=SqliteStore.from_url, buckets=SqliteBuckets.from_url)
