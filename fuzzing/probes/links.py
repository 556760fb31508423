"""Probes of Add run with a reference body: linking a run that exists into a run's process.

schemathesis draws `@odata.id` URLs at random, which almost never name a run of the target; these
send the ones the contract names (D17): a run of the same flow at the target's own URL and at the
published contract's server URL, the same link again, and each URL the contract refuses (400:
malformed, another flow, the parent itself, the unpublished dev server; 404: a run that does not
exist); `unresolved_references` sends those that URL libraries would rewrite into a run's URL (dot
segments, invalid percent-escapes), early, as they take few requests. The probes make their own
runs (so any target will do): a parent, and a run in another run's process to link into the
parent's.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from fuzzing.checks.runs import linked_run_reachable
from fuzzing.comparison import properties, short, unchanged
from fuzzing.exchange import Exchange
from fuzzing.facts import REFERENCE, contract
from fuzzing.probes.prober import Prober, as_json, new_run, probe
from fuzzing.target import run_url

CHECK = "reference_linked"


def _added(prober: Prober, parent: str, name: str) -> str | None:
    """A new run in the process of `parent`; its id, or None when Add run failed (reported)."""
    add = prober.send("POST", prober.target.add_run_url(parent), as_json(new_run(displayName=name)))
    located = add.location_route
    if not prober.expect(add, {204}, "add_run_created", "a valid new run") or located is None:
        return None
    return located.target[1]  # `Location` may name it by its flow path or through the process


def _link(prober: Prober, parent: str, url: str) -> Exchange:
    return prober.send("POST", prober.target.add_run_url(parent), as_json({REFERENCE: url}))


def _kept(prober: Prober, exchange: Exchange, before: dict[str, object], run: str) -> None:
    """The linked run's properties are as they were before it was linked."""
    after = prober.read((prober.target.flow_id, run)).run
    now = properties(after) if after is not None else {}
    changed = [
        f"`{name}`: {short(value)} before, {short(now.get(name))} after"
        for name, value in properties(before).items()
        if name not in now or not unchanged(name, value, now[name])
    ]
    if changed:
        message = "Linking changed the linked run\n" + "\n".join(f"- {c}" for c in changed)
        prober.report(CHECK, exchange, f"{message}\n{exchange.describe()}")


@probe(
    order=140,
    covers=("D11", "D17", "D23", "status:addRun:204", "status:addRun:400", "status:addRun:404"),
)
def references(prober: Prober) -> None:
    """A reference links the run it names (204, again on a retry) and nothing else; the refused
    ones are 400 or 404 and link nothing."""
    target = prober.target
    parent = _added(prober, target.run_id, "probe: parent of links")
    linked = _added(prober, target.process_run_id, "probe: run to link")
    if parent is None or linked is None:
        return
    own_url = run_url(target.base_url, (target.flow_id, linked))
    before = prober.state((target.flow_id, linked))
    for attempt in ("once", "again"):
        exchange = _link(prober, parent, own_url)
        if prober.expect(exchange, {204}, CHECK, f"a reference to a run of the flow ({attempt})"):
            prober.judge(linked_run_reachable, exchange)
            _kept(prober, exchange, before, linked)
    for server in contract().server_urls()[:1]:
        other = _added(prober, target.process_run_id, "probe: run to link by the server URL")
        if other is not None:
            exchange = _link(prober, parent, run_url(server, (target.flow_id, other)))
            if prober.expect(
                exchange, {204}, CHECK, f"a reference at the contract's server {server}"
            ):
                prober.judge(linked_run_reachable, exchange)
    _refused(prober, parent)


def _refused(prober: Prober, parent: str) -> None:
    """Each URL the contract refuses is 400 (404 for a run that does not exist), and afterwards
    the run each one might be read as naming is not in the parent's process."""
    target = prober.target
    base = target.base_url
    fresh = _added(prober, target.process_run_id, "probe: run never linked")
    if fresh is None:
        return
    run = quote(fresh, safe="")
    flow_url = run_url(base, (target.flow_id, fresh)).rsplit("/runs/", 1)[0]
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}"
    path = flow_url.removeprefix(base)
    cases = [
        (f"{path}/runs/{run}", "a relative URL"),
        (f"https://example.invalid{parts.path}{path}/runs/{run}", "another host"),
        (f"{origin}/other-base{path}/runs/{run}", "another base path"),
        (flow_url, "the URL of a flow, not a run"),
        (f"{flow_url}/runs/{run}/", "a trailing slash"),
        (f"{flow_url}/runs/{run}?select=id", "a query"),
        (f"{flow_url}/runs/{run}#id", "a fragment"),
        (f"{flow_url}/runs/%2E%2E", "a dot segment"),
        (f"{flow_url}/runs/%24{run}", "an id starting with $"),
        (run_url(base, (f"other-{target.flow_id}", fresh)), "this flow's run id, in another flow"),
        (run_url(base, (target.flow_id, parent)), "the parent itself"),
    ]
    # The dev server is not part of the published contract: a URL there names a run only when
    # the request itself went there.
    cases += [
        (run_url(server, (target.flow_id, fresh)), f"the unpublished dev server {server}")
        for server in contract().internal_server_urls()
        if server != base.rstrip("/")
    ]
    sent = _each_refused(prober, parent, [(url, f"a reference to {what}") for url, what in cases])
    missing = run_url(base, (target.flow_id, f"never-created-{fresh}"))
    prober.expect(_link(prober, parent, missing), {404}, CHECK, "a reference to no run")
    _never_linked(prober, parent, (fresh, parent), sent)


@probe(order=35, covers=("D11", "D17", "status:addRun:400"))
def unresolved_references(prober: Prober) -> None:
    """A reference with a dot segment (`x/../id`, `%2e%2e`) or an invalid percent-escape is a
    400 taken as sent: never resolved into a run's URL and linked, never a 404 for a run."""
    target = prober.target
    parent = _added(prober, target.run_id, "probe: parent of unresolved links")
    fresh = _added(prober, target.process_run_id, "probe: run never linked by a dot segment")
    if parent is None or fresh is None:
        return
    run = quote(fresh, safe="")
    flow_url = run_url(target.base_url, (target.flow_id, fresh)).rsplit("/runs/", 1)[0]
    other = quote(target.process_run_id, safe="")
    cases = [
        (f"{flow_url}/runs/{other}/../{run}", "a dot segment before the id"),
        (f"{flow_url}/runs/{other}/%2e%2e/{run}", "an escaped dot segment before the id"),
        (f"{flow_url}/runs/{run}%zz", "an invalid percent-escape"),
        (f"{flow_url}/runs/{run}%", "a '%' at the end"),
    ]
    sent = _each_refused(prober, parent, [(url, f"a reference with {what}") for url, what in cases])
    _never_linked(prober, parent, (fresh,), sent)


def _each_refused(prober: Prober, parent: str, cases: list[tuple[str, str]]) -> Exchange | None:
    """Link each URL into `parent`'s process, expecting 400; the last exchange sent."""
    sent = None
    for url, what in cases:
        sent = _link(prober, parent, url)
        prober.expect(sent, {400}, CHECK, what)
    return sent


def _never_linked(
    prober: Prober, parent: str, run_ids: tuple[str, ...], sent: Exchange | None
) -> None:
    """After refused links only, none of `run_ids` is in `parent`'s process: a read there is 404."""
    for run_id in run_ids:
        reading = prober.read((prober.target.flow_id, run_id), process_of=parent)
        if reading.status != 404 and sent is not None:
            prober.report(
                CHECK,
                sent,
                f"run {run_id!r} is in the process of {parent!r} after every link to it was "
                f"refused: reading it there answered {reading.status}, not 404",
            )
