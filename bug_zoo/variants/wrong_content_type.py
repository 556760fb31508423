"""The updated run is sent as `text/plain`, the framework's default media type."""

from __future__ import annotations

from bug_zoo.asgi import answering_with_header
from bug_zoo.catalog import Variant

VARIANT = Variant(
    name="wrong_content_type",
    bug="200 responses say `Content-Type: text/plain`",
    middleware=answering_with_header(200, "content-type", "text/plain; charset=utf-8"),
    covers=("status:update*:200",),
)
