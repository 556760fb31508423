"""`LoopBatchedHandler`: log lines written to their stream once per event loop iteration.

The access log writes a line per request. Written one at a time, each line is a `write` system
call on the event loop thread, which lets go of the GIL for it and then waits for it behind the
storage threads (up to a switch interval, `app.SWITCH_INTERVAL_SECONDS`). Lines logged on a
running loop are gathered and written together at the end of the loop's current iteration: the
same lines in the same order, a few callbacks later (the access log's line was written after
its answer went out already). A warning or an error, and a line logged where no loop runs
(start-up, shutdown, another thread), is written at once, after any gathered before it; `flush`
(and so `logging.shutdown`) writes what is gathered.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TextIO


class LoopBatchedHandler(logging.StreamHandler[TextIO]):
    """A `StreamHandler` that writes the lines of one event loop iteration together."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._pending: list[str] = []
        self._last: logging.LogRecord | None = None
        # The thread and loop whose next iteration writes the lines pending.
        self._batch: tuple[int, asyncio.AbstractEventLoop] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        """Called with the handler's lock held (`Handler.handle`)."""
        try:
            line = self.format(record) + self.terminator
        except Exception:
            self.handleError(record)
            return
        self._last = record
        thread = threading.get_ident()
        batch = self._batch
        if record.levelno >= logging.WARNING:
            # A warning or an error is never held: it is often logged just before the answer it
            # explains goes out, and a reader of the log may look for it as soon as it arrives.
            self._pending.append(line)
            self._write_pending()
            return
        if self._pending and batch is not None and batch[0] == thread and batch[1].is_running():
            # This thread's running loop writes the batch already: no look-up of the loop (on
            # Python 3.11 a `getpid` system call each).
            self._pending.append(line)
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._pending.append(line)
            self._write_pending()
            return
        loop.call_soon(self.flush)
        self._batch = (thread, loop)
        self._pending.append(line)

    def flush(self) -> None:
        self.acquire()
        try:
            self._write_pending()
        finally:
            self.release()

    def _write_pending(self) -> None:
        """Write what is gathered and flush the stream (the caller holds the lock)."""
        text = "".join(self._pending)
        self._pending.clear()
        try:
            if text:
                self.stream.write(text)
            if hasattr(self.stream, "flush"):
                self.stream.flush()
        except Exception:
            if self._last is not None:
                self.handleError(self._last)


def flush_logs() -> None:
    """Write the lines gathered so far: for the last ones of a process that may end before its
    loop runs again."""
    for handler in logging.getLogger().handlers:
        handler.flush()
