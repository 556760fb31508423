"""What the proxy hands to the checker for each exchange: plain data, cheap to pickle.

The proxy keeps a copy of each body up to a limit while it streams the original through; a body
over the limit, or one it cannot decode (`Content-Encoding` other than gzip and deflate), makes
the exchange unchecked rather than judged on a part of it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from fuzzing.exchange import Exchange
from traffic.seen import Seen

Headers = list[tuple[str, str]]


@dataclass
class Body:
    """The first `limit` bytes of a body, and whether there was more."""

    limit: int
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0

    def add(self, chunk: bytes) -> None:
        kept = max(0, self.limit - self.size)
        if kept:
            self.chunks.append(chunk[:kept])
        self.size += len(chunk)

    @property
    def complete(self) -> bool:
        return self.size <= self.limit

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks)


@dataclass(frozen=True)
class Captured:
    """One exchange as it went through the proxy (headers as sent, bodies as kept)."""

    index: int
    method: str
    url: str
    request_headers: Headers
    request_body: bytes | None
    status: int
    response_headers: Headers
    response_body: bytes
    started: float
    ended: float
    started_at: str
    unchecked: str | None = None
    oldest_open: float | None = None
    """When the oldest request still running as this one ended started (None: none was)."""


def _joined(pairs: Headers) -> dict[str, str]:
    joined: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return joined


def _decoded(body: bytes, coding: str | None) -> tuple[bytes, str | None]:
    """The body as the checks read it, decoded from its `Content-Encoding`."""
    coding = (coding or "identity").strip().lower()
    if coding in ("identity", ""):
        return body, None
    try:
        if coding in ("gzip", "x-gzip"):
            return zlib.decompress(body, wbits=31), None
        if coding == "deflate":
            return zlib.decompress(body), None
    except zlib.error as error:
        return body, f"the {coding} response body cannot be decoded: {error}"
    return body, f"the response body is {coding}-encoded, which the checker does not decode"


def seen(captured: Captured) -> Seen:
    """The exchange as the observer judges it."""
    request_headers = _joined(captured.request_headers)
    response_headers = _joined(captured.response_headers)
    body, problem = _decoded(captured.response_body, response_headers.get("content-encoding"))
    exchange = Exchange.build(
        method=captured.method,
        url=captured.url,
        request_headers=request_headers,
        request_body=captured.request_body,
        status=captured.status,
        response_headers=response_headers,
        response_body=body,
    )
    return Seen(
        captured.index,
        exchange,
        captured.started,
        captured.ended,
        captured.started_at,
        captured.unchecked or (problem if captured.unchecked is None and problem else None),
    )
