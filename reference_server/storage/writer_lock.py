"""The turn at writing that the processes sharing one SQLite file take one after another.

SQLite's own write lock is not queued: a writer that finds it taken sleeps (`busy_timeout`: 1, 2,
5, 10 ... up to 100 ms between tries) and tries again, so under load the process that has just
committed takes the lock again before the sleeper wakes, and the other process's writers wait
tens or hundreds of milliseconds (D59). `flock` on a file beside the database is queued by the
kernel, which wakes the waiter as soon as the holder lets go. Each write takes it before `BEGIN
IMMEDIATE` and lets it go after COMMIT, so SQLite's lock is free whenever one of our writers asks
for it; a process that does not take it (the sqlite3 shell) is still waited for by SQLite's busy
wait.

`flock` has no timeout. A turn that is not free at once is waited for by a thread of this lock
(the keeper), and the writer waits for the keeper at most its timeout: one whose turn does not
come in time gets `False` (the store's 503), and the keeper lets the turn go as soon as it gets
it for nobody.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path


class WriterLock:
    """`acquire(timeout)`, then `release()`: one holder at a time across processes.

    Callers of one instance take turns among themselves first (the store's thread lock), so
    at most one thread of the process waits here.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pid = -1
        self._fd = -1
        self._state = threading.Condition()
        self._wanted = False  # a writer waits for the keeper to get the turn
        self._granted = False  # the keeper got it for that writer
        self._keeper_blocked = False  # the keeper is inside flock()
        self._keeper: threading.Thread | None = None
        self._closed = threading.Event()  # read and set under _state
        self._descriptor()

    def _descriptor(self) -> int:
        # An flock belongs to the open file: a forked child opens its own, or it would share
        # the parent's turn instead of waiting for it.
        if self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
            self._keeper = None
        return self._fd

    def acquire(self, timeout: float) -> bool:
        """Take the turn within `timeout` seconds; False when it did not come in time."""
        fd = self._descriptor()
        with self._state:
            if not self._keeper_blocked:  # else the keeper's flock() on this file would race
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    pass
            self._wanted = True
            if self._keeper is None:
                self._keeper = threading.Thread(
                    target=self._keep, args=(fd,), name="sqlite-writer-turn", daemon=True
                )
                self._keeper.start()
            self._state.notify_all()
            granted = self._state.wait_for(lambda: self._granted, timeout)
            self._wanted = False
            self._granted = False
            return granted

    def release(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._state:
            self._closed.set()
            self._state.notify_all()
            if not self._keeper_blocked and self._pid == os.getpid():
                os.close(self._fd)  # a blocked keeper's flock() holds the file until it returns

    def _keep(self, fd: int) -> None:
        """Wait in flock() for each writer that could not take the turn at once."""
        while True:
            with self._state:
                # Not again for a writer it has granted the turn to: that one resets both.
                self._state.wait_for(
                    lambda: (self._wanted and not self._granted) or self._closed.is_set()
                )
                if self._closed.is_set():
                    return
                self._keeper_blocked = True
            fcntl.flock(fd, fcntl.LOCK_EX)
            with self._state:
                self._keeper_blocked = False
                closed = self._closed.is_set()
                if self._wanted and not closed:
                    self._granted = True
                    self._state.notify_all()
                    continue
            fcntl.flock(fd, fcntl.LOCK_UN)  # its writer gave up meanwhile
            if closed:
                os.close(fd)
                return
