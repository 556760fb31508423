"""The SQL both engines run, written once, and the reads and writes made of it.

SQLite and PostgreSQL hold the same tables and read and write them with the same statements. A
`Dialect` names the three things they spell differently:

- placeholders: sqlite3 takes `?`, psycopg `%s` (neither driver takes the other's style);
- load order: SQLite's implicit `rowid`; PostgreSQL rows have no order of their own, so its tables
  carry a `seq` column (BIGSERIAL) instead;
- the row lock of a read that is followed by a write of that row: none in SQLite, whose writes hold
  the database's write lock from `BEGIN IMMEDIATE` on, `FOR NO KEY UPDATE` in PostgreSQL, which
  locks rows (the foreign keys that point at a run take only a key-share lock, so linking a new run
  to a locked one still goes ahead);
- how a write tells that another transaction is writing the same `Idempotency-Key` now: it cannot
  happen in SQLite (one writer at a time: a second request waits, then finds the key kept);
  PostgreSQL takes a transaction-level advisory lock on the key's hash without waiting, and a lock
  held elsewhere means the key is in flight.

What differs beyond that stays with each engine and says why: the schema, how a transaction
starts and commits, and how a data set is loaded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from reference_server.storage.base import (
    JSON,
    FlowRecord,
    IdempotencyKey,
    KeyAnsweredError,
    KeyedAnswer,
    Precondition,
    RunRecord,
    StoredRun,
    fields_json,
    flow_missing,
    key_in_flight,
    key_reused,
    link_missing,
    linked_run_missing,
    merged_fields,
    run_missing,
)
from reference_server.storage.buckets import take_one


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """What an sqlite3 and a psycopg connection both offer: `execute` giving a cursor."""

    def execute(self, statement: str, params: Sequence[Any] = ..., /) -> Cursor: ...


@dataclass(frozen=True)
class Dialect:
    """How one engine spells what the shared statements leave open (see above)."""

    placeholder: str
    load_order: str
    row_lock: str
    key_lock: str | None = None

    def spell(self, statement: str) -> str:
        if "%" in statement:  # psycopg would read it as a placeholder
            raise ValueError(f"a shared statement cannot hold '%': {statement}")
        return statement.replace("?", self.placeholder).replace("{order}", self.load_order)


SQLITE = Dialect(placeholder="?", load_order="rowid", row_lock="")
POSTGRES = Dialect(
    placeholder="%s",
    load_order="seq",
    row_lock=" FOR NO KEY UPDATE",
    key_lock="SELECT pg_try_advisory_xact_lock(hashtextextended(?, 0))",
)


class Sql:
    """The shared statements spelled for one engine, and the reads and writes made of them.

    `Sql(SQLITE)`; each method runs inside the caller's transaction on `db`.
    """

    def __init__(self, dialect: Dialect) -> None:
        sql = dialect.spell  # every statement is written once, in SQLite's spelling
        self.run = sql("SELECT fields, version FROM runs WHERE flow_id = ? AND id = ?")
        self.run_to_change = self.run + dialect.row_lock
        self.flow = sql("SELECT 1 FROM incoming_flows WHERE id = ?")
        self.links = sql(
            "SELECT linked_run_id FROM process_links WHERE flow_id = ? AND run_id = ?"
            " ORDER BY {order}"
        )
        self.linked = sql(
            "SELECT 1 FROM process_links WHERE flow_id = ? AND run_id = ? AND linked_run_id = ?"
        )
        self.add_run = sql("INSERT INTO runs (flow_id, id, fields, version) VALUES (?, ?, ?, 1)")
        self.add_link = sql(
            "INSERT INTO process_links (flow_id, run_id, linked_run_id) VALUES (?, ?, ?)"
        )
        self.change_run = sql(
            "UPDATE runs SET fields = ?, version = version + 1 WHERE flow_id = ? AND id = ?"
        )
        # Loading adds what is missing and never overwrites; both engines know ON CONFLICT.
        # Linking a run that is linked already leaves the one link there is (a retry is safe).
        self.load_flow = sql("INSERT INTO incoming_flows (id) VALUES (?) ON CONFLICT DO NOTHING")
        self.load_run = self.add_run + " ON CONFLICT DO NOTHING"
        self.load_link = self.add_link + " ON CONFLICT DO NOTHING"
        self.all_flows = sql("SELECT id FROM incoming_flows ORDER BY {order}")
        self.all_runs = sql("SELECT flow_id, id, fields FROM runs ORDER BY {order}")
        self.all_links = sql(
            "SELECT flow_id, run_id, linked_run_id FROM process_links ORDER BY {order}"
        )
        self.new_bucket = sql(
            "INSERT INTO rate_limit_buckets (key, tokens, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING"
        )
        self.bucket_to_change = (
            sql("SELECT tokens, updated_at FROM rate_limit_buckets WHERE key = ?")
            + dialect.row_lock
        )
        self.change_bucket = sql(
            "UPDATE rate_limit_buckets SET tokens = ?, updated_at = ? WHERE key = ?"
        )
        self.prune_buckets = sql("DELETE FROM rate_limit_buckets WHERE updated_at < ?")
        self.key_lock = sql(dialect.key_lock) if dialect.key_lock else None
        self.forget_keys = sql("DELETE FROM idempotency_keys WHERE created_at < ?")
        self.kept_key = sql(
            "SELECT fingerprint, status, location FROM idempotency_keys WHERE scope = ? AND key = ?"
        )
        self.keep_key_statement = sql(
            "INSERT INTO idempotency_keys (scope, key, fingerprint, status, location, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
        )

    # -- reads ----------------------------------------------------------------------------------

    def read_run(
        self, db: Connection, flow_id: str, run_id: str, *, to_change: bool = False
    ) -> StoredRun | None:
        """The run; with `to_change`, locked until the transaction ends (see `Dialect.row_lock`)."""
        statement = self.run_to_change if to_change else self.run
        row = db.execute(statement, (flow_id, run_id)).fetchone()
        if row is None:
            return None
        fields = json.loads(row[0])
        return StoredRun(flow_id=flow_id, id=run_id, fields=fields, version=int(row[1]))

    def has_flow(self, db: Connection, flow_id: str) -> bool:
        return db.execute(self.flow, (flow_id,)).fetchone() is not None

    def process_runs(self, db: Connection, flow_id: str, run_id: str) -> list[str]:
        return [str(row[0]) for row in db.execute(self.links, (flow_id, run_id)).fetchall()]

    def snapshot(self, db: Connection) -> list[FlowRecord]:
        """Everything, in load order; the caller's transaction makes the three reads consistent."""
        linked: dict[tuple[str, str], list[str]] = {}
        for flow_id, run_id, linked_run_id in db.execute(self.all_links).fetchall():
            linked.setdefault((flow_id, run_id), []).append(linked_run_id)
        runs: dict[str, list[RunRecord]] = {}
        for flow_id, run_id, fields in db.execute(self.all_runs).fetchall():
            runs.setdefault(flow_id, []).append(
                RunRecord(
                    id=run_id,
                    fields=json.loads(fields),
                    process_runs=tuple(linked.get((flow_id, run_id), ())),
                )
            )
        flows = db.execute(self.all_flows).fetchall()
        return [FlowRecord(id=flow_id, runs=tuple(runs.get(flow_id, ()))) for (flow_id,) in flows]

    # -- writes ---------------------------------------------------------------------------------

    def check_key(self, db: Connection, key: IdempotencyKey) -> None:
        """Raise what `RunStore` says a kept, reused or in-flight key raises; return when the
        write may go on (the key is new, or was forgotten after the retention)."""
        if self.key_lock is not None:
            (locked,) = db.execute(self.key_lock, (f"{key.scope} {key.key}",)).fetchone()
            if not locked:
                raise key_in_flight()
        db.execute(self.forget_keys, (key.oldest_kept,))
        row = db.execute(self.kept_key, (key.scope, key.key)).fetchone()
        if row is None:
            return
        if str(row[0]) != key.fingerprint:
            raise key_reused()
        raise KeyAnsweredError(KeyedAnswer(status=int(row[1]), location=str(row[2])))

    def keep_key(self, db: Connection, key: IdempotencyKey) -> None:
        """Keep `key` with its answer, in the transaction of the write it answers."""
        answer = key.answer
        kept = db.execute(
            self.keep_key_statement,
            (key.scope, key.key, key.fingerprint, answer.status, answer.location, key.now),
        )
        if kept.rowcount == 0:  # kept meanwhile by a transaction that committed
            raise key_in_flight()

    def create_linked_run(
        self,
        db: Connection,
        flow_id: str,
        parent_run_id: str,
        new_run_id: str,
        fields: Mapping[str, JSON],
        key: IdempotencyKey | None = None,
    ) -> StoredRun:
        """As `RunStore.create_linked_run`."""
        if key is not None:
            self.check_key(db, key)
        if not self.has_flow(db, flow_id):
            raise flow_missing(flow_id)
        if self.read_run(db, flow_id, parent_run_id) is None:
            raise run_missing(flow_id, parent_run_id)
        db.execute(self.add_run, (flow_id, new_run_id, fields_json(fields)))
        db.execute(self.add_link, (flow_id, parent_run_id, new_run_id))
        if key is not None:
            self.keep_key(db, key)
        return StoredRun(flow_id=flow_id, id=new_run_id, fields=dict(fields), version=1)

    def link_run(
        self,
        db: Connection,
        flow_id: str,
        run_id: str,
        linked_run_id: str,
        key: IdempotencyKey | None = None,
    ) -> StoredRun:
        """As `RunStore.link_run`."""
        if run_id == linked_run_id:
            raise ValueError(f"run '{run_id}' cannot be linked into its own process")
        if key is not None:
            self.check_key(db, key)
        if not self.has_flow(db, flow_id):
            raise flow_missing(flow_id)
        if self.read_run(db, flow_id, run_id) is None:
            raise run_missing(flow_id, run_id)
        linked = self.read_run(db, flow_id, linked_run_id)
        if linked is None:
            raise linked_run_missing(flow_id, linked_run_id)
        db.execute(self.load_link, (flow_id, run_id, linked_run_id))
        if key is not None:
            self.keep_key(db, key)
        return linked

    def update_run(
        self,
        db: Connection,
        flow_id: str,
        run_id: str,
        changes: Mapping[str, JSON],
        process_of: str | None,
        precondition: Precondition | None,
    ) -> StoredRun:
        """As `RunStore.update_run`: the run is read locked, so concurrent merges take turns."""
        if not self.has_flow(db, flow_id):
            raise flow_missing(flow_id)
        if process_of is not None and self.read_run(db, flow_id, process_of) is None:
            raise run_missing(flow_id, process_of)
        run = self.read_run(db, flow_id, run_id, to_change=True)
        if run is None:
            raise run_missing(flow_id, run_id)
        if process_of is not None and (
            db.execute(self.linked, (flow_id, process_of, run_id)).fetchone() is None
        ):
            raise link_missing(flow_id, process_of, run_id)
        merged = merged_fields(run, changes, precondition)
        if merged is None:
            return run
        db.execute(self.change_run, (fields_json(merged), flow_id, run_id))
        return StoredRun(flow_id=flow_id, id=run_id, fields=merged, version=run.version + 1)

    def take_token(
        self,
        db: Connection,
        key: str,
        *,
        per_second: float,
        burst: float,
        now: float,
        prune_before: float | None = None,
    ) -> float:
        """As `BucketStore.take`. The bucket is read locked, so concurrent takes from any process
        take turns and each sees the tokens the one before left. With `prune_before`, buckets
        last taken from before then go first (`BucketStore.prune_before`)."""
        if prune_before is not None:
            db.execute(self.prune_buckets, (prune_before,))
        db.execute(self.new_bucket, (key, burst, now))  # a new bucket starts full
        row = db.execute(self.bucket_to_change, (key,)).fetchone()
        assert row is not None  # inserted above, in this transaction
        tokens, updated_at = float(row[0]), float(row[1])
        left, wait = take_one(tokens, updated_at, now, per_second, burst)
        db.execute(self.change_bucket, (left, max(now, updated_at), key))
        return wait
