"""Rules about `Prefer` and `Preference-Applied` (D20): a preference applied is said, no other.

A caller that sends `Prefer: include-unknown-enum-members` gets, with every run, the statuses
added after `unknownFutureValue` as they are and `Preference-Applied` naming the preference; any
other caller gets none of those statuses and no such `Preference-Applied`. Add run's 204 carries
no run, so it applies no preference. Preferences the service does not know are ignored (RFC
7240): the probes send some, and any refusal of them shows in the status the probe expects.
"""

from __future__ import annotations

from urllib.request import parse_http_list

from fuzzing.checks.evidence import Evidence
from fuzzing.checks.registry import contract_check
from fuzzing.checks.rule_helpers import fail, update_route
from fuzzing.exchange import ADD_RUN
from fuzzing.facts import contract

INCLUDE_UNKNOWN = "include-unknown-enum-members"


def preference_names(value: str | None) -> frozenset[str]:
    """The preference names of a `Prefer` or `Preference-Applied` value, lower-cased (RFC 7240:
    `name[=value][; parameter]`, comma-separated, the list split as its grammar reads it by the
    standard library's `parse_http_list`: a comma inside a quoted value separates nothing, so
    `foo="x, include-unknown-enum-members"` names only `foo`)."""
    if value is None:
        return frozenset()
    names = (
        item.split(";", 1)[0].split("=", 1)[0].strip().lower() for item in parse_http_list(value)
    )
    return frozenset(name for name in names if name)


@contract_check(covers=("D20", "header:Preference-Applied"))
def preferences_honoured(evidence: Evidence) -> None:
    """A run in a 200 comes with `Preference-Applied: include-unknown-enum-members` exactly when
    the request preferred it, and without it holds no status added after `unknownFutureValue`;
    a 204 to Add run says no `Preference-Applied`."""
    exchange = evidence.exchange
    route = exchange.route
    if route is None:
        return
    wanted = preference_names(exchange.request_header("prefer"))
    applied = preference_names(exchange.response_header("preference-applied"))
    problems = []
    if route.operation == ADD_RUN and exchange.status == 204 and applied:
        problems.append(f"a 204 carries no run, yet `Preference-Applied` names {sorted(applied)}")
    run = exchange.response_json
    if update_route(exchange) is not None and exchange.status == 200 and isinstance(run, dict):
        preferred = INCLUDE_UNKNOWN in wanted
        if preferred and INCLUDE_UNKNOWN not in applied:
            problems.append(
                f"`Prefer: {INCLUDE_UNKNOWN}` was sent, and `Preference-Applied` does not say it"
            )
        if not preferred and INCLUDE_UNKNOWN in applied:
            problems.append(f"`Preference-Applied` names {INCLUDE_UNKNOWN}, which was not sent")
        status = run.get("status")
        known = contract().response_statuses_up_to_sentinel
        if not preferred and isinstance(status, str) and status not in known:
            problems.append(
                f"`status` is {status!r}, not one of {sorted(known)}: a status added after "
                f"the sentinel goes only to a caller that sent `Prefer: {INCLUDE_UNKNOWN}`"
            )
    fail("`Prefer` was not honoured as the contract says", exchange, problems)
