"""SQLite storage: one file, WAL journal, `synchronous=FULL`, one transaction per write.

With WAL and FULL, a commit is on disk before the method returns, so a write the server has
acknowledged survives a `kill -9` (and a power cut). One connection is shared by the server's
worker threads behind a lock; `BEGIN IMMEDIATE` makes each write hold the write lock from its
first read, so a merge cannot interleave with another process's write either.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reference_server.storage.base import (
    JSON,
    FlowRecord,
    Precondition,
    RunRecord,
    RunStore,
    StoredRun,
    flow_missing,
    link_missing,
    run_missing,
    stale,
)

SCHEMA_VERSION = 1
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
"""


def _dumps(fields: Mapping[str, JSON]) -> str:
    # ASCII escapes keep any string JSON can carry storable and byte-for-byte reproducible.
    return json.dumps(dict(fields), ensure_ascii=True, separators=(",", ":"), allow_nan=False)


class SqliteStore(RunStore):
    """`RunStore` on one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._create_schema()

    @classmethod
    def from_url(cls, url: str) -> SqliteStore:
        """As SQLAlchemy spells them: `sqlite:///relative/path`, `sqlite:////absolute/path`."""
        parts = urlsplit(url)
        if parts.netloc:
            raise ValueError(f"an sqlite: URL names a file, not a host: {url}")
        raw = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not raw:
            raise ValueError("an sqlite: URL needs a file path, like sqlite:///state/runs.sqlite3")
        return cls(Path(unquote(raw)))

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

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            finally:
                self._db.execute("COMMIT")

    # -- reads ----------------------------------------------------------------------------------

    @staticmethod
    def _run(db: sqlite3.Connection, flow_id: str, run_id: str) -> StoredRun | None:
        row = db.execute(
            "SELECT fields, version FROM runs WHERE flow_id = ? AND id = ?", (flow_id, run_id)
        ).fetchone()
        if row is None:
            return None
        return StoredRun(flow_id=flow_id, id=run_id, fields=json.loads(row[0]), version=row[1])

    @staticmethod
    def _has_flow(db: sqlite3.Connection, flow_id: str) -> bool:
        return (
            db.execute("SELECT 1 FROM incoming_flows WHERE id = ?", (flow_id,)).fetchone()
            is not None
        )

    @staticmethod
    def _links(db: sqlite3.Connection, flow_id: str, run_id: str) -> list[str]:
        rows = db.execute(
            "SELECT linked_run_id FROM process_links"
            " WHERE flow_id = ? AND run_id = ? ORDER BY rowid",
            (flow_id, run_id),
        )
        return [r[0] for r in rows]

    def get_run(self, flow_id: str, run_id: str) -> StoredRun | None:
        with self._read() as db:
            return self._run(db, flow_id, run_id)

    def flow_exists(self, flow_id: str) -> bool:
        with self._read() as db:
            return self._has_flow(db, flow_id)

    def process_runs(self, flow_id: str, run_id: str) -> list[str]:
        with self._read() as db:
            return self._links(db, flow_id, run_id)

    def snapshot(self) -> list[FlowRecord]:
        with self._read() as db:
            flows = []
            for (flow_id,) in db.execute("SELECT id FROM incoming_flows ORDER BY rowid").fetchall():
                runs = [
                    RunRecord(
                        id=run_id,
                        fields=json.loads(fields),
                        process_runs=tuple(self._links(db, flow_id, run_id)),
                    )
                    for run_id, fields in db.execute(
                        "SELECT id, fields FROM runs WHERE flow_id = ? ORDER BY rowid", (flow_id,)
                    ).fetchall()
                ]
                flows.append(FlowRecord(id=flow_id, runs=tuple(runs)))
            return flows

    # -- writes ---------------------------------------------------------------------------------

    def load(self, flows: Sequence[FlowRecord]) -> int:
        added = 0
        with self._write() as db:
            for flow in flows:
                added += db.execute(
                    "INSERT OR IGNORE INTO incoming_flows (id) VALUES (?)", (flow.id,)
                ).rowcount
                for run in flow.runs:
                    added += db.execute(
                        "INSERT OR IGNORE INTO runs (flow_id, id, fields, version)"
                        " VALUES (?, ?, ?, 1)",
                        (flow.id, run.id, _dumps(run.fields)),
                    ).rowcount
            for flow in flows:
                for run in flow.runs:
                    for linked in run.process_runs:
                        try:
                            added += db.execute(
                                "INSERT OR IGNORE INTO process_links"
                                " (flow_id, run_id, linked_run_id) VALUES (?, ?, ?)",
                                (flow.id, run.id, linked),
                            ).rowcount
                        except sqlite3.IntegrityError:
                            raise ValueError(
                                f"run '{run.id}' of flow '{flow.id}' links run '{linked}', "
                                "which is not in that flow"
                            ) from None
        return added

    def create_linked_run(
        self, flow_id: str, parent_run_id: str, new_run_id: str, fields: Mapping[str, JSON]
    ) -> StoredRun:
        with self._write() as db:
            if not self._has_flow(db, flow_id):
                raise flow_missing(flow_id)
            if self._run(db, flow_id, parent_run_id) is None:
                raise run_missing(flow_id, parent_run_id)
            db.execute(
                "INSERT INTO runs (flow_id, id, fields, version) VALUES (?, ?, ?, 1)",
                (flow_id, new_run_id, _dumps(fields)),
            )
            db.execute(
                "INSERT INTO process_links (flow_id, run_id, linked_run_id) VALUES (?, ?, ?)",
                (flow_id, parent_run_id, new_run_id),
            )
        return StoredRun(flow_id=flow_id, id=new_run_id, fields=dict(fields), version=1)

    def update_run(
        self,
        flow_id: str,
        run_id: str,
        changes: Mapping[str, JSON],
        *,
        process_of: str | None = None,
        precondition: Precondition | None = None,
    ) -> StoredRun:
        with self._write() as db:
            if not self._has_flow(db, flow_id):
                raise flow_missing(flow_id)
            if process_of is not None and self._run(db, flow_id, process_of) is None:
                raise run_missing(flow_id, process_of)
            run = self._run(db, flow_id, run_id)
            if run is None:
                raise run_missing(flow_id, run_id)
            if (
                process_of is not None
                and not db.execute(
                    "SELECT 1 FROM process_links"
                    " WHERE flow_id = ? AND run_id = ? AND linked_run_id = ?",
                    (flow_id, process_of, run_id),
                ).fetchone()
            ):
                raise link_missing(flow_id, process_of, run_id)
            if precondition is not None and not precondition.allows(run.version):
                raise stale(run_id, run.version)
            merged = {**run.fields, **changes}
            if merged == run.fields:
                return run  # nothing changes, so the version (the ETag) stays
            db.execute(
                "UPDATE runs SET fields = ?, version = version + 1 WHERE flow_id = ? AND id = ?",
                (_dumps(merged), flow_id, run_id),
            )
        return StoredRun(flow_id=flow_id, id=run_id, fields=merged, version=run.version + 1)

    def close(self) -> None:
        with self._lock:
            self._db.close()
