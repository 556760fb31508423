"""Rate-limit buckets in the server's SQLite file, in a table of their own.

A connection of its own with `synchronous=NORMAL`: in WAL mode a commit then survives the
process being killed (only an OS crash may lose the last takes), and a take costs no fsync, so
limiting requests does not double the disk flushes of the writes it guards.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import suppress

from reference_server.storage.buckets import BucketStore
from reference_server.storage.sqlite import SQL, busy, is_unavailable, parse_url, translated

# As in PostgreSQL but for the type names (REAL is SQLite's DOUBLE PRECISION).
SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_limit_buckets (
    key TEXT PRIMARY KEY,
    tokens REAL NOT NULL,
    updated_at REAL NOT NULL    -- Unix time of the last take
)
"""


class SqliteBuckets(BucketStore):
    """`BucketStore` on the SQLite file of `DATABASE_URL`."""

    def __init__(self, url: str) -> None:
        path, self.timeout = parse_url(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=self.timeout
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._ready = False

    @classmethod
    def from_url(cls, url: str) -> SqliteBuckets:
        return cls(url)

    def take(self, key: str, *, per_second: float, burst: float, now: float) -> float:
        if not self._lock.acquire(timeout=self.timeout):
            raise busy()
        try:
            return self._take(key, per_second, burst, now)
        except sqlite3.OperationalError as exc:
            if is_unavailable(exc):
                raise translated(exc) from exc
            raise
        finally:
            self._lock.release()

    def _take(self, key: str, per_second: float, burst: float, now: float) -> float:
        db = self._db
        if not self._ready:
            db.execute(SCHEMA)
            self._ready = True
        # IMMEDIATE: the write lock from the first read, so processes sharing the file take
        # turns and each sees the tokens the one before left.
        db.execute("BEGIN IMMEDIATE")
        try:
            wait = SQL.take_token(db, key, per_second=per_second, burst=burst, now=now)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                with suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            raise
        return wait

    def close(self) -> None:
        with self._lock:
            self._db.close()
