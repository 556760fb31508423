"""`within_deadline`: a blocking storage call run in a worker thread, waited for at most a
deadline.

The call goes to anyio's worker threads (the most recently idle one first, so a few warm threads
serve a steady load; 40 at most, the request's context variables with it) in a task of its own,
and the deadline is a timer that cancels that task: `anyio.fail_after` and `asyncio.timeout`
did the same with a cancel scope per call and more look-ups of the running loop (on Python 3.11
a `getpid` system call each), and asyncio's own `ThreadPoolExecutor` wakes any of its threads
and cost the storage threads more per request (decision D63).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread

from reference_server.storage.base import UnavailableError
from reference_server.storage.timing import mark

T = TypeVar("T")


async def within_deadline(call: Callable[[], T], deadline: float) -> T:
    """Run a blocking storage call in a worker thread; past `deadline` seconds stop waiting and
    raise `UnavailableError`. The thread is left to finish on its own: a database that stopped
    answering holds it, not the request (and not the event loop). A call still waiting for a
    thread when the deadline passes never runs. The call sees the request's context variables
    (the timeline's marks)."""
    mark("submit")
    loop = asyncio.get_running_loop()
    waiting = loop.create_task(anyio.to_thread.run_sync(call, abandon_on_cancel=True))
    expired = False

    def expire() -> None:
        nonlocal expired
        expired = True
        waiting.cancel()

    timer = loop.call_later(deadline, expire)
    try:
        result = await waiting
    except asyncio.CancelledError:
        if expired:
            message = f"The storage did not answer within {deadline:g} seconds."
            raise UnavailableError(message) from None
        raise
    finally:
        timer.cancel()
    mark("resumed")
    return result
