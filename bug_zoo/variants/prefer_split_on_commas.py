"""`Prefer` is split on every comma, quoted or not: a preference's quoted value that mentions
`include-unknown-enum-members` turns it on.

RFC 7240's preferences are `token [= word]`, where a word may be a quoted string holding commas;
a server that splits the header with `split(",")` reads
`Prefer: foo="x, include-unknown-enum-members, y"` as three preferences, the second the one it
knows, and answers with `Preference-Applied` and statuses the caller did not ask for (D20).
"""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant

_KNOWN = "include-unknown-enum-members"


async def handle(request: Request, call: Call) -> Response:
    prefer = request.header("prefer")
    if prefer is not None:
        names = {part.split(";")[0].split("=")[0].strip(' "').lower() for part in prefer.split(",")}
        if _KNOWN in names:
            request = request.with_header("prefer", _KNOWN)
    return await call(request)


VARIANT = Variant(
    name="prefer_split_on_commas",
    bug=(
        "`Prefer` is split on every comma, inside quoted values too: "
        '`foo="x, include-unknown-enum-members"` is answered with `Preference-Applied`'
    ),
    middleware=rewriting(handle),
    covers=("D20", "header:Preference-Applied"),
)
