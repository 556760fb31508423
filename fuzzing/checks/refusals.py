"""Rules every refusal keeps: say how to authenticate, and when to come back.

A 401 names the scheme to use (RFC 6750 §3, D8); a 403 may name the scope that was missing and
need not (Graph sends no challenge on 403, D8), so only a challenge that is sent is judged there.
A 429 or 503 says in `Retry-After` how many seconds to wait (D8, D16). schemathesis judges
documented headers only on the responses it provokes itself; these judge every exchange, the
probes' too.
"""

from __future__ import annotations

import re

from fuzzing.checks.evidence import Evidence
from fuzzing.checks.registry import contract_check
from fuzzing.checks.rule_helpers import fail
from fuzzing.facts import contract

_INSUFFICIENT_SCOPE = re.compile(r'\berror\s*=\s*"?insufficient_scope"?', re.IGNORECASE)


@contract_check(covers=("D6", "D8", "header:WWW-Authenticate", "status:*:401", "status:*:403"))
def auth_challenges(evidence: Evidence) -> None:
    """A 401 carries `WWW-Authenticate: Bearer ...`; a 403 may leave it out, and when it sends
    one it is a `Bearer` challenge with `error="insufficient_scope"`.

    Whether the header is required, and its form, are read from the response the spec documents
    for the status, so the check asks no more than the contract does.
    """
    exchange = evidence.exchange
    route = exchange.route
    if exchange.status not in (401, 403) or route is None:
        return
    documented = contract().operations[route.operation].responses.get(str(exchange.status))
    declared = documented.headers.get("www-authenticate") if documented else None
    if declared is None:
        return
    challenge = exchange.response_header("www-authenticate")
    if challenge is None:
        problems = ["no `WWW-Authenticate` header"] if declared.required else []
    elif not declared.accepts(challenge):
        pattern = declared.schema.get("pattern", "")
        problems = [f"`WWW-Authenticate` {challenge!r} does not match {pattern}"]
    elif exchange.status == 403 and not _INSUFFICIENT_SCOPE.search(challenge):
        problems = [f'`WWW-Authenticate` {challenge!r} lacks error="insufficient_scope"']
    else:
        problems = []
    fail(f"{exchange.status} without the challenge the contract gives", exchange, problems)


@contract_check(covers=("D8", "D16", "header:Retry-After", "status:*:429", "status:*:503"))
def retry_after_given(evidence: Evidence) -> None:
    """A 429 or 503 says in `Retry-After` how many seconds to wait (0 to 86400)."""
    exchange = evidence.exchange
    if exchange.status not in (429, 503):
        return
    value = exchange.response_header("retry-after")
    if value is None:
        problems = ["no `Retry-After` header"]
    elif not contract().header("Retry-After").accepts(value):
        problems = [f"`Retry-After` {value!r} is not a number of seconds the spec allows"]
    else:
        problems = []
    fail(f"{exchange.status} without a usable `Retry-After`", exchange, problems)
