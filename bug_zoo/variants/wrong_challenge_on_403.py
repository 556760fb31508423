"""403 carries the 401's challenge, `Bearer error="invalid_token"`, as an auth layer that answers
every refusal alike does: a client that reacts to `invalid_token` by fetching a new token loops,
since a new token lacks the permission as much as the old one did."""

from __future__ import annotations

from bug_zoo.asgi import answering_with_header
from bug_zoo.catalog import Variant

CHALLENGE = 'Bearer error="invalid_token", error_description="The access token is invalid"'


VARIANT = Variant(
    name="wrong_challenge_on_403",
    bug='403 with the challenge of a 401, `error="invalid_token"`, not `insufficient_scope`',
    middleware=answering_with_header(403, "www-authenticate", CHALLENGE),
    covers=("D8", "header:WWW-Authenticate", "status:*:403"),
)
