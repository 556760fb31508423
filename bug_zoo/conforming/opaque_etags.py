"""`ETag`s are opaque tokens (`"rv:3q2-7w_x..."`), not version numbers: `If-Match` is compared
with the tokens this server issued (strongly, as RFC 9110 wants for `If-Match`)."""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.types import ASGIApp

from bug_zoo.asgi import Call, Request, Response, Rewriting
from bug_zoo.catalog import Context, Variant

TAG = re.compile(r'(W/)?"[^"]*"')
NEVER = '"never-issued"'


def build(app: ASGIApp, context: Context) -> ASGIApp:
    issued: dict[str, str] = {}  # opaque tag -> the reference server's own

    def opaque(path: str, etag: str) -> str:
        digest = hashlib.sha256(f"{context.state_dir}|{path}|{etag}".encode()).digest()
        token = f'"rv:{base64.urlsafe_b64encode(digest[:12]).decode()}"'
        issued[token] = etag
        return token

    async def handle(request: Request, call: Call) -> Response:
        sent = request.header("if-match")
        if sent is not None and sent.strip() != "*":
            # A tag this server never issued matches nothing, whatever the one behind it holds.
            own = [issued.get(tag.group(0), NEVER) for tag in TAG.finditer(sent)]
            request = request.with_header("if-match", ", ".join(own) or sent)
        response = await call(request)
        etag = response.header("etag")
        run = response.json()
        if etag is None or not isinstance(run, dict):
            return response
        return response.with_header("etag", opaque(str(run.get("id")), etag))

    return Rewriting(app, handle)


VARIANT = Variant(
    name="opaque_etags",
    bug="none: `ETag`s are opaque strings, compared with those issued",
    middleware=build,
    covers=("header:ETag", "D12"),
)
