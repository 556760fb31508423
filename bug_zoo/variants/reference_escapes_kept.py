"""An `@odata.id` with an invalid percent-escape is read as an id holding `%`: answered 404 (no
such run), not 400.

URL libraries differ on `%zz`: some refuse it, most (Python's `unquote`, JavaScript's
`decodeURIComponent` aside) keep it as written. A server that keeps it looks up a run whose id
holds `%zz`, finds none and answers 404, telling the caller that a run is missing when its URL is
malformed (D17: 400).
"""

from __future__ import annotations

import re

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    url = body.get("@odata.id") if isinstance(body, dict) else None
    if is_json_write(request) and isinstance(url, str) and _BAD_ESCAPE.search(url):
        # The `%` kept as a character of the id: sent on as its own escape, `%25`.
        request = request.with_json({**body, "@odata.id": _BAD_ESCAPE.sub("%25", url)})
    return await call(request)


VARIANT = Variant(
    name="reference_escapes_kept",
    bug="an `@odata.id` with an invalid percent-escape (`%zz`) is answered 404, not 400",
    middleware=rewriting(handle),
    covers=("D17", "status:addRun:400"),
)
