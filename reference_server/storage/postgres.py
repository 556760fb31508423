"""PostgreSQL storage (psycopg 3): several server processes can share one database.

Each method is one transaction on a pooled connection. A merge locks the run's row
(`SELECT ... FOR NO KEY UPDATE`) before it reads it, so concurrent updates from any number of
processes are applied one after the other and none is lost; `FOR NO KEY UPDATE` still lets an
Add run link a new run to that row (the foreign key takes only a key-share lock). A write is
durable when COMMIT returns (the server's `fsync` and `synchronous_commit` are PostgreSQL's
defaults, left on).

Every wait is bounded by `timeout` (the URL's `?timeout=SECONDS`, default 5): connecting,
waiting for a pooled connection, a lock, a statement. A database that is down, restarting or
overloaded raises `UnavailableError` (the HTTP layer's 503), never hangs; a connection broken by a
restart is noticed before it is used again and replaced, so the store recovers by itself.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus

from reference_server.storage.base import (
    JSON,
    FlowRecord,
    Precondition,
    RunRecord,
    RunStore,
    StoredRun,
    UnavailableError,
    fields_json,
    flow_missing,
    link_missing,
    link_outside_flow,
    merged_fields,
    run_missing,
)
from reference_server.storage.buckets import BucketStore, take_one

log = logging.getLogger("reference_server.storage")
T = TypeVar("T")

SCHEMA_VERSION = 1
DEFAULT_TIMEOUT_SECONDS = 5.0
DEFAULT_POOL_SIZE = 10
# Transactions that lose a deadlock or a serialization race changed nothing; run them again.
RETRIES = 3
# Concurrent first starts of several processes create the schema one at a time under this lock.
SCHEMA_LOCK_KEY = 0x52554E53  # "RUNS"
SCHEMA = """
CREATE TABLE IF NOT EXISTS run_store_schema (
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS incoming_flows (
    seq BIGSERIAL NOT NULL,        -- load order
    id TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS runs (
    seq BIGSERIAL NOT NULL,
    flow_id TEXT NOT NULL REFERENCES incoming_flows (id),
    id TEXT NOT NULL,
    fields TEXT NOT NULL,          -- the run's properties as a JSON object, as SQLite stores them
    version BIGINT NOT NULL,       -- grows by one with every change; the ETag
    PRIMARY KEY (flow_id, id)
);
CREATE TABLE IF NOT EXISTS process_links (
    seq BIGSERIAL NOT NULL,
    flow_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    linked_run_id TEXT NOT NULL,
    PRIMARY KEY (flow_id, run_id, linked_run_id),
    FOREIGN KEY (flow_id, run_id) REFERENCES runs (flow_id, id),
    FOREIGN KEY (flow_id, linked_run_id) REFERENCES runs (flow_id, id)
);
CREATE TABLE IF NOT EXISTS rate_limit_buckets (
    key TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL   -- Unix time of the last take
);
"""
# Driver errors that mean "the database cannot serve this now" rather than a bug: connection
# failures and shutdowns, timeouts, and lock waits (all OperationalError in psycopg), and a
# connection that is already closed.
UNAVAILABLE = (psycopg.OperationalError, psycopg.InterfaceError)
RETRYABLE = (pg_errors.DeadlockDetected, pg_errors.SerializationFailure)
IDLE = TransactionStatus.IDLE


def _storable(*keys: str) -> bool:
    """PostgreSQL text cannot hold NUL, nor strings that are not UTF-8: no such id is stored."""
    for key in keys:
        if "\x00" in key:
            return False
        try:
            key.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def split_url(url: str) -> tuple[str, float, int]:
    """`postgresql://...?timeout=S&pool_size=N` -> (libpq URL, timeout, pool size).

    `timeout` and `pool_size` are this store's; every other query parameter goes to libpq.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"not a PostgreSQL URL: {parts.scheme}:")
    query = parse_qsl(parts.query, keep_blank_values=True)
    ours = {k: v for k, v in query if k in ("timeout", "pool_size")}
    rest = [(k, v) for k, v in query if k not in ours]
    try:
        timeout = float(ours.get("timeout", DEFAULT_TIMEOUT_SECONDS))
        pool_size = int(ours.get("pool_size", DEFAULT_POOL_SIZE))
    except ValueError:
        raise ValueError(
            "timeout must be a number of seconds and pool_size a whole number"
        ) from None
    if not (0 < timeout <= 300 and 0 < pool_size <= 100):
        raise ValueError("timeout must be in (0, 300] seconds and pool_size in 1..100")
    conninfo = urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(rest), ""))
    return conninfo, timeout, pool_size


class Pool:
    """At most `size` connections, each checked before it is handed out again.

    Small on purpose: the server's worker threads take turns, and a request that cannot get a
    connection within `timeout` is answered 503 instead of queueing without end.
    """

    def __init__(self, conninfo: str, size: int, timeout: float) -> None:
        self.conninfo = conninfo
        self.timeout = timeout
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._closed = False
        limit_ms = int(timeout * 1000)
        # A statement or a lock wait that takes longer than `timeout` is cancelled by the server.
        self._options = f"-c statement_timeout={limit_ms} -c lock_timeout={limit_ms}"

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            self.conninfo,
            autocommit=True,  # transactions are explicit: `with conn.transaction()`
            connect_timeout=max(1, math.ceil(self.timeout)),
            options=self._options,
            application_name="reference_server",
        )

    def _take(self) -> psycopg.Connection[Any]:
        while True:
            with self._lock:
                if self._closed:
                    raise UnavailableError("The storage is closed.")
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                return self._connect()
            try:
                # A restart of the database breaks idle connections without a word; find out
                # now, before a transaction starts, so that nothing has to be retried blind.
                conn.execute("SELECT 1")
                return conn
            except UNAVAILABLE:
                conn.close()

    def _give_back(self, conn: psycopg.Connection[Any]) -> None:
        if conn.closed or conn.broken or conn.info.transaction_status != IDLE:
            conn.close()
            return
        with self._lock:
            if self._closed:
                conn.close()
            else:
                self._idle.append(conn)

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        if not self._slots.acquire(timeout=self.timeout):
            raise UnavailableError("Every storage connection is busy.")
        try:
            conn = self._take()
            try:
                yield conn
            finally:
                self._give_back(conn)
        finally:
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def _unavailable(exc: Exception) -> UnavailableError:
    # The driver's words go to the log (for the operator), never into a response.
    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    log.warning("PostgreSQL unavailable: %s", first_line)
    return UnavailableError("The storage is unavailable.")


class _Database:
    """A pool and the schema: run one transaction, translate the driver's errors."""

    def __init__(self, url: str) -> None:
        conninfo, timeout, size = split_url(url)
        self.timeout = timeout
        self.pool = Pool(conninfo, size, timeout)
        self._schema_ready = threading.Event()
        self._schema_lock = threading.Lock()

    def transaction(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """Run `work` in one transaction; retry it when it lost a deadlock or serialization race."""
        self._ensure_schema()
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.pool.connection() as conn, conn.transaction():
                    return work(conn)
            except RETRYABLE:
                if attempt >= RETRIES:
                    raise UnavailableError("The storage is too busy to apply the change.") from None
                time.sleep(0.01 * attempt)
            except UNAVAILABLE as exc:
                raise _unavailable(exc) from exc

    def _ensure_schema(self) -> None:
        # Done on first use rather than in the constructor, so a store can be opened while the
        # database is still down and start working once it is up.
        if self._schema_ready.is_set():
            return
        with self._schema_lock:
            if self._schema_ready.is_set():
                return
            try:
                with self.pool.connection() as conn, conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
                    exists = conn.execute(
                        "SELECT to_regclass('run_store_schema') IS NOT NULL"
                    ).fetchone()
                    found = 0
                    if exists and exists[0]:
                        row = conn.execute("SELECT max(version) FROM run_store_schema").fetchone()
                        found = int(row[0]) if row and row[0] is not None else 0
                    if found > SCHEMA_VERSION:
                        raise RuntimeError(
                            f"the database has schema {found}, newer than {SCHEMA_VERSION}"
                        )
                    if found < SCHEMA_VERSION:
                        conn.execute(SCHEMA)
                        conn.execute("DELETE FROM run_store_schema")
                        conn.execute(
                            "INSERT INTO run_store_schema (version) VALUES (%s)", (SCHEMA_VERSION,)
                        )
            except UNAVAILABLE as exc:
                raise _unavailable(exc) from exc
            self._schema_ready.set()

    def close(self) -> None:
        self.pool.close()


def _run(conn: psycopg.Connection[Any], flow_id: str, run_id: str, lock: bool) -> StoredRun | None:
    sql = "SELECT fields, version FROM runs WHERE flow_id = %s AND id = %s"
    if lock:
        sql += " FOR NO KEY UPDATE"
    row = conn.execute(sql, (flow_id, run_id)).fetchone()
    if row is None:
        return None
    return StoredRun(flow_id=flow_id, id=run_id, fields=json.loads(row[0]), version=int(row[1]))


def _has_flow(conn: psycopg.Connection[Any], flow_id: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM incoming_flows WHERE id = %s", (flow_id,)).fetchone()
        is not None
    )


def _links(conn: psycopg.Connection[Any], flow_id: str, run_id: str) -> list[str]:
    rows = conn.execute(
        "SELECT linked_run_id FROM process_links WHERE flow_id = %s AND run_id = %s ORDER BY seq",
        (flow_id, run_id),
    ).fetchall()
    return [str(r[0]) for r in rows]


class PostgresStore(RunStore):
    """`RunStore` on a PostgreSQL database (`postgresql://user@host:port/db?timeout=5`)."""

    def __init__(self, url: str) -> None:
        self._db = _Database(url)
        self.timeout = self._db.timeout

    @classmethod
    def from_url(cls, url: str) -> PostgresStore:
        return cls(url)

    # -- reads ----------------------------------------------------------------------------------

    def get_run(self, flow_id: str, run_id: str) -> StoredRun | None:
        if not _storable(flow_id, run_id):
            return None
        return self._db.transaction(lambda conn: _run(conn, flow_id, run_id, lock=False))

    def flow_exists(self, flow_id: str) -> bool:
        if not _storable(flow_id):
            return False
        return self._db.transaction(lambda conn: _has_flow(conn, flow_id))

    def process_runs(self, flow_id: str, run_id: str) -> list[str]:
        if not _storable(flow_id, run_id):
            return []
        return self._db.transaction(lambda conn: _links(conn, flow_id, run_id))

    def snapshot(self) -> list[FlowRecord]:
        def read(conn: psycopg.Connection[Any]) -> list[FlowRecord]:
            links: dict[tuple[str, str], list[str]] = {}
            for flow_id, run_id, linked in conn.execute(
                "SELECT flow_id, run_id, linked_run_id FROM process_links ORDER BY seq"
            ).fetchall():
                links.setdefault((flow_id, run_id), []).append(linked)
            runs: dict[str, list[RunRecord]] = {}
            for flow_id, run_id, fields in conn.execute(
                "SELECT flow_id, id, fields FROM runs ORDER BY seq"
            ).fetchall():
                runs.setdefault(flow_id, []).append(
                    RunRecord(
                        id=run_id,
                        fields=json.loads(fields),
                        process_runs=tuple(links.get((flow_id, run_id), ())),
                    )
                )
            flows = conn.execute("SELECT id FROM incoming_flows ORDER BY seq").fetchall()
            return [FlowRecord(id=f, runs=tuple(runs.get(f, ()))) for (f,) in flows]

        # One REPEATABLE READ transaction: the three reads see the same moment.
        def consistent(conn: psycopg.Connection[Any]) -> list[FlowRecord]:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return read(conn)

        return self._db.transaction(consistent)

    # -- writes ---------------------------------------------------------------------------------

    def load(self, flows: Sequence[FlowRecord]) -> int:
        for flow in flows:
            for run in flow.runs:
                if not _storable(flow.id, run.id, *run.process_runs):
                    raise ValueError(f"run '{run.id}' of flow '{flow.id}': ids cannot hold NUL")

        def write(conn: psycopg.Connection[Any]) -> int:
            # Several processes starting together load the same data one at a time.
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
            added = 0
            for flow in flows:
                added += conn.execute(
                    "INSERT INTO incoming_flows (id) VALUES (%s) ON CONFLICT DO NOTHING", (flow.id,)
                ).rowcount
                for run in flow.runs:
                    added += conn.execute(
                        "INSERT INTO runs (flow_id, id, fields, version) VALUES (%s, %s, %s, 1)"
                        " ON CONFLICT DO NOTHING",
                        (flow.id, run.id, fields_json(run.fields)),
                    ).rowcount
            for flow in flows:
                for run in flow.runs:
                    for linked in run.process_runs:
                        try:
                            with conn.transaction():  # a savepoint, to name the bad link
                                added += conn.execute(
                                    "INSERT INTO process_links (flow_id, run_id, linked_run_id)"
                                    " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                                    (flow.id, run.id, linked),
                                ).rowcount
                        except pg_errors.ForeignKeyViolation:
                            raise link_outside_flow(flow.id, run.id, linked) from None
            return added

        return self._db.transaction(write)

    def create_linked_run(
        self, flow_id: str, parent_run_id: str, new_run_id: str, fields: Mapping[str, JSON]
    ) -> StoredRun:
        if not _storable(flow_id):
            raise flow_missing(flow_id)
        if not _storable(parent_run_id):
            raise run_missing(flow_id, parent_run_id)

        def write(conn: psycopg.Connection[Any]) -> StoredRun:
            if not _has_flow(conn, flow_id):
                raise flow_missing(flow_id)
            if _run(conn, flow_id, parent_run_id, lock=False) is None:
                raise run_missing(flow_id, parent_run_id)
            conn.execute(
                "INSERT INTO runs (flow_id, id, fields, version) VALUES (%s, %s, %s, 1)",
                (flow_id, new_run_id, fields_json(fields)),
            )
            conn.execute(
                "INSERT INTO process_links (flow_id, run_id, linked_run_id) VALUES (%s, %s, %s)",
                (flow_id, parent_run_id, new_run_id),
            )
            return StoredRun(flow_id=flow_id, id=new_run_id, fields=dict(fields), version=1)

        return self._db.transaction(write)

    def update_run(
        self,
        flow_id: str,
        run_id: str,
        changes: Mapping[str, JSON],
        *,
        process_of: str | None = None,
        precondition: Precondition | None = None,
    ) -> StoredRun:
        if not _storable(flow_id):
            raise flow_missing(flow_id)
        if process_of is not None and not _storable(process_of):
            raise run_missing(flow_id, process_of)
        if not _storable(run_id):
            raise run_missing(flow_id, run_id)

        def write(conn: psycopg.Connection[Any]) -> StoredRun:
            if not _has_flow(conn, flow_id):
                raise flow_missing(flow_id)
            if process_of is not None and _run(conn, flow_id, process_of, lock=False) is None:
                raise run_missing(flow_id, process_of)
            run = _run(conn, flow_id, run_id, lock=True)
            if run is None:
                raise run_missing(flow_id, run_id)
            if (
                process_of is not None
                and conn.execute(
                    "SELECT 1 FROM process_links"
                    " WHERE flow_id = %s AND run_id = %s AND linked_run_id = %s",
                    (flow_id, process_of, run_id),
                ).fetchone()
                is None
            ):
                raise link_missing(flow_id, process_of, run_id)
            merged = merged_fields(run, changes, precondition)
            if merged is None:
                return run
            conn.execute(
                "UPDATE runs SET fields = %s, version = version + 1 WHERE flow_id = %s AND id = %s",
                (fields_json(merged), flow_id, run_id),
            )
            return StoredRun(flow_id=flow_id, id=run_id, fields=merged, version=run.version + 1)

        return self._db.transaction(write)

    def close(self) -> None:
        self._db.close()


class PostgresBuckets(BucketStore):
    """Rate-limit buckets in the same database, shared by every process that uses it."""

    def __init__(self, url: str) -> None:
        self._db = _Database(url)
        self.timeout = self._db.timeout

    @classmethod
    def from_url(cls, url: str) -> PostgresBuckets:
        return cls(url)

    def take(self, key: str, *, per_second: float, burst: float, now: float) -> float:
        def write(conn: psycopg.Connection[Any]) -> float:
            # Create the bucket full if it is new, then lock it: concurrent takes from any
            # process queue on the row and each sees the tokens the previous one left.
            conn.execute(
                "INSERT INTO rate_limit_buckets (key, tokens, updated_at) VALUES (%s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                (key, burst, now),
            )
            row = conn.execute(
                "SELECT tokens, updated_at FROM rate_limit_buckets WHERE key = %s FOR UPDATE",
                (key,),
            ).fetchone()
            assert row is not None  # inserted above, and buckets are never deleted
            tokens, wait = take_one(float(row[0]), float(row[1]), now, per_second, burst)
            conn.execute(
                "UPDATE rate_limit_buckets SET tokens = %s, updated_at = %s WHERE key = %s",
                (tokens, max(now, float(row[1])), key),
            )
            return wait

        return self._db.transaction(write)

    def close(self) -> None:
        self._db.close()
