"""One exchange as the proxy or a HAR file recorded it: the exchange, when, and whether whole."""

from __future__ import annotations

from dataclasses import dataclass

from fuzzing.exchange import Exchange

NOT_HTTP = "the target's answer is not valid HTTP"
"""How an unchecked exchange starts when the target broke HTTP itself (bytes after a 204, a bad
status line, a body shorter than its length): a breach to report, not a recording's limit."""


@dataclass(frozen=True)
class Seen:
    """An exchange with its place in the traffic.

    `started` and `ended` are seconds on one clock (the proxy's monotonic clock, or the HAR's
    start times plus durations) and tell which exchanges overlapped. `unchecked` says why the
    exchange cannot be judged (a body the recording does not hold in full), else None.
    """

    index: int
    exchange: Exchange
    started: float
    ended: float
    started_at: str
    """When the request started, as ISO 8601 (HAR's `startedDateTime`)."""
    unchecked: str | None = None

    def overlaps(self, other: Seen) -> bool:
        return self.started < other.ended and other.started < self.ended
