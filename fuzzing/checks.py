"""Checks of this API's contract that schemathesis does not have.

Each rule is a plain function of an `Exchange` (plus, for rules about state, what the ledger
knew before the request), failing with an `AssertionError` that says what was sent, what came
back and what the contract wants. The same functions judge the probes' exchanges; the
`@schemathesis.check` functions at the end adapt them to schemathesis.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import schemathesis

from fuzzing.comparison import mismatches, short, unchanged
from fuzzing.exchange import (
    ADD_RUN,
    NOT_JSON,
    UPDATE_PROCESS_RUN,
    UPDATE_RUN,
    Exchange,
    Route,
    exchange_of,
)
from fuzzing.ledger import LEDGER, Reading, read_run
from fuzzing.retry import TRANSIENT
from fuzzing.spec import contract

if TYPE_CHECKING:
    from schemathesis import CheckContext, Response
    from schemathesis.generation.case import Case

_UPDATES = (UPDATE_RUN, UPDATE_PROCESS_RUN)
_CLIENT_REQUEST_ID = re.compile(r"^[\x21-\x7e]{1,128}$")
_JSON_MEDIA_TYPE = re.compile(r"^application/json\s*(;.*)?$", re.IGNORECASE)
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


# Checks that read a run say how, since that read is itself an Update run.
_READ_NOTE = (
    "(The run was read with a PATCH that sends only `@odata.type`; an Update run that changes "
    "properties it was not sent shows here too.)"
)


def _fail(title: str, exchange: Exchange, problems: list[str], note: str = "") -> None:
    if problems:
        details = "\n".join(f"- {problem}" for problem in problems)
        ending = f"\n{note}" if note else ""
        raise AssertionError(f"{title}\n{exchange.describe()}\n{details}{ending}")


def _sent_object(exchange: Exchange) -> dict[str, Any] | None:
    body = exchange.request_json
    return body if isinstance(body, dict) else None


def _update_route(exchange: Exchange) -> Route | None:
    """The route of an Update run (either path), or None for any other request."""
    route = exchange.route
    return route if route is not None and route.operation in _UPDATES else None


def check_patch_echoes_request(exchange: Exchange) -> None:
    """A 200 to Update run holds every property as it was sent: nothing dropped or altered."""
    route = _update_route(exchange)
    sent = _sent_object(exchange)
    if route is None or exchange.status != 200 or sent is None:
        return
    run = exchange.response_json
    if not isinstance(run, dict):
        _fail("Update run answered 200 without a run", exchange, ["the body is not a JSON object"])
        return
    problems = []
    if run.get("id") != route.target[1]:
        problems.append(f"`id` is {run.get('id')!r}, the path names run {route.target[1]!r}")
    problems += mismatches(sent, run, missing="`{name}` was sent but is missing from the response")
    _fail("The updated run does not hold what was sent", exchange, problems)


def check_patch_keeps_unsent(exchange: Exchange, before: dict[str, Any] | None) -> None:
    """A 200 to Update run leaves every property it was not sent as it was before."""
    sent = _sent_object(exchange)
    run = exchange.response_json
    if (
        _update_route(exchange) is None
        or exchange.status != 200
        or sent is None
        or before is None
        or not isinstance(run, dict)
    ):
        return
    problems = []
    for name, value in before.items():
        if name in sent:
            continue
        if name not in run:
            problems.append(f"`{name}` was not sent, and is now missing (was {short(value)})")
            continue
        if not unchanged(name, value, run[name]):
            problems.append(
                f"`{name}` was not sent, yet changed from {short(value)} to {short(run[name])}"
            )
    _fail("Update run changed properties it was not sent", exchange, problems)


def check_no_body_on_204(exchange: Exchange) -> None:
    """A 204 carries no content (RFC 9110 §15.3.5), and so no length or media type of one."""
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
    _fail("204 No Content with a body", exchange, problems)


def check_unknown_properties_rejected(exchange: Exchange) -> None:
    """A body with properties the schema does not name (the read-only `id` too) is refused."""
    route = exchange.route
    sent = _sent_object(exchange)
    if route is None or sent is None or not 200 <= exchange.status < 300:
        return
    unknown = sorted(set(sent) - contract().body_properties(route.operation))
    error = sent.get("blockingError")
    if isinstance(error, dict):
        nested = set(error) - contract().nested_error_properties
        unknown += sorted(f"blockingError.{name}" for name in nested)
    problems = [f"unknown property `{name}` was accepted" for name in unknown]
    _fail("Unknown properties accepted", exchange, problems)


def check_sentinel_rejected(exchange: Exchange) -> None:
    """The evolvable-enum sentinel (`unknownFutureValue`) may be returned, never set."""
    sent = _sent_object(exchange)
    if exchange.route is None or sent is None or not 200 <= exchange.status < 300:
        return
    status = sent.get("status")
    if isinstance(status, str) and status in contract().sentinel_statuses:
        _fail("The sentinel status was accepted", exchange, [f"`status` {status!r} was accepted"])


def check_errors_are_odata(exchange: Exchange) -> None:
    """Every 4xx and 5xx is a Graph OData error, sent as JSON."""
    if exchange.status < 400:
        return
    problems = []
    media_type = exchange.response_header("content-type")
    if media_type is None or not _JSON_MEDIA_TYPE.match(media_type):
        problems.append(f"Content-Type is {media_type!r}, not application/json")
    body = exchange.response_json
    if body is NOT_JSON:
        problems.append(f"the body is not JSON: {short(exchange.response_body)}")
    else:
        validator = contract().validator("ODataError")
        problems.extend(
            f"{'/'.join(map(str, error.absolute_path)) or 'body'}: {error.message}"
            for error in validator.iter_errors(body)
        )
    _fail(f"{exchange.status} is not an OData error", exchange, problems)


def check_request_ids(exchange: Exchange) -> None:
    """Every response has a `request-id` (a UUID) and echoes the caller's `client-request-id`."""
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
    _fail("Request ids missing", exchange, problems)


def _strings(value: Any) -> list[str]:
    """Every string in a JSON value, keys included, as a program reading it sees them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (key, *_strings(item))]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def check_no_internal_leaks(exchange: Exchange) -> None:
    """No error body shows a stack trace, an exception name or a path on the server.

    Text the request itself carried is not a leak: error messages may quote the caller. Both
    sides are compared as decoded JSON strings, so escaping cannot hide a quote or fake a leak.
    """
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
    _fail("The error body leaks server internals", exchange, problems)


def check_rejected_changed_nothing(
    exchange: Exchange, before: dict[str, Any] | None, after: Reading | None
) -> None:
    """A refused update leaves the run exactly as it was: nothing is partly applied."""
    if _update_route(exchange) is None or exchange.status < 400 or before is None or after is None:
        return
    if after.status in TRANSIENT:
        return  # Rate-limited or unavailable even after waiting: nothing to compare.
    if after.run is None:
        _fail(
            "A refused update made the run unreadable",
            exchange,
            [f"the run answered {after.status} afterwards, 200 before"],
        )
        return
    problems = []
    for name in sorted(set(before) | set(after.run)):
        if name not in after.run:
            problems.append(f"`{name}` is gone (was {short(before[name])})")
        elif name not in before:
            problems.append(f"`{name}` appeared: {short(after.run[name])}")
        elif not unchanged(name, before[name], after.run[name]):
            problems.append(
                f"`{name}` changed from {short(before[name])} to {short(after.run[name])}"
            )
    title = f"The request was refused with {exchange.status}, yet changed the run"
    _fail(title, exchange, problems, _READ_NOTE)


def check_created_run(exchange: Exchange, reading: Reading | None) -> None:
    """A 204 to Add run names the new run in `Location`, and that run holds what was sent."""
    route = exchange.route
    sent = _sent_object(exchange)
    if route is None or route.operation != ADD_RUN or exchange.status != 204 or sent is None:
        return
    location = exchange.location
    created = exchange.location_route
    if location is None or created is None or created.operation != UPDATE_RUN:
        _fail("Add run did not name a run", exchange, [f"`Location` is {location!r}"])
        return
    if created.flow != route.flow or reading is None:
        _fail("Add run named a run elsewhere", exchange, [f"`Location` is {location!r}"])
        return
    if reading.run is None:
        _fail(
            "The run Add run named cannot be found",
            exchange,
            [f"`Location` is {location!r}; updating it answered {reading.status}"],
        )
        return
    problems = []
    if reading.run.get("id") != created.run:
        problems.append(f"the run at {location!r} has id {reading.run.get('id')!r}")
    expected = {"endDateTime": None, "blockingError": None, **sent}
    problems += mismatches(
        expected, reading.run, missing="`{name}` is missing from the created run"
    )
    _fail("The created run does not hold what was sent", exchange, problems, _READ_NOTE)


def check_not_upserted(exchange: Exchange, known_before: bool) -> None:
    """A run (or process link) that was never created is 404: never created on the fly."""
    route = exchange.route
    if route is None or known_before or not 200 <= exchange.status < 300:
        return
    if route.operation == UPDATE_PROCESS_RUN:
        what = f"run {route.process_run!r} linked into the process of run {route.run!r}"
    else:
        what = f"run {route.target[1]!r}"
    _fail(
        f"{exchange.status} for an id that was never created",
        exchange,
        [f"{what} in flow {route.flow!r} was never created; the contract answers 404"],
    )


STATELESS_CHECKS = {
    "patch_echoes_request": check_patch_echoes_request,
    "no_body_on_204": check_no_body_on_204,
    "unknown_properties_rejected": check_unknown_properties_rejected,
    "sentinel_status_rejected": check_sentinel_rejected,
    "errors_are_odata": check_errors_are_odata,
    "request_ids": check_request_ids,
    "no_internal_leaks": check_no_internal_leaks,
}
"""The rules that need nothing but the exchange, by the name failures report."""


# schemathesis adapters: each names a rule as failures will show it.


@schemathesis.check
def patch_echoes_request(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """The PATCH response holds exactly what was sent; times at full precision."""
    check_patch_echoes_request(exchange_of(response))


@schemathesis.check
def patch_keeps_unsent(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """PATCH leaves the properties it was not sent as they were."""
    snapshot = LEDGER.snapshot(case.id)
    check_patch_keeps_unsent(exchange_of(response), snapshot.state if snapshot else None)


@schemathesis.check
def no_body_on_204(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """A 204 has no body."""
    check_no_body_on_204(exchange_of(response))


@schemathesis.check
def unknown_properties_rejected(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """Unknown properties are refused."""
    check_unknown_properties_rejected(exchange_of(response))


@schemathesis.check
def sentinel_status_rejected(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """`unknownFutureValue` is refused in requests."""
    check_sentinel_rejected(exchange_of(response))


@schemathesis.check
def errors_are_odata(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """Every 4xx and 5xx is an OData error."""
    check_errors_are_odata(exchange_of(response))


@schemathesis.check
def request_ids(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """`request-id` is present, `client-request-id` echoed."""
    check_request_ids(exchange_of(response))


@schemathesis.check
def no_internal_leaks(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """No error body leaks a stack trace or an internal path."""
    check_no_internal_leaks(exchange_of(response))


@schemathesis.check
def rejected_request_changed_nothing(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> None:
    """A refused update changes nothing; the run is read again to see."""
    exchange = exchange_of(response)
    route = _update_route(exchange)
    snapshot = LEDGER.snapshot(case.id)
    if route is None or exchange.status < 400 or snapshot is None or snapshot.state is None:
        return
    after = LEDGER.refresh(route.base_url, route.target)
    check_rejected_changed_nothing(exchange, snapshot.state, after)


@schemathesis.check
def created_run_holds_request(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """Add run's `Location` names a run that holds what was sent."""
    exchange = exchange_of(response)
    route = exchange.route
    if route is None or route.operation != ADD_RUN or exchange.status != 204:
        return
    created = exchange.location_route
    reading = None
    if created is not None and created.operation == UPDATE_RUN and created.flow == route.flow:
        reading = read_run(created.base_url, created.target)
        if reading.run is not None:
            LEDGER.record(route.base_url, created.target, reading.run)
    check_created_run(exchange, reading)


@schemathesis.check
def unknown_id_not_upserted(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """An id that was never created is 404, not created on the fly."""
    snapshot = LEDGER.snapshot(case.id)
    if snapshot is not None:
        check_not_upserted(exchange_of(response), snapshot.known)
