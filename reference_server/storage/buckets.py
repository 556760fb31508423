"""Token buckets for rate limiting, kept in the database next to the runs.

Kept in the database, not in memory, for two reasons: a restarted server must not hand every
caller a fresh burst, and several server processes on one database must share one limit per
caller. Each take is one short transaction that refills the bucket for the time that passed,
then takes a token if there is one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from reference_server.storage import engine_for


def refill(tokens: float, updated_at: float, now: float, per_second: float, burst: float) -> float:
    """The tokens in a bucket at `now`: what it held, plus what dripped in since, up to `burst`.

    A clock that went backwards adds nothing (and takes nothing away).
    """
    return min(burst, tokens + max(0.0, now - updated_at) * per_second)


def take_one(
    tokens: float, updated_at: float, now: float, per_second: float, burst: float
) -> tuple[float, float]:
    """Refill, then take a token if there is one: `(tokens left, seconds to wait)`.

    The wait is 0.0 when a token was taken; otherwise nothing is taken and the wait says when
    the next token will be there.
    """
    tokens = refill(tokens, updated_at, now, per_second, burst)
    if tokens >= 1.0:
        return tokens - 1.0, 0.0
    return tokens, (1.0 - tokens) / per_second


class BucketStore(ABC):
    """Durable token buckets, one per key; safe to share between threads and processes."""

    timeout: float = 5.0  # as `RunStore.timeout`
    _pruned_at: float = float("-inf")

    def prune_before(self, now: float, per_second: float, burst: float) -> float | None:
        """Once a window (the time an untouched bucket takes to fill), the time before which a
        bucket last taken from is full again and can go: a new bucket starts full, so deleting
        it changes no answer. Twice the window, so clocks a little apart between processes do
        not matter. None when the last prune is less than a window ago."""
        window = burst / per_second
        if now - self._pruned_at < window:
            return None
        self._pruned_at = now
        return now - 2 * window

    @property
    def deadline(self) -> float:
        """As `RunStore.deadline`."""
        return 3 * self.timeout + 1

    @abstractmethod
    def take(self, key: str, *, per_second: float, burst: float, now: float) -> float:
        """Take one token from bucket `key` (a new bucket starts full, with `burst` tokens).

        Returns 0.0 when a token was taken, else the seconds until one will be there (nothing is
        taken then). `now` is Unix time.
        """

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def __enter__(self) -> BucketStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_buckets(url: str) -> BucketStore:
    """The bucket store in the database `url` names (the same `DATABASE_URL` as the runs), kept
    by the engine that keeps the runs there."""
    return engine_for(url).buckets(url)
