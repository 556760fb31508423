"""Requests of the harness's own (reads, probes) wait out 429 and 503 as `Retry-After` asks.

A rate-limited or briefly unavailable target is not a contract failure; a probe that met one
would report the limit, not the rule it tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

TRANSIENT = frozenset({429, 503})
_ATTEMPTS = 4
_LONGEST_WAIT = 10.0


def _wait(response: httpx.Response) -> float:
    try:
        return min(_LONGEST_WAIT, max(0.0, float(response.headers.get("retry-after", "1"))))
    except ValueError:
        return 1.0


def patiently(send: Callable[[], httpx.Response]) -> httpx.Response:
    """`send()`, again after the wait the target names while it answers 429 or 503."""
    response = send()
    for _ in range(_ATTEMPTS - 1):
        if response.status_code not in TRANSIENT:
            break
        time.sleep(_wait(response))
        response = send()
    return response
