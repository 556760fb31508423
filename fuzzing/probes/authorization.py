"""Probes of authorization: no token, forged or malformed ones, and one without the permission.

schemathesis sends its one configured token, and its `ignored_auth` check tries without it;
these send the other kinds, and see that a refused update changed nothing.
"""

from __future__ import annotations

from fuzzing.probes.prober import NEVER_APPLIED_BODY, Prober, SkipError, as_json, new_run, probe


def _tampered(token: str) -> str:
    """`token` with its signature changed (the last part of a JWT), so only a check catches it."""
    head, _, signature = token.rpartition(".")
    if not head or not signature:
        return token + "x"
    swapped = "A" if signature[0] != "A" else "B"
    return f"{head}.{swapped}{signature[1:]}"


@probe(order=20, covers=("D6", "D24", "status:*:401", "status:*:403", "header:WWW-Authenticate"))
def authorization(prober: Prober) -> None:
    """No token or a forged one is 401 with `WWW-Authenticate`; no permission is 403."""
    url, key = prober.runs[0]
    body = NEVER_APPLIED_BODY
    refusals: list[tuple[str | None, str]] = [
        (None, "no Authorization header"),
        ("Bearer not-a-token", "a token that is not a JWT"),
        ("Basic dXNlcjpwYXNzd29yZA==", "Basic credentials"),
        (f"Bearer {_tampered(prober.target.token)}", "a token with a forged signature"),
        ("Bearer", "an empty bearer token"),
    ]
    check = "auth_enforced"
    for header, what in refusals:
        exchange = prober.refused("PATCH", url, body, {401}, check, what, key, authorization=header)
        challenge = exchange.response_header("www-authenticate") or ""
        if exchange.status == 401 and not challenge.startswith("Bearer"):
            message = f"401 without `WWW-Authenticate: Bearer` ({challenge!r})"
            prober.report(check, exchange, message)
    created = as_json(new_run())
    prober.refused("POST", prober.add_url, created, {401}, check, "no token", authorization=None)
    if not prober.target.token_no_permission:
        raise SkipError("no token without the permission (TARGET_TOKEN_NO_PERMISSION) to check 403")
    weak = f"Bearer {prober.target.token_no_permission}"
    check, what = "permission_enforced", "a token without the permission"
    prober.refused("PATCH", url, body, {403}, check, what, key, authorization=weak)
    prober.refused("POST", prober.add_url, created, {403}, check, what, authorization=weak)
