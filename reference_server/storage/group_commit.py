"""Group commit: writes that arrive while a commit is under way share the next one.

One connection commits one transaction at a time, so each write on its own would cost a
transaction (and, across processes, a turn at the database's write lock). Here each write joins
a queue, and whichever writer gets the connection next runs every queued write in one
transaction (each in a savepoint of its own, so one that fails is undone alone) and commits
once, holding the processes' turn at writing (`writer_lock`) from BEGIN to COMMIT. Then it
hands the connection to the next batch and waits for `durable` (the shared fsync of
`file_sync`) outside the lock, so the next batch commits while this one's flush runs. Every
writer returns only once its write is on disk: what a caller was told is stored survives a
crash.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, Generic, TypeVar

from reference_server.storage import timing
from reference_server.storage.base import KeyAnsweredError
from reference_server.storage.writer_lock import WriterLock

T = TypeVar("T")


class _Write(Generic[T]):
    """One queued write: the work, then its result or its error."""

    __slots__ = ("applied", "done", "error", "marks", "result", "taken", "work")

    def __init__(self, work: Callable[[sqlite3.Connection], T]) -> None:
        self.work = work
        self.marks = timing.current()  # its request's timeline, when the bench asks for one
        self.taken = False  # a batch holds it: that batch's leader finishes it
        self.applied = False  # its statements ran; it stands or falls with its batch's commit
        self.done = False
        self.result: T | None = None
        self.error: Exception | None = None

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]  # set when error is None


class GroupCommit:
    """Runs writes on `db`, batched; `lock` guards `db` (readers take it too), and `writer` is
    the turn at writing that the processes sharing the file take one after another.

    `translate` turns an error of the database into the one a caller should see (for example
    "locked" into `UnavailableError`); `busy` makes the error for a writer whose write could
    not start within `timeout` seconds; `durable` returns once every commit made so far is on
    disk, or raises (then the batch's writes fail with `translate` of its error: not confirmed);
    it may return when its fsync started and ended, for the request timeline.
    """

    def __init__(
        self,
        db: sqlite3.Connection,
        lock: threading.Lock,
        writer: WriterLock,
        timeout: float,
        translate: Callable[[Exception], Exception],
        busy: Callable[[], Exception],
        durable: Callable[[], object],
    ) -> None:
        self._db = db
        self._lock = lock
        self._writer = writer
        self._timeout = timeout
        self._translate = translate
        self._busy = busy
        self._durable = durable
        self._queue: list[_Write[Any]] = []
        self._committing = False  # a writer is running a batch; the others wait for it
        self._changed = threading.Condition()  # guards the queue and `_committing`

    def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in a transaction (maybe shared); return its result once that is on disk.

        An exception `work` raises undoes its own changes only, and is raised here.
        """
        write = _Write(work)
        timing.mark("thread")
        deadline = time.monotonic() + self._timeout
        with self._changed:
            self._queue.append(write)
            while self._committing or write.taken:
                if write.done:
                    timing.mark("done")
                    return write.outcome()
                left = deadline - time.monotonic()
                if left <= 0 and not write.taken:  # nobody took it: give up on it
                    self._queue.remove(write)
                    raise self._busy()
                # Once taken, a write is finished by the batch that took it: wait for that.
                self._changed.wait(None if write.taken else left)
            # Ours is still queued and nobody is committing: run everything queued.
            self._committing = True
            batch, self._queue = self._queue, []
            for queued in batch:
                queued.taken = True
        try:
            with self._turn() as ours:
                if ours:
                    _mark(batch, "batch")
                    self._commit(batch)
                    _mark(batch, "committed")
                else:  # a reader, a stuck statement or another process's writer held on
                    self._fail(batch, self._busy())
        finally:
            with self._changed:
                self._committing = False  # the next batch may commit while this one syncs
                self._changed.notify_all()
        try:
            # A replayed key's answer tells the caller that a run is stored: the write that kept
            # the key (maybe another process's, whose sync is still on its way) must be on disk.
            if any(
                (w.applied and w.error is None) or isinstance(w.error, KeyAnsweredError)
                for w in batch
            ):
                synced = self._durable()
                if isinstance(synced, tuple):
                    _mark(batch, "sync_start", synced[0])
                    _mark(batch, "sync_end", synced[1])
        except Exception as exc:  # committed, but not known to be on disk
            self._fail(batch, self._translate(exc))
        finally:
            with self._changed:
                # Nobody may wait for a write that will never be finished.
                self._fail(batch, RuntimeError("the write was interrupted"), applied_too=False)
                for queued in batch:
                    queued.done = True
                self._changed.notify_all()
        timing.mark("done")
        return write.outcome()

    @contextmanager
    def _turn(self) -> Iterator[bool]:
        """The connection (from this process's readers) and then the turn at writing (from the
        other processes' writers), within the timeout: whether both came in time."""
        deadline = time.monotonic() + self._timeout
        if not self._lock.acquire(timeout=self._timeout):
            yield False
            return
        try:
            if not self._writer.acquire(max(0.0, deadline - time.monotonic())):
                yield False
                return
            try:
                yield True
            finally:
                self._writer.release()
        finally:
            self._lock.release()

    def _commit(self, batch: list[_Write[Any]]) -> None:
        """Run `batch` in one transaction and commit it (it is not durable yet)."""
        try:
            self._run(batch)
        except Exception as exc:  # the connection failed between the writes' own statements
            if self._db.in_transaction:
                with suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            self._fail(batch, self._translate(exc))

    def _run(self, batch: list[_Write[Any]]) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        for write in batch:
            db.execute("SAVEPOINT write")
            try:
                write.result = write.work(db)
                write.applied = True
            except Exception as exc:
                write.error = self._translate(exc)  # undone alone; the others go on
                if not db.in_transaction:  # SQLite rolled the whole transaction back itself
                    raise
                db.execute("ROLLBACK TO write")
            db.execute("RELEASE write")
        db.execute("COMMIT")

    @staticmethod
    def _fail(writes: list[_Write[Any]], error: Exception, *, applied_too: bool = True) -> None:
        """Give `error` to every write without an error of its own: those applied (when
        `applied_too`: their commit failed or is not known to be on disk) and those not run."""
        for write in writes:
            if write.error is None and (applied_too or not write.applied):
                write.error = error
                write.result = None


def _mark(batch: list[_Write[Any]], name: str, at: int | None = None) -> None:
    """Mark `name` (now, or `at`) in the timeline of every write of `batch` that has one."""
    timing.mark_each((write.marks for write in batch), name, at)
