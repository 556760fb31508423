"""An answer's head goes out with its body in one write (`guard.HeadWithBody`); a head whose body
does not follow at once, a write before the answer began (`100 Continue`) and a close are
written as before, in order."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, cast

from reference_server.guard import HeadWithBody


@dataclass
class Transport:
    """A transport that records its writes."""

    writes: list[bytes] = field(default_factory=list)
    closed: bool = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str) -> str:
        return f"extra {name}"


@dataclass
class Cycle:
    response_started: bool = False


def _held(loop: asyncio.AbstractEventLoop) -> tuple[HeadWithBody, Transport, Cycle]:
    transport, cycle = Transport(), Cycle()
    return HeadWithBody(cast("Any", transport), loop, cycle), transport, cycle


def test_the_head_goes_out_with_the_body_in_one_write() -> None:
    async def main() -> list[bytes]:
        held, transport, cycle = _held(asyncio.get_running_loop())
        cycle.response_started = True
        held.write(b"HEAD\r\n\r\n")
        assert transport.writes == []
        held.write(b"body")
        held.write(b"more")
        await asyncio.sleep(0)
        return transport.writes

    assert asyncio.run(main()) == [b"HEAD\r\n\r\nbody", b"more"]


def test_a_head_without_a_body_at_once_goes_out_alone_after_the_iteration() -> None:
    async def main() -> list[bytes]:
        held, transport, cycle = _held(asyncio.get_running_loop())
        cycle.response_started = True
        held.write(b"HEAD")
        await asyncio.sleep(0)
        assert transport.writes == [b"HEAD"]
        held.write(b"later")
        return transport.writes

    assert asyncio.run(main()) == [b"HEAD", b"later"]


def test_a_write_before_the_answer_began_is_not_held() -> None:
    async def main() -> list[bytes]:
        held, transport, cycle = _held(asyncio.get_running_loop())
        held.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        assert transport.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
        cycle.response_started = True
        held.write(b"HEAD")
        held.write(b"")  # an empty body (a 204)
        return transport.writes

    assert asyncio.run(main()) == [b"HTTP/1.1 100 Continue\r\n\r\n", b"HEAD"]


def test_a_close_writes_the_held_head_first() -> None:
    async def main() -> Transport:
        held, transport, cycle = _held(asyncio.get_running_loop())
        cycle.response_started = True
        held.write(b"HEAD")
        held.close()
        assert held.is_closing()
        await asyncio.sleep(0)
        return transport

    transport = asyncio.run(main())
    assert transport.writes == [b"HEAD"]
    assert transport.closed


def test_everything_else_is_the_transports() -> None:
    async def main() -> str:
        held, _, _ = _held(asyncio.get_running_loop())
        return str(held.get_extra_info("peername"))

    assert asyncio.run(main()) == "extra peername"
