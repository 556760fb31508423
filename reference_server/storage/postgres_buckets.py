"""Rate-limit buckets in the server's PostgreSQL database, shared by every process that uses it.

The table is created with the runs' schema (`postgres.SCHEMA`). The buckets have a pool of their
own: a process with rate limiting on holds up to twice `pool_size` connections.
"""

from __future__ import annotations

from reference_server.storage.buckets import BucketStore
from reference_server.storage.postgres import SQL, Database, PgConnection


class PostgresBuckets(BucketStore):
    """`BucketStore` on the PostgreSQL database of `DATABASE_URL`."""

    def __init__(self, url: str) -> None:
        self._db = Database(url, "rate-limit buckets")
        self.timeout = self._db.timeout

    @classmethod
    def from_url(cls, url: str) -> PostgresBuckets:
        return cls(url)

    def take(self, key: str, *, per_second: float, burst: float, now: float) -> float:
        def write(conn: PgConnection) -> float:
            return SQL.take_token(conn, key, per_second=per_second, burst=burst, now=now)

        return self._db.transaction(write)

    def close(self) -> None:
        self._db.close()
