"""uvicorn's two HTTP/1 protocols (httptools and h11) with the connection limits added, and with
the OData answers of the HTTP layer itself.

uvicorn has no deadline for a request head, no cap on its size with httptools, none on the
number of headers, and answers a malformed request with a plain-text 400 (measured, D41).
Its protocol classes have the hooks to add them without copying any of uvicorn: a connection
opening, bytes arriving, a header parsed, a response finished, the 400 it sends. So the stacks
give uvicorn a subclass of its own protocol (`guarded`) instead of the name of one.

- **Head deadline**: from a connection's opening and from the end of each answer, the next
  request head must arrive whole within `head_timeout`, or the connection is closed (an idle
  connection, a head sent a byte at a time, a body still trickling in after its answer).
- **Head size and count**: a head over `max_header_bytes` or with more than `max_headers` lines is
  answered 431 before the app sees it; the parser never holds more than a read beyond the cap.
- **Body reads**: while a request's body is unfinished, bytes must keep coming: a wait of more
  than `body_read_timeout` for the next ones (the server not holding the reading back) is
  answered 408 if no answer has begun, and the connection closes; the app sees the client gone.
  A body that came with its head, as almost every one does, arms no timer at all.
- **Connections**: the one over `max_connections` in this worker is answered 503 at once and
  closed, so its file descriptor is free again.
- **Malformed requests**: the 400 is the OData error with a `request-id`, as every other error.

A refused head's `client-request-id` is echoed when the part of the head that was read holds a
valid one.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, cast

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from reference_server.connection_limits import ConnectionLimits, too_large
from reference_server.errors import http_layer_error

log = logging.getLogger("reference_server")
# The end of a head as h11 finds it: an empty line, after LF or CR LF.
HEAD_END = re.compile(rb"\n\r?\n")
# What a request line adds to its target: the method, two spaces, `HTTP/1.1` and CR LF (the
# method is not known before the target; a long one is counted short, by a few bytes).
REQUEST_LINE_EXTRA = 16
HEADER_LINE_EXTRA = 4
MALFORMED = (400, "BadRequest", "The request is not valid HTTP/1.1.")
TOO_MANY_CONNECTIONS = "The server has too many open connections; try again shortly."


class HeadRefusedError(Exception):
    """Raised in a parser callback to stop parsing a head that is over a limit."""


class _Guarded:
    """The limits every guarded protocol shares; mixed in before uvicorn's protocol class."""

    limits: ClassVar[ConnectionLimits]
    echo_ok: ClassVar[Callable[[str], bool]]
    # What uvicorn's protocols have (declared here for the type checker).
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    connections: set[Any]
    cycle: Any
    client: tuple[str, int] | None

    flow: Any

    _deadline: asyncio.TimerHandle | None = None
    _body_deadline: asyncio.TimerHandle | None = None
    _last_read = 0.0
    _head_due = 0.0
    _refusal: tuple[int, str, str] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        if len(self.connections) > self.limits.max_connections:
            self._refuse(503, "ServiceUnavailable", TOO_MANY_CONNECTIONS, {"retry-after": "1"})
            return
        self._wait_for_head()

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self._deadline, self._body_deadline):
            if timer is not None:
                timer.cancel()
        self._deadline = self._body_deadline = None
        super().connection_lost(exc)  # type: ignore[misc]

    def _body_open(self) -> bool:
        """Whether a request's body is still arriving."""
        raise NotImplementedError

    def _after_read(self) -> None:
        """After bytes were parsed: time the wait for more of a body that is still unfinished.
        (A read that finished its body, as almost every one does, only asks that: the time of
        the last read matters only while a body is open.)"""
        if not self._body_open():
            return
        self._last_read = self.loop.time()
        if self._body_deadline is None and not self.transport.is_closing():
            self._body_deadline = self.loop.call_later(
                self.limits.body_read_timeout, self._body_overdue
            )

    def _body_overdue(self) -> None:
        self._body_deadline = None
        if self.transport.is_closing() or not self._body_open():
            return
        waited = self.loop.time() - self._last_read
        if self.flow.read_paused or waited < self.limits.body_read_timeout:
            # The server holds the reading back (the app has not taken what came), or bytes came
            # since: wait again, from the last read.
            remaining = max(self.limits.body_read_timeout - waited, 0.1)
            self._body_deadline = self.loop.call_later(remaining, self._body_overdue)
            return
        cycle = self.cycle
        if cycle is not None and not cycle.response_started:
            message = "The request body did not arrive in time."
            self._refuse(408, "RequestTimeout", message)
        if cycle is not None:
            cycle.disconnected = True  # the app's next read is told the client is gone
            cycle.message_event.set()
        self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing():
            self._wait_for_head()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to what its parser refused: a head over a limit, or not HTTP."""
        self._refuse(*(self._refusal or MALFORMED))

    def _wait_for_head(self) -> None:
        """The next head is due `head_timeout` from now. The timer already armed is kept (its
        end checks the latest due time and waits on if that is later): a new timer and a
        cancelled one for every answer cost more than one waking per `head_timeout`."""
        self._head_due = self.loop.time() + self.limits.head_timeout
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.limits.head_timeout, self._head_overdue)

    def _head_overdue(self) -> None:
        """Close the connection unless a request is being served (its head came in time)."""
        self._deadline = None
        if self.transport.is_closing():
            return
        left = self._head_due - self.loop.time()
        if left > 0:  # an answer since the timer was armed moved the due time on
            self._deadline = self.loop.call_later(left, self._head_overdue)
            return
        if self.cycle is None or self.cycle.response_complete:
            self.transport.close()

    def _head_lines_seen(self) -> Iterable[tuple[bytes, bytes]]:
        """The header lines of the head being refused, as far as they were read."""
        return ()

    def _over(self, size: int, count: int) -> bool:
        """Whether a head of `size` bytes and `count` lines is over a limit (remembered)."""
        why = too_large(self.limits, size, count)
        if why is not None:
            self._refusal = (431, "RequestHeaderFieldsTooLarge", why)
        return why is not None

    def _refuse(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        if self.transport.is_closing():
            return
        echoed = {}
        client_request_id = _client_request_id(self._head_lines_seen())
        if client_request_id is not None and type(self).echo_ok(client_request_id):
            echoed["client-request-id"] = client_request_id
        request_id, answer = http_layer_error(status, code, message, {**echoed, **(headers or {})})
        client = self.client or ("-", 0)
        log.info(
            "refused at the HTTP layer: %s:%s %s %s, request-id=%s",
            client[0],
            client[1],
            status,
            code,
            request_id,
        )
        self.transport.write(answer)
        self.transport.close()


class GuardedHttpToolsProtocol(_Guarded, HttpToolsProtocol):
    """httptools (llhttp) with the limits: the head is counted as the parser reports it, and a
    head still open after a read counts that whole read (llhttp holds a partial line unseen)."""

    _head_open = False
    _head_began_in_read = False
    _head_bytes = 0
    _head_seen = 0
    _head_lines = 0

    def data_received(self, data: bytes) -> None:
        self._head_began_in_read = False
        super().data_received(data)
        if self._head_open and not self._head_began_in_read and not self.transport.is_closing():
            self._head_seen += len(data)
            if self._over(max(self._head_seen, self._head_bytes), self._head_lines):
                self.send_400_response("")
        self._after_read()

    def _head_lines_seen(self) -> Iterable[tuple[bytes, bytes]]:
        return getattr(self, "headers", None) or ()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_open = self._head_began_in_read = True
        self._head_bytes = REQUEST_LINE_EXTRA
        self._head_seen = self._head_lines = 0

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self._head_bytes += len(url)
        if self._head_bytes > self.limits.max_header_bytes and self._over(
            self._head_bytes, self._head_lines
        ):
            raise HeadRefusedError

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._head_bytes += len(name) + len(value) + HEADER_LINE_EXTRA
        self._head_lines += 1
        limits = self.limits  # compared here first: `_over` is a call per header otherwise
        if (
            self._head_bytes > limits.max_header_bytes or self._head_lines > limits.max_headers
        ) and self._over(self._head_bytes, self._head_lines):
            raise HeadRefusedError  # httptools raises its parser error; uvicorn sends the 400

    _body_unfinished = False

    def _body_open(self) -> bool:
        return self._body_unfinished

    def on_headers_complete(self) -> None:
        self._head_open = False
        self._body_unfinished = True
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and cycle.transport is self.transport:  # a new request's cycle
            cycle.transport = HeadWithBody(self.transport, self.loop, cycle)

    def on_message_complete(self) -> None:
        self._body_unfinished = False
        super().on_message_complete()


class HeadWithBody:
    """The transport as one request's cycle (uvicorn's httptools one) sees it: the answer's head
    is held until the body's first write and goes out with it, in one system call and one TCP
    segment rather than two (uvicorn writes them one at a time, and an answer's body almost
    always follows at once). A head whose body is not written in the same loop iteration goes
    out alone at its end. Every other write, and everything else, is the transport's."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop, cycle: Any):
        self._transport = transport
        self._loop = loop
        self._cycle = cycle
        self._head: bytes | None = None
        self._head_written = False

    def write(self, data: bytes) -> None:
        if not self._head_written:
            if self._head is not None:
                data = self._head + data
                self._head = None
                self._head_written = True
            elif self._cycle.response_started:  # this write is the head
                self._head = data
                self._loop.call_soon(self._release)
                return
        self._transport.write(data)

    def _release(self) -> None:
        head = self._head
        if head is not None:
            self._head = None
            self._head_written = True
            if not self._transport.is_closing():
                self._transport.write(head)

    def close(self) -> None:
        self._release()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class GuardedH11Protocol(_Guarded, H11Protocol):
    """h11 with the limits: while h11 waits for a head, what it holds and what just came is
    measured before it parses, up to the head's end."""

    _pending = b""

    def _head_lines_seen(self) -> Iterable[tuple[bytes, bytes]]:
        for line in self._pending.split(b"\n")[1:]:
            name, colon, value = line.partition(b":")
            if colon:
                yield name.strip().lower(), value.strip()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            pending = self.conn.trailing_data[0] + data
            end = HEAD_END.search(pending)
            head = pending[: end.start()] if end else pending
            self._pending = head[: self.limits.max_header_bytes]
            if self._over(len(head), head.count(b"\n")):
                self.send_400_response("")
                return
        super().data_received(data)
        self._after_read()

    def _body_open(self) -> bool:
        return self.conn.their_state is h11.SEND_BODY


def _client_request_id(lines: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The caller's `client-request-id` among `lines`, if it sent one."""
    for name, value in lines:
        if name.lower() == b"client-request-id":
            return value.decode("latin-1")
    return None


PROTOCOLS: dict[str, type[_Guarded]] = {
    "httptools": GuardedHttpToolsProtocol,
    "h11": GuardedH11Protocol,
}


def guarded(
    http: str, limits: ConnectionLimits, echo_ok: Callable[[str], bool]
) -> type[asyncio.Protocol]:
    """uvicorn's protocol for parser `http` (`httptools` or `h11`) held to `limits`; a refused
    head's `client-request-id` is echoed when `echo_ok` says the contract allows it."""
    base = PROTOCOLS[http]
    members = {"limits": limits, "echo_ok": staticmethod(echo_ok), "__doc__": base.__doc__}
    protocol = type(base.__name__, (base,), members)
    return cast("type[asyncio.Protocol]", protocol)
