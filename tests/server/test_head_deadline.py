"""The head deadline runs from the end of the latest answer: one timer per connection, moved on
by each answer rather than replaced (`guard._Guarded._wait_for_head`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, ClassVar

from reference_server.connection_limits import ConnectionLimits
from reference_server.guard import _Guarded

TIMEOUT = 0.75  # margins of a quarter second either side of each due time


@dataclass
class Transport:
    closed: bool = False

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


@dataclass
class Cycle:
    response_complete: bool = True


class Connection(_Guarded):
    """What the head deadline reads of a guarded protocol: a loop, a transport, the cycle."""

    limits: ClassVar[ConnectionLimits] = ConnectionLimits(head_timeout=TIMEOUT)

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: Any = Transport()
        self.cycle: Any = Cycle()


def test_an_answer_moves_the_head_deadline_on() -> None:
    async def main() -> list[bool]:
        connection = Connection(asyncio.get_running_loop())
        connection._wait_for_head()  # the connection opened
        await asyncio.sleep(TIMEOUT * 0.6)
        connection._wait_for_head()  # an answer ended: the next head is due TIMEOUT from now
        await asyncio.sleep(TIMEOUT * 0.6)  # past the first due time
        open_after_first = not connection.transport.closed
        await asyncio.sleep(TIMEOUT * 0.8)  # past the second
        return [open_after_first, connection.transport.closed]

    assert asyncio.run(main()) == [True, True]


def test_a_request_in_service_keeps_its_connection_past_the_deadline() -> None:
    async def main() -> bool:
        connection = Connection(asyncio.get_running_loop())
        connection._wait_for_head()
        connection.cycle.response_complete = False  # a head came, its answer is not done
        await asyncio.sleep(TIMEOUT * 1.4)
        return bool(connection.transport.closed)

    assert asyncio.run(main()) is False
