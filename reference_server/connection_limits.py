"""What one connection may hold of a worker: how long it may take to send a request head and each
piece of a body, how large a head may be, and how many connections a worker keeps open.

Without them a client that sends one byte every few seconds, or a head of many megabytes, holds
a socket, a file descriptor and memory for as long as it likes; a few hundred such clients lock
everyone else out (issue 25). Each stack enforces them where it can (docs/decisions.md,
D41): uvicorn through `guard` (its protocol classes with the limits added), granian
through its own HTTP/1 settings; on every stack the app checks the head's size and count once
more (`HeadLimitMiddleware`) and times each read of a body (`BodyLimitMiddleware`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from starlette.config import Config

from tooling.server_env import (
    BODY_READ_TIMEOUT_SECONDS,
    HEAD_TIMEOUT_SECONDS,
    MAX_CONNECTIONS,
    MAX_HEADER_BYTES,
    MAX_HEADERS,
)

# hyper, granian's HTTP/1 parser, reads at most this many header lines and answers 431 itself
# above it (measured: 100 pass, 101 do not); granian cannot be given another number.
GRANIAN_MAX_HEADERS = 100
# Each line of a head ends in CR LF; a header line also has ": " between name and value.
LINE_END = 2
HEADER_SEPARATOR = 2


class ConnectionLimitsError(ValueError):
    """A limit is set to a value no server can run with; the message names the variable."""


@dataclass(frozen=True)
class ConnectionLimits:
    """The limits of `tooling.server_env`'s connection block, read once at start-up."""

    head_timeout: float = HEAD_TIMEOUT_SECONDS.default
    body_read_timeout: float = BODY_READ_TIMEOUT_SECONDS.default
    max_header_bytes: int = MAX_HEADER_BYTES.default
    max_headers: int = MAX_HEADERS.default
    max_connections: int = MAX_CONNECTIONS.default

    @classmethod
    def read(cls, config: Config) -> ConnectionLimits:
        return cls(
            head_timeout=HEAD_TIMEOUT_SECONDS.read(config),
            body_read_timeout=BODY_READ_TIMEOUT_SECONDS.read(config),
            max_header_bytes=MAX_HEADER_BYTES.read(config),
            max_headers=MAX_HEADERS.read(config),
            max_connections=MAX_CONNECTIONS.read(config),
        )

    def check(self, stack: str) -> None:
        """Fail at start-up on a limit that would turn every client away, or none."""
        for name, value in (
            (HEAD_TIMEOUT_SECONDS.name, self.head_timeout),
            (BODY_READ_TIMEOUT_SECONDS.name, self.body_read_timeout),
        ):
            if not 0.1 <= value <= 3600:
                raise ConnectionLimitsError(f"{name} must be between 0.1 and 3600")
        if not 1024 <= self.max_header_bytes <= 1 << 20:
            raise ConnectionLimitsError(f"{MAX_HEADER_BYTES.name} must be between 1024 and 1048576")
        most = GRANIAN_MAX_HEADERS if stack == "granian" else 10_000
        if not 8 <= self.max_headers <= most:
            raise ConnectionLimitsError(
                f"{MAX_HEADERS.name} must be between 8 and {most} on {stack}"
            )
        if not 1 <= self.max_connections <= 100_000:
            raise ConnectionLimitsError(f"{MAX_CONNECTIONS.name} must be between 1 and 100000")


def head_size(request_line: int, headers: Iterable[tuple[bytes, bytes]]) -> int:
    """The bytes of a head as sent: its request line of `request_line` bytes and each header
    line, each with its line end (whitespace around a value, which parsers drop, not counted)."""
    size = request_line + LINE_END
    for name, value in headers:
        size += len(name) + HEADER_SEPARATOR + len(value) + LINE_END
    return size


def too_large(limits: ConnectionLimits, size: int, count: int) -> str | None:
    """Why a head of `size` bytes and `count` header lines is refused, or None."""
    if size > limits.max_header_bytes:
        return f"The request head is larger than {limits.max_header_bytes} bytes."
    if count > limits.max_headers:
        return f"The request has more than {limits.max_headers} header fields."
    return None
