"""`within_deadline`: a blocking storage call run in a worker thread, waited for at most a
deadline.

asyncio's own executor hand-off, not anyio's `to_thread` under `fail_after`: the same work (a
thread of a bounded pool, the request's context variables, a timer), but anyio's cancel scope,
capacity limiter and per-call backend lookups cost the event loop a tenth of its time per
request under load (decision D-hotpath-1).
"""

from __future__ import annotations

import asyncio
import contextvars
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from reference_server.storage.base import UnavailableError
from reference_server.storage.timing import mark

T = TypeVar("T")

# As many storage calls at once as anyio's default thread limit allowed before.
WORKER_THREADS = 40

_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    """The process's pool, made on first use: a worker process starts its own, never a copy of
    its parent's (whose threads a fork does not copy)."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(WORKER_THREADS, thread_name_prefix="storage call")
    return _pool


def _forget_pool() -> None:
    global _pool
    _pool = None


os.register_at_fork(after_in_child=_forget_pool)


async def within_deadline(call: Callable[[], T], deadline: float) -> T:
    """Run a blocking storage call in a worker thread; past `deadline` seconds stop waiting and
    raise `UnavailableError`. The thread is left to finish on its own: a database that stopped
    answering holds it, not the request (and not the event loop). A call still queued for a
    thread when the deadline passes never runs. The call sees the request's context variables
    (the timeline's marks)."""
    mark("submit")
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(_executor(), contextvars.copy_context().run, call)
    # A timer that cancels the wait, rather than `asyncio.timeout`: the same deadline without
    # its task bookkeeping (and on Python 3.11 each look-up of the running loop asks the
    # kernel for the process id).
    expired = False

    def expire() -> None:
        nonlocal expired
        expired = True
        future.cancel()

    timer = loop.call_later(deadline, expire)
    try:
        result = await future
    except asyncio.CancelledError:
        if expired:
            message = f"The storage did not answer within {deadline:g} seconds."
            raise UnavailableError(message) from None
        raise
    finally:
        timer.cancel()
    mark("resumed")
    return result
