"""Per-caller rate limits: one token bucket per token subject, kept in the database.

A caller may send `burst` requests at once, then `per_minute` a minute. The buckets live in the
database of `DATABASE_URL` (see `storage/buckets.py`): a restarted server goes on from where the
buckets were, so a restart never hands out a fresh burst, and several processes on one database
share one limit per caller.

Off by default in dev mode (a developer's loop, the tests and the fuzzer send bursts on purpose);
on by default in production mode. `RATE_LIMIT_PER_MINUTE=0` turns it off in either mode.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from reference_server.auth import Principal
from reference_server.settings import ServerSettings
from reference_server.storage.buckets import BucketStore

PRODUCTION_PER_MINUTE = 600.0
# The default burst: this many seconds' worth of requests, at least one.
BURST_SECONDS = 10.0


@dataclass(frozen=True)
class RateLimit:
    per_minute: float
    burst: int

    @classmethod
    def from_settings(cls, settings: ServerSettings) -> RateLimit | None:
        """The limit the settings ask for, or None when there is none."""
        per_minute = settings.rate_limit_per_minute
        if per_minute is None:
            per_minute = None if settings.dev_mode else PRODUCTION_PER_MINUTE
        if not per_minute:
            return None
        burst = settings.rate_limit_burst
        if burst is None:
            burst = max(1, math.floor(per_minute * BURST_SECONDS / 60))
        return cls(per_minute=per_minute, burst=burst)


def caller_key(principal: Principal) -> str:
    """The bucket of a caller: who its token speaks for (`sub`, else `oid`; a token naming neither
    is refused before this, docs/decisions.md), hashed (no personal id goes into storage).

    Microsoft identity platform subjects are pairwise (one per user or app, per application), so
    the subject alone tells callers apart, and a new token of the same caller shares its bucket.
    """
    if not principal.subject:
        raise ValueError("a caller without an identity has no bucket")
    return hashlib.sha256(f"sub\0{principal.subject}".encode("utf-8", "surrogatepass")).hexdigest()


class RateLimiter:
    """Decides whether a caller may go on; blocking (it writes to storage), call it in a thread."""

    def __init__(
        self, limit: RateLimit, buckets: BucketStore, clock: Callable[[], float] = time.time
    ) -> None:
        self.limit = limit
        self.buckets = buckets
        self.clock = clock  # wall time: buckets outlive the process, so a monotonic clock won't do

    def retry_after(self, key: str) -> int:
        """0 when the caller may go on (a token was taken), else whole seconds to wait (>= 1).

        Raises `UnavailableError` when the storage cannot be reached.
        """
        wait = self.buckets.take(
            key,
            per_second=self.limit.per_minute / 60,
            burst=self.limit.burst,
            now=self.clock(),
        )
        return 0 if wait <= 0 else max(1, math.ceil(wait))

    def close(self) -> None:
        self.buckets.close()
