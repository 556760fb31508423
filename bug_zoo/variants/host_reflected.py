"""Add run's `Location` and `OData-EntityId` are built from the request's `Host` (or
`X-Forwarded-Host`, believed from anyone), as a framework's `url_for` behind no configured base
does: one request with a foreign `Host` makes the service hand that host to whoever follows it."""

from __future__ import annotations

from urllib.parse import urlsplit

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    host = request.header("x-forwarded-host") or request.header("host")
    if response.status != 204 or not host:
        return response
    for name in ("location", "odata-entityid"):
        value = response.header(name)
        if value:
            parts = urlsplit(value)
            response = response.with_header(name, parts._replace(netloc=host).geturl())
    return response


VARIANT = Variant(
    name="host_reflected",
    bug="`Location` and `OData-EntityId` name the host the request sent (`Host`, "
    "`X-Forwarded-Host`)",
    middleware=rewriting(handle),
    covers=("D1", "header:Location", "header:OData-EntityId"),
)
