"""The spec's own rules on one exchange: which operation it is, and whether the request and the
response keep that operation's parameters, media types, schemas, statuses and headers.

Both the finding of the operation (at any base path) and the verdict are the contract core's
(`contract.api`, through the fuzzer's `contract()`): the traffic checker, the server and the
fuzzer judge a value alike. What is decided here is how much each problem weighs.

A request that breaks the spec is the client's mistake, and a server that refuses it keeps the
contract; only a request that breaks the spec *and* is accepted (2xx) counts against the server.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contract.api import Operation
from fuzzing.exchange import NOT_JSON, Exchange
from fuzzing.facts import contract

ACCEPTED_INVALID_REQUEST = "accepted_invalid_request"
REQUEST_BREAKS_SPEC = "request_breaks_spec"
# The rule each kind of response problem is reported under. A body where the contract documents
# none is judged by the `no_body_on_204` check, which runs on traffic too: not twice.
_RESPONSE_RULES = {
    "status": "response_status",
    "header": "response_headers",
    "content_type": "response_content_type",
    "body": "response_schema",
}


@dataclass(frozen=True)
class Breach:
    """One rule of the spec that an exchange broke; `rule` names it in the reports."""

    rule: str
    message: str


def match(method: str, url: str) -> tuple[Operation | None, str | None, dict[str, str]]:
    """The operation `method url` calls, the path template it falls under, and the path values.

    The template is matched at the end of the URL's path, so the base path may be any (`/beta`
    on Graph, whatever a staging server uses). An undocumented method on a documented path gives
    the template without an operation; an undocumented path gives neither.
    """
    found = contract().locate(method, url)
    if found is None:
        return None, None, {}
    return found.operation, found.template, dict(found.values)


def _parsed(value: Any) -> Any:
    def read() -> Any:
        if value is NOT_JSON:
            raise ValueError("not JSON")
        return value

    return read


def request_breaches(
    operation: Operation, exchange: Exchange, path_values: Mapping[str, str]
) -> list[Breach]:
    """What in the request breaks `operation`'s parameters, security or request body."""
    problems = operation.request_problems(
        path_values,
        exchange.request_header,
        exchange.request_body or b"",
        _parsed(exchange.request_json),
    )
    return [Breach(REQUEST_BREAKS_SPEC, problem.message) for problem in problems]


def response_breaches(operation: Operation, exchange: Exchange) -> list[Breach]:
    """What in the response breaks `operation`'s statuses, headers and content."""
    problems = operation.response_problems(
        exchange.status,
        exchange.response_header,
        exchange.response_body,
        _parsed(exchange.response_json),
        head=exchange.method == "HEAD",
    )
    return [
        Breach(_RESPONSE_RULES[problem.kind], problem.message)
        for problem in problems
        if problem.kind in _RESPONSE_RULES
    ]


def judge(operation: Operation, exchange: Exchange, path_values: Mapping[str, str]) -> list[Breach]:
    """The spec's verdict on one exchange: response breaches, and a broken request that the
    server accepted. A broken request it refused comes back as a note (`REQUEST_BREAKS_SPEC`),
    and as a breach too when the refusal is a 4xx the operation lists by no code of its own."""
    breaches = response_breaches(operation, exchange)
    request = request_breaches(operation, exchange, path_values)
    if request and 200 <= exchange.status < 300:
        details = "; ".join(breach.message for breach in request)
        breaches.append(
            Breach(
                ACCEPTED_INVALID_REQUEST,
                f"answered {exchange.status} to a request the spec refuses: {details}",
            )
        )
    elif request:
        breaches += request
        breaches += _unlisted_refusal(operation, exchange.status)
    return breaches


# Statuses an operation lists for a well-formed request only: Add run's 409 (a key in flight)
# and 422 (a key used with another body, D28). A request that breaks the spec gets neither.
_FOR_WELL_FORMED = frozenset({"409", "422"})


def _unlisted_refusal(operation: Operation, status: int) -> list[Breach]:
    """A request that breaks the spec is refused with one of the refusals the operation lists
    by code (400 for a body or parameter that breaks its schema, D15). `4XX` documents every
    other client error's body (D27), not another status for these, and 409 and 422 answer a
    well-formed request's key (D28): a 422 here is a breach, as it was before either existed."""
    listed_codes = [
        code
        for code in operation.responses
        if code.startswith("4") and code != "4XX" and code not in _FOR_WELL_FORMED
    ]
    if not 400 <= status < 500 or str(status) in listed_codes:
        return []
    listed = ", ".join(listed_codes)
    return [
        Breach(
            _RESPONSE_RULES["status"],
            f"answered {status} to a request the spec refuses; {operation.operation_id} refuses "
            f"such a request with one of {listed} (400 when it breaks the schema), and documents "
            f"{status} only as any other client error (4XX)",
        )
    ]


def dumps(value: Any) -> str:
    """Compact JSON for messages."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
