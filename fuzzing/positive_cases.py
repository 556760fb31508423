"""Positive cases that reach the success path: real references and current `If-Match` values.

Generated from the schema alone, Add run's reference body names a run by a random URL (a 400 or
404: no run there) and Update run's `If-Match` is a made-up ETag (412). Schema-valid, so
positive, yet refused for reasons the schema cannot state: most positive cases never reached a
2xx, and schemathesis warned "Schema validation mismatch ... mostly rejected generated data".

So every other such positive case is given, just before it is sent (`fuzzing.hooks`), a value
the target issued: a reference to a run of the flow known to exist (the pinned runs, those
schemathesis created; `fuzzing.run_ledger`), other than the run whose process grows; the
latest `ETag` the target gave for the run the update changes; and, for Update run, whose
`runId` is left free outside the stateful phase, a run that exists. The other half keeps its
generated value, so the refusals stay fuzzed too. Negative cases are never touched.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from typing import TYPE_CHECKING, Any

from schemathesis import GenerationMode

from fuzzing.exchange import ADD_RUN, UPDATE_PROCESS_RUN, UPDATE_RUN, Route, route_of
from fuzzing.facts import REFERENCE, contract
from fuzzing.run_ledger import LEDGER
from fuzzing.target import run_url

if TYPE_CHECKING:
    from schemathesis.generation.case import Case

_turns: Counter[str] = Counter()
_lock = threading.Lock()


def _positive(case: Case[Any]) -> bool:
    return case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE


def chosen(case: Case[Any]) -> bool:
    """Whether `case` is one to give values the target issued: every other positive case of
    its operation, in the order they are sent (so a seed repeats the choice)."""
    if not _positive(case):
        return False
    operation = str(case.operation.definition.raw.get("operationId", ""))
    with _lock:
        _turns[operation] += 1
        return _turns[operation] % 2 == 1


def _turn(operation: str) -> int:
    with _lock:
        return _turns[operation] // 2


def supply_run(case: Case[Any], base_url: str) -> bool:
    """Give a chosen case of Update run from the coverage or fuzzing phase a run that exists:
    its `runId` is left free there (`schemathesis.toml`), so it is made up, and a made-up run
    is 404 whatever the body. The stateful phase's ids come from Add run's links, the examples
    phase's from the spec; those are kept. True when it gave one."""
    phase = case.meta.phase.name.value if case.meta is not None else None
    if phase not in ("coverage", "fuzzing"):
        return False
    route = route_of(base_url + case.formatted_path)
    if route is None or route.operation != UPDATE_RUN or LEDGER.is_known(base_url, route.target):
        return False
    runs = LEDGER.runs_of(base_url, route.flow)
    if not runs:
        return False
    run = runs[_turn(route.operation) % len(runs)]
    case.path_parameters = {**(case.path_parameters or {}), "runId": run}
    return True


def supply(case: Case[Any], route: Route) -> bool:
    """Give a chosen case to `route` a reference or `If-Match` the target issued (and a valid
    `Idempotency-Key` where it had one); True when it did."""
    if route.operation == ADD_RUN:
        referenced = _reference(case, route)
        return _idempotency_key(case) or referenced
    if route.operation in (UPDATE_RUN, UPDATE_PROCESS_RUN):
        return _if_match(case, route)
    return False


def _reference(case: Case[Any], route: Route) -> bool:
    body = case.body
    if not isinstance(body, dict) or set(body) != {REFERENCE}:
        return False
    runs = [run for run in LEDGER.runs_of(route.base_url, route.flow) if run != route.run]
    if not runs:
        return False
    run = runs[_turn(route.operation) % len(runs)]
    # At the contract's production server, which D17 makes linkable wherever the service runs; a
    # reference at the origin the request reached may be refused behind a gateway (D44).
    servers = contract().server_urls()
    body[REFERENCE] = run_url(servers[0] if servers else route.base_url, (route.flow, run))
    return True


def _if_match(case: Case[Any], route: Route) -> bool:
    headers = case.headers
    names = [name for name in headers or () if name.lower() == "if-match"]
    etag = LEDGER.etag(route.base_url, route.target)
    if headers is None or not names or etag is None:
        return False
    for name in names:
        headers[name] = etag
    return True


def _idempotency_key(case: Case[Any]) -> bool:
    """A key the coverage phase labels positive though it breaks the header's schema (`0`, not
    a quoted string) becomes a valid one, as a client makes it: a fresh UUID, quoted."""
    headers = case.headers
    names = [name for name in headers or () if name.lower() == "idempotency-key"]
    if headers is None or not names:
        return False
    key = f'"{uuid.uuid4()}"'
    changed = False
    for name in names:
        changed = changed or headers[name] != key
        headers[name] = key
    return changed
