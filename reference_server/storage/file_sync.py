"""Shared fsync: callers that wrote to a file wait for one fsync that started after their write.

SQLite commits to its WAL file with `synchronous=NORMAL` (no fsync inside COMMIT, so the write
lock is held for microseconds, not for a disk flush), and the store acknowledges a write only
after this sync of the WAL file returns. An fsync flushes every byte written to the file before
it started, whichever connection or process wrote it, so one fsync serves every writer that
committed before it began: while one runs, the writers that commit meanwhile queue for the
next, and the disk sees one flush per round however many writes and processes share it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path


class SyncFailedError(Exception):
    """The fsync that was to make a write durable failed or did not end in time."""


class _Round:
    """One fsync: whether it has run, and how it ended."""

    __slots__ = ("done", "ended", "error", "started")

    def __init__(self) -> None:
        self.done = False
        self.error: OSError | None = None
        self.started = 0  # CLOCK_MONOTONIC ns, for the request timeline
        self.ended = 0


class FileSync:
    """`sync()` returns once everything written to `path` before the call is on disk.

    `fsync` is the system call (tests pass a slower or failing one). The file is opened on first
    use (SQLite creates its WAL lazily) and opened again if it was replaced; its folder is synced
    once as well, so a new file's name is as durable as its bytes.
    """

    def __init__(self, path: Path, timeout: float, fsync: Callable[[int], None] = os.fsync) -> None:
        self.path = path
        self.timeout = timeout
        self._fsync = fsync
        self._fd: int | None = None
        self._inode: int | None = None
        self._changed = threading.Condition()
        self._running: _Round | None = None
        self._next = _Round()  # the round the writers arriving now wait for

    def sync(self) -> tuple[int, int]:
        """Wait for an fsync that starts after this call; raise `SyncFailedError` if it fails or
        has not ended within `timeout` seconds. Return when that fsync started and ended
        (`time.monotonic_ns()`, for the request timeline)."""
        deadline = time.monotonic() + self.timeout
        with self._changed:
            mine = self._next
            while not mine.done:
                if self._running is None:  # nobody syncs now: run the round we wait for
                    self._running, self._next = mine, _Round()
                    self._changed.release()
                    try:
                        self._run(mine)
                    finally:
                        self._changed.acquire()
                        mine.done = True
                        self._running = None
                        self._changed.notify_all()
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SyncFailedError(f"no fsync of {self.path.name} ended in time")
                self._changed.wait(left)
        if mine.error is not None:
            raise SyncFailedError(f"fsync of {self.path.name} failed: {mine.error}")
        return mine.started, mine.ended

    def _run(self, round_: _Round) -> None:
        round_.started = time.monotonic_ns()
        try:
            self._fsync(self._descriptor())
        except OSError as exc:
            round_.error = exc
        round_.ended = time.monotonic_ns()

    def _descriptor(self) -> int:
        inode = os.stat(self.path).st_ino
        if self._fd is None or inode != self._inode:
            self.close()
            self._fd = os.open(self.path, os.O_RDONLY)
            self._inode = inode
            folder = os.open(self.path.parent, os.O_RDONLY)
            try:
                self._fsync(folder)
            finally:
                os.close(folder)
        return self._fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
