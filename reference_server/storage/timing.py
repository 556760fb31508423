"""The marks of a request's timeline (`reference_server.timeline`), here so that storage can mark
its steps without knowing HTTP.

Off until `switch_on()` (which the timeline module calls once at start when `SERVER_TIMELINE` is
set): then `mark` is one test of a module flag and nothing else. On, the request's marks are a
dict in a context variable, which anyio's worker threads inherit from the request's task; the
group commit keeps a reference to it so the thread that commits a batch can mark the batch's
steps in every request's timeline. Times are `time.monotonic_ns()` (`CLOCK_MONOTONIC`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextvars import ContextVar, Token

Marks = dict[str, int]

_on = False
_current: ContextVar[Marks | None] = ContextVar("timeline", default=None)


def switch_on() -> None:
    global _on
    _on = True


def is_on() -> bool:
    return _on


def mark(name: str) -> None:
    """Note that the current request reached `name` now (nothing when the timeline is off)."""
    if _on:
        marks = _current.get()
        if marks is not None:
            marks[name] = time.monotonic_ns()


def current() -> Marks | None:
    """The current request's marks, to be filled in later from another thread; None when off."""
    return _current.get() if _on else None


def mark_each(timelines: Iterable[Marks | None], name: str, at: int | None = None) -> None:
    """Mark `name` (now, or at `at`) in each of `timelines` that exists."""
    if _on:
        now = time.monotonic_ns() if at is None else at
        for marks in timelines:
            if marks is not None:
                marks[name] = now


def begin(marks: Marks) -> Token[Marks | None]:
    """Make `marks` the current request's timeline (until `end`)."""
    return _current.set(marks)


def end(token: Token[Marks | None]) -> None:
    _current.reset(token)
