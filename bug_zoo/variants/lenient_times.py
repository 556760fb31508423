"""Times without an offset are taken as UTC: the parser was lenient, the spec's pattern is not."""

from __future__ import annotations

import re
from typing import Any

from bug_zoo.asgi import rewriting_times
from bug_zoo.catalog import Variant

LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$")


def _with_offset(value: Any) -> Any:
    return f"{value}Z" if isinstance(value, str) and LOCAL_TIME.match(value) else value


VARIANT = Variant(
    name="lenient_times",
    bug="times without an offset are accepted (as UTC), not refused",
    middleware=rewriting_times(_with_offset),
    covers=("request:dateTimeOffset:pattern", "D9"),
)
