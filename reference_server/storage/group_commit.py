"""Group commit: writes that arrive while a commit is on its way to disk share the next one.

With `synchronous=FULL` every commit waits for an fsync, and one connection commits one
transaction at a time, so committing each write on its own caps the server at one write per
fsync however many requests wait. Here each write joins a queue, and whichever writer gets the
connection next runs every queued write in one transaction (each in a savepoint of its own, so
one that fails is undone alone) and commits once. Every writer still returns only after the
commit that holds its write is on disk: what a caller was told is stored survives a crash.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class _Write(Generic[T]):
    """One queued write: the work, then its result or its error."""

    __slots__ = ("done", "error", "result", "work")

    def __init__(self, work: Callable[[sqlite3.Connection], T]) -> None:
        self.work = work
        self.done = False
        self.result: T | None = None
        self.error: Exception | None = None

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]  # set when error is None


class GroupCommit:
    """Runs writes on `db`, batched; `lock` guards `db` (readers take it too).

    `translate` turns an error of the database into the one a caller should see (for example
    "locked" into `UnavailableError`); `busy` makes the error for a writer whose write could
    not start within `timeout` seconds.
    """

    def __init__(
        self,
        db: sqlite3.Connection,
        lock: threading.Lock,
        timeout: float,
        translate: Callable[[Exception], Exception],
        busy: Callable[[], Exception],
    ) -> None:
        self._db = db
        self._lock = lock
        self._timeout = timeout
        self._translate = translate
        self._busy = busy
        self._queue: list[_Write[Any]] = []
        self._committing = False  # a writer is running a batch; the others wait for it
        self._changed = threading.Condition()  # guards the queue and `_committing`

    def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in a transaction (maybe shared) and return its result once committed.

        An exception `work` raises undoes its own changes only, and is raised here.
        """
        write = _Write(work)
        deadline = time.monotonic() + self._timeout
        with self._changed:
            self._queue.append(write)
            while self._committing and not write.done:
                left = deadline - time.monotonic()
                if left <= 0 and write in self._queue:  # nobody took it: give up on it
                    self._queue.remove(write)
                    raise self._busy()
                # Once taken, a write is finished by the batch that took it: wait for that.
                self._changed.wait(left if left > 0 else None)
            if write.done:
                return write.outcome()
            # Ours is still queued and nobody is committing: run everything queued.
            self._committing = True
            batch, self._queue = self._queue, []
        try:
            if self._lock.acquire(timeout=self._timeout):
                try:
                    self._commit(batch)
                finally:
                    self._lock.release()
            else:  # a reader (or a stuck statement) holds the connection
                self._finish(batch, self._busy())
        finally:
            with self._changed:
                self._committing = False
                self._changed.notify_all()
        return write.outcome()

    def _commit(self, batch: list[_Write[Any]]) -> None:
        """Run `batch` in one transaction; every write in it is done when this returns."""
        try:
            self._run(batch)
        except Exception as exc:  # the connection failed between the writes' own statements
            if self._db.in_transaction:
                with suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            self._finish(batch, self._translate(exc))
        finally:
            # Nobody may wait for a write that will never be finished.
            self._finish(batch, RuntimeError("the write was interrupted"))

    def _run(self, batch: list[_Write[Any]]) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        applied: list[_Write[Any]] = []
        for write in batch:
            db.execute("SAVEPOINT write")
            try:
                write.result = write.work(db)
            except Exception as exc:
                write.error = self._translate(exc)
                if not db.in_transaction:  # SQLite rolled the whole transaction back itself
                    raise
                db.execute("ROLLBACK TO write")
                db.execute("RELEASE write")
                write.done = True  # undone alone; the others go on
                continue
            db.execute("RELEASE write")
            applied.append(write)
        db.execute("COMMIT")
        for write in applied:
            write.done = True

    @staticmethod
    def _finish(writes: list[_Write[Any]], error: Exception) -> None:
        """Fail every write of `writes` that is not done yet with `error`."""
        for write in writes:
            if not write.done:
                write.error = error
                write.result = None
                write.done = True
