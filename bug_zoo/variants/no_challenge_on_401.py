"""401 leaves out `WWW-Authenticate`, as a hand-written auth check that returns a bare error
does: the caller is not told to send a Bearer token, or why the one it sent was refused."""

from __future__ import annotations

from bug_zoo.asgi import answering_with_header
from bug_zoo.catalog import Variant

VARIANT = Variant(
    name="no_challenge_on_401",
    bug="401 without `WWW-Authenticate: Bearer`",
    middleware=answering_with_header(401, "www-authenticate", None),
    covers=("D6", "D8", "header:WWW-Authenticate", "status:*:401"),
)
