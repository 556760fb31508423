"""Rules every response keeps, whatever was asked.

No body on a 204, errors as OData errors, request ids, a run's type annotation as the contract
names it, and nothing of the server's internals in what an error says.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import unquote

from fuzzing.checks.evidence import Evidence
from fuzzing.checks.registry import contract_check
from fuzzing.checks.rule_helpers import fail, update_route
from fuzzing.comparison import short
from fuzzing.exchange import NOT_JSON
from fuzzing.facts import contract

_CLIENT_REQUEST_ID = re.compile(r"^[\x21-\x7e]{1,128}$")
# What a stack trace, an exception or a server-side path looks like in a response body.
_LEAK_PATTERNS = (
    re.compile(r"Traceback \(most recent call last\)"),
    re.compile(r'File "[^"]+", line \d+'),
    re.compile(r"\b[\w/.-]+\.py\b"),
    re.compile(r"(?:^|[\s\"'(=])/(?:usr|home|opt|srv|var|tmp|app|work|root|lib)/[\w./-]+"),
    re.compile(r"\b[A-Za-z]:\\\\?[\w\\. -]+"),
    re.compile(r"\b(?:KeyError|TypeError|AttributeError|IndexError|NameError|ValueError)\b"),
    re.compile(r"\b(?:sqlite3|psycopg|starlette|uvicorn|jsonschema)\.[A-Za-z_]\w*"),
)


@contract_check(covers=("D1", "status:addRun:204"))
def no_body_on_204(evidence: Evidence) -> None:
    """A 204 carries no content (RFC 9110 §15.3.5), and so no length or media type of one."""
    exchange = evidence.exchange
    if exchange.status != 204:
        return
    problems = []
    length = exchange.response_header("content-length")
    if length not in (None, "0"):
        problems.append(f"Content-Length: {length}")
    media_type = exchange.response_header("content-type")
    if media_type is not None:
        problems.append(f"Content-Type: {media_type}")
    if exchange.response_body:
        problems.append(f"body: {short(exchange.response_body)}")
    fail("204 No Content with a body", exchange, problems)


@contract_check(covers=("D8", "D27", "status:*:4*", "status:*:5*", "response:OData*"))
def errors_are_odata(evidence: Evidence) -> None:
    """Every 4xx and 5xx is a Graph OData error, sent as JSON."""
    exchange = evidence.exchange
    if exchange.status < 400:
        return
    problems = []
    if not exchange.answered_json:
        media_type = exchange.response_header("content-type")
        problems.append(f"Content-Type is {media_type!r}, not application/json")
    body = exchange.response_json
    if exchange.method == "HEAD":
        pass  # the answer to HEAD has a GET's headers and never a body (RFC 9110 §9.3.2)
    elif body is NOT_JSON:
        problems.append(f"the body is not JSON: {short(exchange.response_body)}")
    else:
        validator = contract().schema_validator("ODataError")
        problems.extend(
            f"{'/'.join(map(str, error.absolute_path)) or 'body'}: {error.message}"
            for error in validator.iter_errors(body)
        )
    fail(f"{exchange.status} is not an OData error", exchange, problems)


@contract_check(covers=("D8", "header:request-id", "header:client-request-id"))
def request_ids(evidence: Evidence) -> None:
    """Every response has a `request-id` (a UUID) and echoes the caller's `client-request-id`."""
    exchange = evidence.exchange
    problems = []
    request_id = exchange.response_header("request-id")
    if request_id is None:
        problems.append("no `request-id` header")
    else:
        try:
            valid = str(uuid.UUID(request_id)) == request_id.lower()
        except ValueError:
            valid = False
        if not valid:
            problems.append(f"`request-id` {request_id!r} is not a UUID")
    sent = exchange.request_header("client-request-id")
    if sent is not None and _CLIENT_REQUEST_ID.match(sent):
        echoed = exchange.response_header("client-request-id")
        if echoed != sent:
            problems.append(f"`client-request-id` {sent!r} was sent, {echoed!r} came back")
    fail("Request ids missing", exchange, problems)


@contract_check(covers=("D4", "D18", "response:run.@odata.type:*"))
def run_odata_type_valid(evidence: Evidence) -> None:
    """A run in a response has no `@odata.type` (OData's minimal metadata), or the run type.

    The response schema says only "a string" there, so that a client reads any spelling (D18);
    the contract still names one value, and this holds a server to it.
    """
    exchange = evidence.exchange
    run = exchange.response_json
    if update_route(exchange) is None or exchange.status != 200 or not isinstance(run, dict):
        return
    expected = contract().run_odata_type
    if "@odata.type" in run and run["@odata.type"] != expected:
        fail(
            "The run's @odata.type is not the run type",
            exchange,
            [f"`@odata.type` is {short(run['@odata.type'])}, not {expected!r} (or absent)"],
        )


def _strings(value: Any) -> list[str]:
    """Every string in a JSON value, keys included, as a program reading it sees them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (key, *_strings(item))]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


@contract_check(covers=("D8", "status:*:500"))
def no_internal_leaks(evidence: Evidence) -> None:
    """No error body shows a stack trace, an exception name or a path on the server.

    Text the request itself carried is not a leak: error messages may quote the caller. Both
    sides are compared as decoded JSON strings, so escaping cannot hide a quote or fake a leak.
    """
    exchange = evidence.exchange
    if exchange.status < 400 or not exchange.response_body:
        return
    answer = exchange.response_json
    if answer is NOT_JSON:
        text = exchange.response_body.decode("utf-8", errors="replace")
    else:
        text = "\n".join(_strings(answer))
    sent = "\n".join(
        [
            exchange.url,
            unquote(exchange.url),
            (exchange.request_body or b"").decode("utf-8", errors="replace"),
            *_strings(exchange.request_json),
            *exchange.request_headers.values(),
        ]
    )
    problems = []
    for pattern in _LEAK_PATTERNS:
        for match in pattern.finditer(text):
            found = match.group(0).strip(" \"'(=")
            if found and found not in sent:
                problems.append(f"{found!r} in {short(text, 300)}")
                break
    fail("The error body leaks server internals", exchange, problems)
