"""An `@odata.id` with dot segments is resolved before it is read: `.../runs/x/../y` links run
`y`, where D17 (and D11) make it a 400.

URL libraries remove dot segments (RFC 3986 §5.2.4) when they normalise a URL, and some decode
`%2e%2e` first; a server that reads the reference through one links whatever run the resolved
path names, although the URL as sent names no run.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit, urlunsplit

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant


def _resolved(url: str) -> str:
    parts = urlsplit(url)
    segments = [unquote(s) if unquote(s) in (".", "..") else s for s in parts.path.split("/")]
    path = posixpath.normpath("/".join(segments))
    return urlunsplit(parts._replace(path=path))


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    url = body.get("@odata.id") if isinstance(body, dict) else None
    if is_json_write(request) and isinstance(url, str) and urlsplit(url).path:
        request = request.with_json({**body, "@odata.id": _resolved(url)})
    return await call(request)


VARIANT = Variant(
    name="reference_dot_segments_resolved",
    bug="an `@odata.id` with a dot segment (`.../runs/x/../y`, `%2e%2e`) is resolved and linked",
    middleware=rewriting(handle),
    covers=("D17", "D11", "status:addRun:400"),
)
