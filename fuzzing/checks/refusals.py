"""Rules every refusal keeps: say how to authenticate, and when to come back.

A 401 names the scheme to use and a 403 the scope that was missing (RFC 6750 §3, D8); a 429 or
503 says in `Retry-After` how many seconds to wait (D8, D16). schemathesis judges documented
headers only on the responses it provokes itself; these judge every exchange, the probes' too.
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
    """A 401 or 403 carries `WWW-Authenticate: Bearer ...`; on 403 with
    `error="insufficient_scope"`."""
    exchange = evidence.exchange
    if exchange.status not in (401, 403) or exchange.route is None:
        return
    challenge = exchange.response_header("www-authenticate")
    pattern = contract().header_schema("WWW-Authenticate").get("pattern", "")
    if challenge is None:
        problems = ["no `WWW-Authenticate` header"]
    elif not contract().header("WWW-Authenticate").accepts(challenge):
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
