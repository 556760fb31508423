"""Writes on the event loop: a store that can write without blocking does so in the request's
own task, and only the wait for its fsync is awaited (decision D-perf-2).

The HTTP layer calls a store's write method through `run_on_loop` when the store says it can
(`RunStore.writes_on_loop`). While the call runs, `pending()` gives the store a `Pending` in which
it leaves the awaitable that makes its write durable; the store's method then commits without
waiting for the disk and returns. When the write would have to wait (another connection or
process holds the database's write lock), the method raises `WouldBlockError` before changing
anything, and the call is tried again on the loop after a short pause; only a lock held for
longer sends it to a worker thread, as every write went before. A write the caller
is told about is on disk either way: `run_on_loop` returns (or raises a replayed key's answer)
only after the awaitable has returned.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TypeVar

from reference_server.storage.base import KeyAnsweredError

T = TypeVar("T")

# A write that would block is tried again on the loop, after these pauses (the last repeats),
# for up to `RETRY_SECONDS`: another process holds SQLite's write lock for the statements
# alone, well under a millisecond unless its process lost its core. Past that the write goes to
# a worker thread, whose wait for the lock is SQLite's own (bounded by the store's timeout).
PAUSES = (0.0, 0.0002, 0.0005, 0.001, 0.002)
RETRY_SECONDS = 0.05


class WouldBlockError(Exception):
    """The write cannot start on the event loop without waiting; nothing was done."""


class Pending:
    """What the loop must await before the write it ran may be acknowledged."""

    __slots__ = ("durable",)

    def __init__(self) -> None:
        self.durable: Callable[[], Awaitable[object]] | None = None


_pending: ContextVar[Pending | None] = ContextVar("loop_write", default=None)


def pending() -> Pending | None:
    """The current loop write's `Pending`; None when the caller is a worker thread (or tests)."""
    return _pending.get()


async def run_on_loop(call: Callable[[], T], in_thread: Callable[[], Awaitable[T]]) -> T:
    """Run `call` (one write method of a store that writes on the loop) here, then await its
    durability; run it through `in_thread` instead if it keeps finding the lock held."""
    mine = Pending()
    give_up = time.monotonic() + RETRY_SECONDS
    tries = 0
    while True:
        try:
            result = _with_pending(mine, call)
            break
        except WouldBlockError:
            if time.monotonic() >= give_up:
                return await in_thread()
            await asyncio.sleep(PAUSES[min(tries, len(PAUSES) - 1)])
            tries += 1
        except KeyAnsweredError:
            if mine.durable is not None:  # the key's write (maybe another process's) must be
                await mine.durable()  # on disk before its answer is replayed
            raise
    if mine.durable is not None:
        await mine.durable()
    return result


def _with_pending(mine: Pending, call: Callable[[], T]) -> T:
    token = _pending.set(mine)
    try:
        return call()
    finally:
        _pending.reset(token)
