"""Shared fsync: callers that wrote to a file wait for one fsync that started after their write.

SQLite commits to its WAL file with `synchronous=NORMAL` (no fsync inside COMMIT, so the write
lock is held for microseconds, not for a disk flush), and the store acknowledges a write only
after this sync of the WAL file returns. An fsync flushes every byte written to the file before
it started, whichever connection or process wrote it, so one fsync serves every writer that
committed before it began: while one runs, the writers that commit meanwhile queue for the
next, and the disk sees one flush per round however many writes and processes share it.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

# Seconds a busy thread may keep the GIL from the syncing thread (decision D-perf-2).
SWITCH_INTERVAL = 0.0005


class SyncFailedError(Exception):
    """The fsync that was to make a write durable failed or did not end in time."""


class _Round:
    """One fsync: whether it has run, and how it ended."""

    __slots__ = ("done", "ended", "error", "futures", "started")

    def __init__(self) -> None:
        self.done = False
        self.error: OSError | None = None
        self.started = 0  # CLOCK_MONOTONIC ns, for the request timeline
        self.ended = 0
        # Event-loop writers waiting for this round (`wait`), settled together per loop.
        self.futures: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    def settle(self) -> None:
        """Wake the event-loop writers of this round: one call into each loop, not one each."""
        loops: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
        for loop, future in self.futures:
            loops.setdefault(loop, []).append(future)
        for loop, futures in loops.items():
            with suppress(RuntimeError):  # that loop has closed: nobody waits any more
                loop.call_soon_threadsafe(_settle_all, futures)


def _settle_all(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():
            future.set_result(None)


class FileSync:
    """`sync()` returns once everything written to `path` before the call is on disk.

    `fsync` is the system call (tests pass a slower or failing one). The file is opened on first
    use (SQLite creates its WAL lazily) and opened again if it was replaced; its folder is synced
    once as well, so a new file's name is as durable as its bytes.

    `wait()` is the same for a writer on an event loop: the round it joins is run by a thread of
    this object's own (or by a thread caller of `sync` that gets there first), and the loop is
    woken once per round. `after_round`, when given, runs in that thread after each round (the
    store checkpoints its WAL there, off the event loop).
    """

    def __init__(
        self,
        path: Path,
        timeout: float,
        fsync: Callable[[int], None] = os.fsync,
        after_round: Callable[[], None] | None = None,
    ) -> None:
        self.path = path
        self.timeout = timeout
        self._fsync = fsync
        self._after_round = after_round
        self._syncer: threading.Thread | None = None
        self._closed = False
        self._fd: int | None = None
        self._inode: int | None = None
        self._changed = threading.Condition()
        self._running: _Round | None = None
        self._next = _Round()  # the round the writers arriving now wait for

    def sync(self) -> tuple[int, int]:
        """Wait for an fsync that starts after this call; raise `SyncFailedError` if it fails or
        has not ended within `timeout` seconds. Return when that fsync started and ended
        (`time.monotonic_ns()`)."""
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
                        self._finish(mine)
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SyncFailedError(f"no fsync of {self.path.name} ended in time")
                self._changed.wait(left)
        if mine.error is not None:
            raise SyncFailedError(f"fsync of {self.path.name} failed: {mine.error}")
        return mine.started, mine.ended

    async def wait(self) -> tuple[int, int]:
        """`sync` for a writer on an event loop: the fsync runs in another thread while the loop
        serves other requests."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._changed:
            if self._closed:
                raise SyncFailedError(f"{self.path.name} is closed")
            mine = self._next
            mine.futures.append((loop, future))
            if self._syncer is None:
                # A thread that wants the GIL waits for the holder to drop it, which a busy
                # event loop does every `sys.getswitchinterval()` (5 ms by default): the
                # syncing thread would wait that long after each fsync to wake the writers.
                sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
                self._syncer = threading.Thread(
                    target=self._serve, name=f"fsync {self.path.name}", daemon=True
                )
                self._syncer.start()
            self._changed.notify_all()
        try:
            async with asyncio.timeout(self.timeout):
                await future
        except TimeoutError:
            raise SyncFailedError(f"no fsync of {self.path.name} ended in time") from None
        if mine.error is not None:
            raise SyncFailedError(f"fsync of {self.path.name} failed: {mine.error}")
        return mine.started, mine.ended

    def _serve(self) -> None:
        """The syncing thread: runs a round whenever an event-loop writer waits for one."""
        with self._changed:
            while not self._closed:
                mine = self._next
                if not mine.futures or self._running is not None:
                    self._changed.wait()
                    continue
                self._running, self._next = mine, _Round()
                self._changed.release()
                try:
                    self._run(mine)
                finally:
                    self._changed.acquire()
                    self._finish(mine)
                if self._after_round is not None:
                    self._changed.release()
                    try:
                        self._after_round()
                    finally:
                        self._changed.acquire()

    def _finish(self, round_: _Round) -> None:
        """With `_changed` held: the round is over; wake everyone who waits for it."""
        round_.done = True
        self._running = None
        round_.settle()
        self._changed.notify_all()

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

    def stop(self) -> None:
        """Stop the syncing thread (after the round it runs, if any) and close the file."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
            syncer, self._syncer = self._syncer, None
        if syncer is not None and syncer is not threading.current_thread():
            syncer.join(self.timeout)
        self.close()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
