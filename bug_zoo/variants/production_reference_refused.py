"""Linking by reference accepts only the service's own origin: a URL at the contract's production
server (`https://graph.microsoft.com/beta/...`, what Graph's SDKs write) is refused with 400,
where D17 and D23 say it names the run of that flow here."""

from __future__ import annotations

from urllib.parse import urlsplit

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant
from fuzzing.facts import REFERENCE, contract

_ELSEWHERE = "https://elsewhere.invalid"
"""An origin the server does not call its own: a URL moved there is refused as another host's."""


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    url = body.get(REFERENCE) if isinstance(body, dict) else None
    if is_json_write(request) and isinstance(url, str):
        own = request.header("host")
        parts = urlsplit(url)
        at_production = any(url.startswith(f"{base}/") for base in contract().server_urls())
        if at_production and parts.netloc != own:
            request = request.with_json({**body, REFERENCE: f"{_ELSEWHERE}{parts.path}"})
    return await call(request)


VARIANT = Variant(
    name="production_reference_refused",
    bug=(
        "a reference at the contract's production server is refused (400): only the service's "
        "own origin is linked"
    ),
    middleware=rewriting(handle),
    covers=("D17", "D23", "status:addRun:204"),
)
