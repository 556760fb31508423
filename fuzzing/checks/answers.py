"""Rules about what a successful answer carries: the run as the spec describes it.

schemathesis judges its own responses against the schema; this check judges every exchange the
same way, the probes' too, so that a run that breaks the schema is seen wherever it shows up.
"""

from __future__ import annotations

from fuzzing.checks.evidence import Evidence
from fuzzing.checks.registry import contract_check
from fuzzing.checks.rule_helpers import fail, update_route
from fuzzing.comparison import short
from fuzzing.exchange import NOT_JSON
from fuzzing.facts import contract


@contract_check(
    covers=(
        "D4",
        "D9",
        "D18",
        "status:update*:200",
        "header:ETag",
        "response:run*",
        "response:dateTimeOffsetUtc:*",
        "response:blockingError*",
        "response:blockingInnerError*",
    )
)
def updated_run_matches_schema(evidence: Evidence) -> None:
    """A 200 to Update run is `application/json`, a run as the spec's schema has it, with an
    `ETag` as the spec's header has it."""
    exchange = evidence.exchange
    route = update_route(exchange)
    if route is None or exchange.status != 200:
        return
    problems = []
    if not exchange.answered_json:
        media_type = exchange.response_header("content-type")
        problems.append(f"Content-Type is {media_type!r}, not application/json")
    etag = exchange.response_header("etag")
    if etag is None:
        problems.append("no `ETag` header")
    elif not contract().header("ETag").accepts(etag):
        pattern = contract().header_schema("ETag").get("pattern")
        problems.append(f"`ETag` {etag!r} does not match {pattern}")
    body = exchange.response_json
    validator = contract().response_validator(route.operation, 200)
    if body is NOT_JSON:
        problems.append(f"the body is not JSON: {short(exchange.response_body)}")
    elif validator is not None:
        problems.extend(
            f"{'/'.join(map(str, error.absolute_path)) or 'body'}: {short(error.message)}"
            for error in validator.iter_errors(body)
        )
    fail("The updated run breaks the spec's schema", exchange, problems)
