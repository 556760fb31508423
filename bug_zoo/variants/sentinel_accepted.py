"""The evolvable-enum sentinel `unknownFutureValue` is accepted from clients."""

from __future__ import annotations

from bug_zoo.asgi import rewriting
from bug_zoo.catalog import Variant
from bug_zoo.leniency import SENTINEL, status_accepted


def _is_sentinel(status: str) -> bool:
    return status == SENTINEL


VARIANT = Variant(
    name="sentinel_accepted",
    bug="`unknownFutureValue` is accepted in requests",
    middleware=rewriting(status_accepted(_is_sentinel)),
    covers=("D5", "request:runStatusInput:enum"),
)
