"""`Prefer` is compared whole: honoured only when it is exactly `include-unknown-enum-members`.

A server that tests the header with `==` instead of reading RFC 7240's comma-separated,
case-insensitive preferences misses the preference beside another one (`Prefer: odata.maxpagesize=5,
include-unknown-enum-members`, as SDKs combine them) and says no `Preference-Applied` (D20).
"""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant

_ONLY = "include-unknown-enum-members"


async def handle(request: Request, call: Call) -> Response:
    prefer = request.header("prefer")
    if prefer is not None and prefer != _ONLY:
        request = request.with_header("prefer", None)
    return await call(request)


VARIANT = Variant(
    name="prefer_read_whole",
    bug=(
        "`Prefer` is honoured only when it is exactly `include-unknown-enum-members`: beside "
        "another preference or in capitals it is ignored"
    ),
    middleware=rewriting(handle),
    covers=("D20", "header:Preference-Applied"),
)
