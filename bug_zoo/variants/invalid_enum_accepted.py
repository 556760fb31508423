"""`status` is kept as free text: a value outside the enum is accepted and echoed back."""

from __future__ import annotations

from bug_zoo.asgi import rewriting
from bug_zoo.catalog import Variant
from bug_zoo.leniency import SENTINEL, status_accepted

KNOWN = {"running", "failed", "completed", "completedWithErrors", "completedWithWarnings"}


def _outside_the_enum(status: str) -> bool:
    # The sentinel is the bug of `sentinel_accepted`, not this one.
    return status not in KNOWN and status != SENTINEL


VARIANT = Variant(
    name="invalid_enum_accepted",
    bug="a `status` outside the enum is accepted",
    middleware=rewriting(status_accepted(_outside_the_enum)),
    covers=("request:runStatusInput:enum",),
)
