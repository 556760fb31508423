"""PostgreSQL storage (psycopg 3): several server processes can share one database.

Each method is one transaction on a connection of a `psycopg_pool.ConnectionPool`. A merge locks
the run's row (`SELECT ... FOR NO KEY UPDATE`, see `sql.Dialect`) before it reads it, so
concurrent updates from any number of processes are applied one after the other and none is
lost. A write is durable when COMMIT returns (the server's `fsync` and `synchronous_commit` are
PostgreSQL's defaults, left on).

Every wait is bounded by `timeout` (the URL's `?timeout=SECONDS`, default 5): connecting,
waiting for a pooled connection, a lock, a statement. A database that is down, restarting or
overloaded raises `UnavailableError` (the HTTP layer's 503), never hangs; a connection broken by a
restart is noticed before it is used again and replaced, so the store recovers by itself.

The rate-limit buckets (`PostgresBuckets`) share the database, each a row of a table of its own.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

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
    flow_missing,
    link_outside_flow,
    linked_run_missing,
    run_missing,
)
from reference_server.storage.buckets import BucketStore
from reference_server.storage.sql import POSTGRES, Sql

log = logging.getLogger("reference_server.storage")
T = TypeVar("T")
PgConnection = psycopg.Connection[Any]

SQL = Sql(POSTGRES)
SCHEMA_VERSION = 2  # 2: idempotency_keys
DEFAULT_TIMEOUT_SECONDS = 5.0
DEFAULT_POOL_SIZE = 10
# Transactions that lose a deadlock or a serialization race changed nothing; run them again.
RETRIES = 3
# Concurrent first starts of several processes create the schema one at a time under this lock.
SCHEMA_LOCK_KEY = 0x52554E53  # "RUNS"
# Not shared with SQLite: PostgreSQL rows have no load order of their own (hence `seq`), and the
# schema version is kept in a table rather than SQLite's `PRAGMA user_version`.
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
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope TEXT NOT NULL,           -- the caller and the target, hashed
    key TEXT NOT NULL,             -- the Idempotency-Key as sent
    fingerprint TEXT NOT NULL,     -- of the request body
    status INTEGER NOT NULL,       -- the answer to replay
    location TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,  -- Unix time; forgotten after the retention
    PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created_at ON idempotency_keys (created_at);
CREATE TABLE IF NOT EXISTS rate_limit_buckets (
    key TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL   -- Unix time of the last take
);
"""
# Driver errors that mean "the database cannot serve this now" rather than a bug: connection
# failures and shutdowns, timeouts, lock waits, no pooled connection in time and a closed pool
# (all OperationalError in psycopg and psycopg_pool), and a connection that is already closed.
UNAVAILABLE = (psycopg.OperationalError, psycopg.InterfaceError)
RETRYABLE = (pg_errors.DeadlockDetected, pg_errors.SerializationFailure)


class _OneLine(logging.Filter):
    """libpq's messages run over several lines (a hint on the second); the log has one per event."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "\n" in message:
            record.msg, record.args = " ".join(message.split()), None
        return True


# psycopg_pool logs every checkout and return at INFO, three lines a request in a server that
# logs at INFO; its warnings (a failed connection attempt, with the driver's reason) still show.
_pool_log = logging.getLogger("psycopg.pool")
if _pool_log.level == logging.NOTSET:
    _pool_log.setLevel(logging.WARNING)
_pool_log.addFilter(_OneLine())


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
    try:
        conninfo_to_dict(conninfo)  # an unknown libpq parameter fails here, not at each connect
    except psycopg.ProgrammingError as exc:
        raise ValueError(f"DATABASE_URL: {str(exc).strip()}") from None
    return conninfo, timeout, pool_size


def connection_pool(
    name: str, conninfo: str, size: int, timeout: float
) -> ConnectionPool[PgConnection]:
    """A pool that makes at most `size` connections, each checked before it is handed out.

    Small on purpose: the server's worker threads take turns, and a request that cannot get a
    connection within `timeout` is answered 503 instead of queueing without end.
    """
    limit_ms = int(timeout * 1000)
    return ConnectionPool(
        conninfo,
        connection_class=psycopg.Connection,
        kwargs={
            "autocommit": True,  # transactions are explicit: `with conn.transaction()`
            "connect_timeout": max(1, math.ceil(timeout)),  # psycopg makes it at least 2 s
            # A statement or a lock wait that takes longer than `timeout` is cancelled by the
            # server (a database that does not answer at all is the caller's deadline's job).
            "options": f"-c statement_timeout={limit_ms} -c lock_timeout={limit_ms}",
            "application_name": "reference_server",
        },
        # None at start, so a store opens while the database is still down; made on demand.
        min_size=0,
        max_size=size,
        # The longest wait for a connection, a new one being made included: then PoolTimeout.
        timeout=timeout,
        max_waiting=0,  # no queue limit: every waiter leaves after `timeout` anyway
        # A round trip before each use: a restart breaks idle connections without a word, so
        # find out before a transaction starts; a broken one is dropped and the next one tried.
        check=ConnectionPool.check_connection,
        # No background retrying after a failed connection attempt. The pool would retry with
        # growing pauses (1 s, 2 s, 4 s, ...) and start no other attempt meanwhile, so a
        # database that is back would be found only at the next retry; given up at once (after
        # one immediate retry), the next request that needs a connection starts a new attempt.
        reconnect_timeout=0,
        name=name,  # in the pool's log lines
        open=True,
    )


def _unavailable(exc: Exception) -> UnavailableError:
    # The driver's words go to the log (for the operator), never into a response.
    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    log.warning("PostgreSQL unavailable: %s", first_line)
    return UnavailableError("The storage is unavailable.")


class Database:
    """A pool and the schema: run one transaction, translate the driver's errors."""

    def __init__(self, url: str, name: str) -> None:
        conninfo, timeout, size = split_url(url)
        self.timeout = timeout
        self.pool = connection_pool(name, conninfo, size, timeout)
        self._schema_ready = threading.Event()
        self._schema_lock = threading.Lock()

    def transaction(self, work: Callable[[PgConnection], T]) -> T:
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
        if not self._schema_lock.acquire(timeout=self.timeout):
            raise UnavailableError("The storage is busy.")  # another thread is creating it
        try:
            if self._schema_ready.is_set():
                return
            with self.pool.connection() as conn, conn.transaction():
                self._create_schema(conn)
            self._schema_ready.set()
        except UNAVAILABLE as exc:
            raise _unavailable(exc) from exc
        finally:
            self._schema_lock.release()

    @staticmethod
    def _create_schema(conn: PgConnection) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
        exists = conn.execute("SELECT to_regclass('run_store_schema') IS NOT NULL").fetchone()
        found = 0
        if exists and exists[0]:
            row = conn.execute("SELECT max(version) FROM run_store_schema").fetchone()
            found = int(row[0]) if row and row[0] is not None else 0
        if found > SCHEMA_VERSION:
            raise RuntimeError(f"the database has schema {found}, newer than {SCHEMA_VERSION}")
        if found < SCHEMA_VERSION:
            conn.execute(SCHEMA)
            conn.execute("DELETE FROM run_store_schema")
            conn.execute("INSERT INTO run_store_schema (version) VALUES (%s)", (SCHEMA_VERSION,))

    def close(self) -> None:
        self.pool.close()


class PostgresStore(RunStore):
    """`RunStore` on a PostgreSQL database (`postgresql://user@host:port/db?timeout=5`)."""

    def __init__(self, url: str) -> None:
        self._db = Database(url, "runs")
        self.timeout = self._db.timeout

    @classmethod
    def from_url(cls, url: str) -> PostgresStore:
        return cls(url)

    # -- reads ----------------------------------------------------------------------------------

    def get_run(self, flow_id: str, run_id: str) -> StoredRun | None:
        if not _storable(flow_id, run_id):
            return None
        return self._db.transaction(lambda conn: SQL.read_run(conn, flow_id, run_id))

    def flow_exists(self, flow_id: str) -> bool:
        if not _storable(flow_id):
            return False
        return self._db.transaction(lambda conn: SQL.has_flow(conn, flow_id))

    def process_runs(self, flow_id: str, run_id: str) -> list[str]:
        if not _storable(flow_id, run_id):
            return []
        return self._db.transaction(lambda conn: SQL.process_runs(conn, flow_id, run_id))

    def snapshot(self) -> list[FlowRecord]:
        # One REPEATABLE READ transaction: the three reads see the same moment.
        def consistent(conn: PgConnection) -> list[FlowRecord]:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return SQL.snapshot(conn)

        return self._db.transaction(consistent)

    # -- writes ---------------------------------------------------------------------------------

    def load(self, flows: Sequence[FlowRecord]) -> int:
        for flow in flows:
            for run in flow.runs:
                if not _storable(flow.id, run.id, *run.process_runs):
                    raise ValueError(f"run '{run.id}' of flow '{flow.id}': ids cannot hold NUL")

        def write(conn: PgConnection) -> int:
            # Several processes starting together load the same data one at a time.
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
            added = 0
            for flow in flows:
                added += conn.execute(SQL.load_flow, (flow.id,)).rowcount
                for run in flow.runs:
                    added += conn.execute(
                        SQL.load_run, (flow.id, run.id, fields_json(run.fields))
                    ).rowcount
            for flow in flows:
                for run in flow.runs:
                    for linked in run.process_runs:
                        try:
                            with conn.transaction():  # a savepoint, to name the bad link
                                added += conn.execute(
                                    SQL.load_link, (flow.id, run.id, linked)
                                ).rowcount
                        except pg_errors.ForeignKeyViolation:
                            raise link_outside_flow(flow.id, run.id, linked) from None
            return added

        return self._db.transaction(write)

    def create_linked_run(
        self,
        flow_id: str,
        parent_run_id: str,
        new_run_id: str,
        fields: Mapping[str, JSON],
        *,
        key: IdempotencyKey | None = None,
    ) -> StoredRun:
        if not _storable(flow_id):
            raise flow_missing(flow_id)
        if not _storable(parent_run_id):
            raise run_missing(flow_id, parent_run_id)
        return self._db.transaction(
            lambda conn: SQL.create_linked_run(
                conn, flow_id, parent_run_id, new_run_id, fields, key
            )
        )

    def link_run(
        self,
        flow_id: str,
        run_id: str,
        linked_run_id: str,
        *,
        key: IdempotencyKey | None = None,
    ) -> StoredRun:
        if not _storable(flow_id):
            raise flow_missing(flow_id)
        if not _storable(run_id):
            raise run_missing(flow_id, run_id)
        if not _storable(linked_run_id):
            raise linked_run_missing(flow_id, linked_run_id)
        return self._db.transaction(
            lambda conn: SQL.link_run(conn, flow_id, run_id, linked_run_id, key)
        )

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
        return self._db.transaction(
            lambda conn: SQL.update_run(conn, flow_id, run_id, changes, process_of, precondition)
        )

    def close(self) -> None:
        self._db.close()


class PostgresBuckets(BucketStore):
    """`BucketStore` on the PostgreSQL database of `DATABASE_URL`, in the table `SCHEMA` creates
    with the runs'. A pool of its own: a process with rate limiting on holds up to twice
    `pool_size` connections."""

    def __init__(self, url: str) -> None:
        self._db = Database(url, "rate-limit buckets")
        self.timeout = self._db.timeout

    @classmethod
    def from_url(cls, url: str) -> PostgresBuckets:
        return cls(url)

    def take(self, key: str, *, per_second: float, burst: float, now: float) -> float:
        prune_before = self.prune_before(now, per_second, burst)

        def write(conn: PgConnection) -> float:
            return SQL.take_token(
                conn, key, per_second=per_second, burst=burst, now=now, prune_before=prune_before
            )

        return self._db.transaction(write)

    def close(self) -> None:
        self._db.close()


ENGINE = Engine(
    schemes=("postgresql", "postgres"),
    runs=PostgresStore.from_url,
    buckets=PostgresBuckets.from_url,
)
