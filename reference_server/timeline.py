"""A request's timeline: monotonic timestamps of the steps of each request, for the bench.

Off unless `SERVER_TIMELINE` names a folder when the process starts (read once, at import). Off,
`mark` is one test of a module constant, and the app has no timing middleware. On, every HTTP
request gets a `Timeline` in a context variable (worker threads that anyio starts for the request
see it too); the middleware, the storage and the group commit mark their steps in it, and when the
answer is sent it is appended as one JSON line to `<folder>/timeline-<pid>.jsonl` (buffered,
written out every few hundred requests and at exit). The times are `time.monotonic_ns()`, the
machine's `CLOCK_MONOTONIC`, so a client on the same machine can send its own clock in the
`x-bench-sent` header and the wait before the app (accept, parse, the event loop's queue)
becomes measurable. `bench/timeline.py` reads the files.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
from contextlib import suppress
from pathlib import Path
from typing import IO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reference_server.storage import timing
from tooling.server_env import SERVER_TIMELINE, server_config

FOLDER: Path | None = SERVER_TIMELINE.read(server_config(os.environ))
ENABLED = FOLDER is not None
SENT_HEADER = b"x-bench-sent"  # the client's CLOCK_MONOTONIC in ns when it wrote the request
FLUSH_EVERY = 256

if ENABLED:
    timing.switch_on()


class _Sink:
    """This process's file of timelines, opened on first use (after a worker's fork)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._pending: list[str] = []
        self._file: IO[str] | None = None

    def add(self, marks: dict[str, int]) -> None:
        with self._lock:
            self._pending.append(json.dumps(marks, separators=(",", ":")))
            if len(self._pending) >= FLUSH_EVERY:
                self._flush()

    def _flush(self) -> None:
        if self._file is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._file = open(  # noqa: SIM115 -- kept open for the process's life
                self.folder / f"timeline-{os.getpid()}.jsonl", "a", encoding="utf-8"
            )
            atexit.register(self.close)
        if self._pending:
            self._file.write("\n".join(self._pending) + "\n")
            self._file.flush()
            self._pending.clear()

    def close(self) -> None:
        with self._lock:
            if self._pending or self._file is not None:
                self._flush()


_sink = _Sink(FOLDER) if FOLDER is not None else None


def flush() -> None:
    """Write out what is buffered (the app's lifespan calls it when the server stops)."""
    if _sink is not None:
        _sink.close()


class TimelineMiddleware:
    """Outermost: opens the request's timeline, marks the body's arrival and the answer's
    start and end, and hands the timeline to the sink."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _sink is None:
            await self.app(scope, receive, send)
            return
        marks: dict[str, int] = {"app": time.monotonic_ns()}
        for name, value in scope.get("headers", ()):
            if name == SENT_HEADER:
                with suppress(ValueError):
                    marks["sent"] = int(value)
        token = timing.begin(marks)

        async def receive_marked() -> Message:
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body", False):
                marks["body"] = time.monotonic_ns()
            return message

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                marks["answer"] = time.monotonic_ns()
                marks["status"] = message["status"]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                marks["end"] = time.monotonic_ns()

        try:
            await self.app(scope, receive_marked, send_marked)
        finally:
            timing.end(token)
            _sink.add(marks)


class TimelineMark:
    """Marks `name` when a request reaches this point of the middleware stack."""

    def __init__(self, app: ASGIApp, name: str) -> None:
        self.app = app
        self.name = name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        timing.mark(self.name)
        await self.app(scope, receive, send)
