"""Rules about what requests do to runs, judged against the run before and after the request.

An update holds what was sent and keeps the rest; a refused update changes nothing; Add run
creates a run that holds what it was sent, where `Location` says, or links the run a reference
names, which its parent's process then reaches; an id never created is never created on the fly.
OData control information and annotations (names holding `@`) are not properties: they may come
and go (`@odata.etag` changes with every update), so only properties are compared.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urljoin, urlsplit

from contract.api import same_base
from fuzzing.checks.evidence import Evidence, Need
from fuzzing.checks.registry import contract_check
from fuzzing.checks.rule_helpers import READ_NOTE, fail, sent_object, update_route
from fuzzing.comparison import mismatches, properties, short, unchanged
from fuzzing.exchange import ADD_RUN, UPDATE_PROCESS_RUN, UPDATE_RUN, Exchange, Route, route_of
from fuzzing.facts import REFERENCE, contract
from fuzzing.retry import TRANSIENT


@contract_check(
    covers=("D9", "D15", "D35", "status:update*:200", "request:runUpdate.*:nullability")
)
def patch_echoes_request(evidence: Evidence) -> None:
    """A 200 to Update run holds every property as it was sent: nothing dropped or altered."""
    exchange = evidence.exchange
    route = update_route(exchange)
    sent = sent_object(exchange)
    if route is None or exchange.status != 200 or sent is None:
        return
    run = exchange.response_json
    if not isinstance(run, dict):
        fail("Update run answered 200 without a run", exchange, ["the body is not a JSON object"])
        return
    problems = []
    if run.get("id") != route.target[1]:
        problems.append(f"`id` is {run.get('id')!r}, the path names run {route.target[1]!r}")
    problems += mismatches(sent, run, missing="`{name}` was sent but is missing from the response")
    fail("The updated run does not hold what was sent", exchange, problems)


@contract_check(Need.LEDGER, covers=("D3", "status:update*:200"))
def patch_keeps_unsent(evidence: Evidence) -> None:
    """A 200 to Update run leaves every property it was not sent as it was before.

    Annotations (`@odata.etag` and the like) are not properties: they may change with any answer.
    """
    exchange = evidence.exchange
    sent = sent_object(exchange)
    run = exchange.response_json
    if (
        update_route(exchange) is None
        or exchange.status != 200
        or sent is None
        or not isinstance(run, dict)
    ):
        return
    before = evidence.ledger().state
    if before is None:
        return
    problems = []
    for name, value in properties(before).items():
        if name in sent:
            continue
        if name not in run:
            problems.append(f"`{name}` was not sent, and is now missing (was {short(value)})")
            continue
        if not unchanged(name, value, run[name]):
            problems.append(
                f"`{name}` was not sent, yet changed from {short(value)} to {short(run[name])}"
            )
    fail("Update run changed properties it was not sent", exchange, problems)


@contract_check(
    Need.LEDGER,
    Need.ACTIVE_READ,
    covers=("D12", "status:update*:400", "status:update*:412", "status:update*:413"),
)
def rejected_request_changed_nothing(evidence: Evidence) -> None:
    """A refused update leaves the run's properties exactly as they were: nothing partly applied."""
    exchange = evidence.exchange
    route = update_route(exchange)
    if route is None or exchange.status < 400:
        return
    before = evidence.ledger().state
    if before is None:
        return
    after = evidence.read(route.own)  # at its own URL: a refused process update may be a 404
    if after.status in TRANSIENT:
        return  # Rate-limited or unavailable even after waiting: nothing to compare.
    if after.run is None:
        fail(
            "A refused update made the run unreadable",
            exchange,
            [f"the run answered {after.status} afterwards, 200 before"],
        )
        return
    problems = []
    was, now = properties(before), properties(after.run)
    for name in sorted(set(was) | set(now)):
        if name not in now:
            problems.append(f"`{name}` is gone (was {short(was[name])})")
        elif name not in was:
            problems.append(f"`{name}` appeared: {short(now[name])}")
        elif not unchanged(name, was[name], now[name]):
            problems.append(f"`{name}` changed from {short(was[name])} to {short(now[name])}")
    title = f"The request was refused with {exchange.status}, yet changed the run"
    fail(title, exchange, problems, READ_NOTE)


def created_route(exchange: Exchange, added: Route) -> tuple[Route | None, str]:
    """The run that Add run's `Location` names, to be read at the base the request used; or
    None and why `Location` names no run that Add run can have created.

    `Location` may name the run by its path in the flow or through the process it was added to
    (`.../runs/{runId}/process/runs/{newId}`), absolute under any host (the spec's own example
    names graph.microsoft.com), but under the base path the request used.
    """
    named = exchange.location_route
    if named is None or named.operation == ADD_RUN:
        return None, "it names no run"
    if named.flow != added.flow:
        return None, f"it names a run of flow {named.flow!r}, not of {added.flow!r}"
    if named.operation == UPDATE_PROCESS_RUN and named.run != added.run:
        return None, (
            f"it names the run through the process of run {named.run!r}, while the run was "
            f"added to the process of run {added.run!r}"
        )
    if urlsplit(named.base_url).path != urlsplit(added.base_url).path:
        return None, f"it is not under the base path of the request ({added.base_url})"
    return replace(named, base_url=added.base_url), ""


@contract_check(Need.ACTIVE_READ, covers=("D1", "status:addRun:204", "header:Location"))
def created_run_holds_request(evidence: Evidence) -> None:
    """A 204 to Add run names the new run in `Location`, and that run holds what was sent.

    Whether `Location` names a run of the same flow is judged from the exchange alone; only what
    the run holds needs a read (through the path `Location` gives).
    """
    exchange = evidence.exchange
    route = exchange.route
    sent = sent_object(exchange)
    if route is None or route.operation != ADD_RUN or exchange.status != 204 or sent is None:
        return
    if REFERENCE in sent:
        return  # a link, not a creation: `linked_run_reachable` judges it
    location = exchange.location
    created, why = created_route(exchange, route)
    if location is None or created is None:
        fail(
            "Add run did not name a run",
            exchange,
            [f"`Location` is {location!r}: {why or 'none'}"],
        )
        return
    reading = evidence.read(created)
    if reading.run is None:
        fail(
            "The run Add run named cannot be found",
            exchange,
            [f"`Location` is {location!r}; updating it answered {reading.status}"],
            READ_NOTE,
        )
        return
    problems = []
    if reading.run.get("id") != created.target[1]:
        problems.append(f"the run at {location!r} has id {reading.run.get('id')!r}")
    expected = {"endDateTime": None, "blockingError": None, **sent}
    problems += mismatches(
        expected, reading.run, missing="`{name}` is missing from the created run"
    )
    fail("The created run does not hold what was sent", exchange, problems, READ_NOTE)


@contract_check(Need.ACTIVE_READ, covers=("D17", "status:addRun:204", "header:Location"))
def linked_run_reachable(evidence: Evidence) -> None:
    """A 204 to Add run with a reference linked the run it names: a run of the same flow at this
    service, not the parent itself, named again by `Location`, and now in the parent's process.

    Which run the reference names, and whether it may be linked, is judged from the exchange
    alone; only whether the parent's process reaches it needs a read.
    """
    exchange = evidence.exchange
    route = exchange.route
    sent = sent_object(exchange)
    if route is None or route.operation != ADD_RUN or exchange.status != 204 or sent is None:
        return
    url = sent.get(REFERENCE)
    if not isinstance(url, str):
        return
    refusal = reference_refusal(route, url)
    if refusal is not None:
        fail("Add run linked what the contract refuses (400)", exchange, [refusal])
    named = route_of(url)
    assert named is not None
    located = exchange.location_route
    if located is None or (located.flow, located.run) != (named.flow, named.run):
        fail(
            "Add run's `Location` does not name the linked run",
            exchange,
            [f"`Location` is {exchange.location!r}; the reference named {url!r}"],
        )
        return
    through = replace(route, operation=UPDATE_PROCESS_RUN, process_run=named.run)
    reading = evidence.read(through)
    if reading.run is None or reading.run.get("id") != named.run:
        found = reading.status if reading.run is None else f"run {reading.run.get('id')!r}"
        fail(
            "The linked run is not in the parent's process",
            exchange,
            [f"updating run {named.run!r} through the process of {route.run!r} answered {found}"],
            READ_NOTE,
        )


def reference_refusal(route: Route, url: str) -> str | None:
    """Why the contract refuses (400) to link the run `url` names into `route`'s process, or None.

    The URL must name a run of the same flow at this service (the request's base URL or one of
    the published contract's servers, never an `x-internal` one), with no query or fragment and
    ids the spec accepts, and not the parent.
    """
    named = route_of(url)
    parts = urlsplit(url)
    if named is None or named.operation != UPDATE_RUN:
        return f"`{REFERENCE}` {url!r} names no run"
    if not any(
        same_base(named.base_url, base) for base in (route.base_url, *contract().server_urls())
    ):
        return f"`{REFERENCE}` {url!r} names a run at another service"
    if parts.query or parts.fragment:
        return f"`{REFERENCE}` {url!r} has a query or fragment"
    if not all(map(contract().is_entity_id, (named.flow, named.run))):
        return f"`{REFERENCE}` {url!r} has an id the spec refuses"
    if named.flow != route.flow:
        return f"`{REFERENCE}` names a run of flow {named.flow!r}, not {route.flow!r}"
    if named.run == route.run:
        return f"`{REFERENCE}` names run {route.run!r} itself"
    return None


@contract_check(Need.LEDGER, covers=("status:*:404",))
def unknown_id_not_upserted(evidence: Evidence) -> None:
    """A run (or process link) that was never created is 404: never created on the fly."""
    exchange = evidence.exchange
    route = exchange.route
    if route is None or not 200 <= exchange.status < 300 or evidence.ledger().known:
        return
    if route.operation == UPDATE_PROCESS_RUN:
        what = f"run {route.process_run!r} linked into the process of run {route.run!r}"
    else:
        what = f"run {route.target[1]!r}"
    fail(
        f"{exchange.status} for an id that was never created",
        exchange,
        [f"{what} in flow {route.flow!r} was never created; the contract answers 404"],
    )


@contract_check(covers=("D1", "header:Location"))
def location_names_new_run(evidence: Evidence) -> None:
    """A 204 to Add run names in `Location` the run it added, never the run whose process grew."""
    exchange = evidence.exchange
    route = exchange.route
    if route is None or route.operation != ADD_RUN or exchange.status != 204:
        return
    created = exchange.location_route
    if created is not None and created.target == (route.flow, route.run):
        fail(
            "Add run named the run it was sent to",
            exchange,
            [f"`Location` is {exchange.location!r}: the run whose process grew, not the one added"],
        )


@contract_check(covers=("D1", "header:OData-EntityId", "status:addRun:204"))
def entity_id_is_location(evidence: Evidence) -> None:
    """A 204 to Add run gives the run's OData id in `OData-EntityId`, the URL `Location` gives
    (OData Protocol 4.01 §8.3.4): an OData client takes the id from one, a plain HTTP client
    from the other, and both must reach the same run. Required as the spec documents it."""
    exchange = evidence.exchange
    route = exchange.route
    if route is None or route.operation != ADD_RUN or exchange.status != 204:
        return
    documented = contract().operations[ADD_RUN].responses.get("204")
    declared = documented.headers.get("odata-entityid") if documented else None
    entity_id = exchange.response_header("odata-entityid")
    if entity_id is None:
        problems = ["no `OData-EntityId` header"] if declared and declared.required else []
    elif exchange.location is not None and urljoin(exchange.url, entity_id) != exchange.location:
        problems = [f"`OData-EntityId` is {entity_id!r}, `Location` {exchange.location!r}"]
    else:
        problems = []
    fail("Add run's `OData-EntityId` does not name the run `Location` names", exchange, problems)
