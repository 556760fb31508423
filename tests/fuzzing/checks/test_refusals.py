"""What every refusal says: the challenge on 401 (and on 403 when one is sent), and
`Retry-After` on 429 and 503."""

from __future__ import annotations

import pytest

from fuzzing.checks.refusals import auth_challenges, retry_after_given
from tests.fuzzing.checks.exchanges import ERROR, evidence, exchange

INVALID = 'Bearer error="invalid_token", error_description="The token is malformed"'
SCOPE = 'Bearer error="insufficient_scope", scope="IndustryData-InboundFlow.ReadWrite.All"'


def _refused(status: int, **headers: str) -> None:
    answer = exchange(sent={}, status=status, answer=ERROR, response_headers=headers)
    auth_challenges(evidence(answer))
    retry_after_given(evidence(answer))


def test_challenges_and_waits_as_the_contract_gives_them_pass() -> None:
    _refused(401, **{"www-authenticate": INVALID})
    _refused(401, **{"www-authenticate": "Bearer"})
    _refused(403, **{"www-authenticate": SCOPE})
    _refused(403, **{"www-authenticate": "Bearer error=insufficient_scope"})
    _refused(403)  # no challenge: Graph sends none on 403, and the contract asks for none (D8)
    _refused(429, **{"retry-after": "5"})
    _refused(503, **{"retry-after": "0"})
    _refused(400)


@pytest.mark.parametrize(
    ("status", "headers", "problem"),
    [
        (401, {}, "no `WWW-Authenticate`"),
        (401, {"www-authenticate": 'Basic realm="x"'}, "does not match"),
        (403, {"www-authenticate": INVALID}, "insufficient_scope"),
        (403, {"www-authenticate": 'Basic realm="x"'}, "does not match"),
        (403, {"www-authenticate": ""}, "does not match"),
        (429, {}, "no `Retry-After`"),
        (503, {"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"}, "not a number of seconds"),
        (429, {"retry-after": "90000"}, "not a number of seconds"),
    ],
)
def test_a_refusal_without_what_it_must_say_fails(
    status: int, headers: dict[str, str], problem: str
) -> None:
    with pytest.raises(AssertionError, match=problem):
        _refused(status, **headers)
