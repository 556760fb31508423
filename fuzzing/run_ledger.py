"""What the harness knows of each run: its last state, and whether it exists.

The API has no GET, so a run is read with a PATCH that changes nothing (only the OData type
annotation), which answers with the whole run. Checks compare what they see with the ledger to
find updates that went missing, reset, or were applied by a request the server rejected.

A read is a write as far as the `ETag` goes: a service may hand out a new `ETag` on every PATCH,
one that changes nothing included (D36). So the `ETag` kept for a run is the one of the last
answer seen, a read's included, and "nothing changed" is judged by the run's properties.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import httpx

from fuzzing.exact_json import loads
from fuzzing.exchange import ADD_RUN, UPDATE_PROCESS_RUN, Exchange, Route, RunKey
from fuzzing.facts import contract
from fuzzing.retry import patiently
from fuzzing.target import process_run_url, run_url

TOKEN_ENV = "TARGET_TOKEN"  # noqa: S105 (the name of a variable, not a secret)
_TIMEOUT = 10.0


@functools.cache
def _shared_client() -> httpx.Client:
    """One client for the reads of a process: building one loads the TLS trust store, which cost
    20 ms a read, two thirds of `make fuzz`'s time; the client is safe to share between threads
    and keeps its connections open."""
    return httpx.Client(timeout=_TIMEOUT)


def read_body() -> bytes:
    """The body of a read: only the run's OData type, which changes nothing."""
    return json.dumps({"@odata.type": contract().run_odata_type}).encode()


@dataclass(frozen=True)
class Reading:
    """The answer to a no-op PATCH: the status and, on 200, the run and its `ETag`."""

    status: int
    run: dict[str, Any] | None
    etag: str | None = None


def read_run(
    base_url: str,
    key: RunKey,
    token: str | None = None,
    client: httpx.Client | None = None,
    process_of: str | None = None,
) -> Reading:
    """Read a run through a PATCH that changes nothing, on `client` (and its timeout) if given;
    with `process_of`, through the process of that run (404 if it is not linked there)."""
    token = token if token is not None else os.environ.get(TOKEN_ENV, "")
    patch = (client or _shared_client()).patch
    url = (
        run_url(base_url, key) if process_of is None else process_run_url(base_url, key, process_of)
    )
    response = patiently(
        lambda: patch(
            url,
            content=read_body(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    )
    run: dict[str, Any] | None = None
    if response.status_code == 200:
        try:
            parsed = loads(response.content)  # numbers as written (D35), as `Exchange` reads them
        except ValueError:
            parsed = None
        run = parsed if isinstance(parsed, dict) else None
    return Reading(status=response.status_code, run=run, etag=response.headers.get("etag"))


LinkKey = tuple[str, str, str]
"""A run linked into another run's process, as (flow id, run id, linked run id)."""
_SNAPSHOTS_KEPT = 4096


@dataclass(frozen=True)
class FirstAnswer:
    """The first answer seen that added a run for an `Idempotency-Key`: what a replay of it, with
    the same body, must answer again (`at`: when, on the mode's clock)."""

    body: Any
    status: int
    location: str | None
    at: float | None = None


KeySlot = tuple[str, RunKey, str, str]
"""Whose key and for what: (base URL, the run Add run adds to, the caller's `Authorization`, the
`Idempotency-Key` as sent). The token stands for the caller, so a caller seen with two tokens is
two callers here: a replay may go unjudged, never misjudged."""


def key_slot(exchange: Exchange) -> KeySlot | None:
    """The slot of an Add run request that carries an `Idempotency-Key`, or None."""
    route = exchange.route
    key = exchange.request_header("idempotency-key")
    if route is None or route.operation != ADD_RUN or key is None:
        return None
    caller = exchange.request_header("authorization") or ""
    return (route.base_url, route.target, caller, key.strip())


def within_retention(first: FirstAnswer, at: float | None) -> bool:
    """Whether a request at `at` comes within the retention of the key `first` answered (unknown
    times count as within: the slots a mode keeps are its own traffic's)."""
    if first.at is None or at is None:
        return True
    return at - first.at <= contract().idempotency_retention_seconds


@dataclass(frozen=True)
class Snapshot:
    """What the ledger knew of a request's target just before the request was sent.

    `etag` is the `ETag` that came with `state`, when one did. `contended`: another request to
    the same run was under way while this one was (several workers), so `state` may not be
    what this request changed; rules that compare with it skip.
    """

    known: bool
    state: dict[str, Any] | None
    etag: str | None = None
    """The run's `ETag` as last seen, where the mode keeps it (the passive observer does)."""
    contended: bool = False
    keyed: FirstAnswer | None = None
    """For Add run with an `Idempotency-Key`: the first answer that added a run for that key
    within the retention, where the mode keeps them (the passive observer and the probes do;
    schemathesis sends a fresh key each time, `fuzzing.hooks`)."""


class RunLedger:
    """Last known state of each run and the runs known to exist; safe to share between threads.

    Everything is kept per base URL, so that one process can fuzz several servers in turn. With
    several workers, two requests may change one run at once: each request's snapshot notes
    whether another to the same run was under way meanwhile, and then holds no state to compare.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._states: dict[tuple[str, RunKey], dict[str, Any]] = {}
        self._etags: dict[tuple[str, RunKey], str] = {}
        self._known: set[tuple[str, RunKey]] = set()
        self._created: set[tuple[str, RunKey]] = set()
        self._links: set[tuple[str, LinkKey]] = set()
        self._snapshots: dict[str, tuple[Snapshot, tuple[str, RunKey], int]] = {}
        self._started: Counter[tuple[str, RunKey]] = Counter()
        self._under_way: Counter[tuple[str, RunKey]] = Counter()

    def state(self, base_url: str, key: RunKey) -> dict[str, Any] | None:
        with self._lock:
            state = self._states.get((base_url, key))
            return dict(state) if state is not None else None

    def record(
        self, base_url: str, key: RunKey, state: dict[str, Any], etag: str | None = None
    ) -> None:
        """Remember the state (and `ETag`) a 200 answer showed; a run seen is one that exists."""
        with self._lock:
            self._states[(base_url, key)] = dict(state)
            if etag is None:
                self._etags.pop((base_url, key), None)
            else:
                self._etags[(base_url, key)] = etag
            self._known.add((base_url, key))

    def note_created(self, base_url: str, parent: RunKey, key: RunKey) -> None:
        """A run that Add run created in the process of `parent` (its `Location` named it)."""
        with self._lock:
            self._created.add((base_url, key))
            self._known.add((base_url, key))
            self._links.add((base_url, (*parent, key[1])))

    def etag(self, base_url: str, key: RunKey) -> str | None:
        """The `ETag` of the last answer that showed `key`'s state, if it had one."""
        with self._lock:
            return self._etags.get((base_url, key))

    def runs_of(self, base_url: str, flow: str) -> list[str]:
        """The ids of the runs of `flow` known to exist (pinned, created, seen), sorted."""
        with self._lock:
            seen = {key for place, key in self._known if place == base_url}
        return sorted(run for run_flow, run in seen | pinned_runs() if run_flow == flow)

    def is_known(self, base_url: str, key: RunKey) -> bool:
        """Whether `key` was pinned, created, or seen in a 200 answer."""
        with self._lock:
            return (base_url, key) in self._known or key in pinned_runs()

    def is_linked(self, base_url: str, link: LinkKey) -> bool:
        """Whether run `link[2]` is known to be linked into the process of run `link[1]`."""
        with self._lock:
            return (base_url, link) in self._links or link == pinned_link()

    def target_is_known(self, route: Route) -> bool:
        """Whether the run a request addresses exists, as far as the harness has seen."""
        if route.operation == UPDATE_PROCESS_RUN and route.process_run is not None:
            return self.is_linked(route.base_url, (route.flow, route.run, route.process_run))
        return self.is_known(route.base_url, route.target)

    def was_created(self, base_url: str, key: RunKey) -> bool:
        with self._lock:
            return (base_url, key) in self._created

    def take_snapshot(self, request_id: str, route: Route) -> Snapshot:
        """Note what is known of `route`'s target before request `request_id` goes out.

        A known run whose state was never seen is read first, so that what the request changes
        can be told apart from what it leaves. A run not known to exist is never read: a server
        that creates runs on PATCH would create it, and hide the very bug looked for.
        """
        known = self.target_is_known(route)
        place = (route.base_url, route.target)
        state = None
        if known and route.operation != ADD_RUN:
            state = self.state(*place)
            if state is None:
                state = self.refresh(*place).run
        with self._lock:
            snapshot = Snapshot(
                known=known,
                state=state,
                etag=self._etags.get(place) if state is not None else None,
                contended=self._under_way[place] > 0,
            )
            self._started[place] += 1
            self._under_way[place] += 1
            if len(self._snapshots) >= _SNAPSHOTS_KEPT:
                self._snapshots.pop(next(iter(self._snapshots)))
            self._snapshots[request_id] = (snapshot, place, self._started[place])
        return snapshot

    def finish(self, request_id: str) -> None:
        """Request `request_id` was answered: it no longer contends with later ones."""
        with self._lock:
            noted = self._snapshots.get(request_id)
            if noted is not None and self._under_way[noted[1]] > 0:
                self._under_way[noted[1]] -= 1

    def disturbed(self, request_id: str, base_url: str, key: RunKey) -> bool:
        """Whether another request to run `key` was under way while request `request_id` was,
        or began since (up to now: a check's read after the answer counts too)."""
        with self._lock:
            noted = self._snapshots.get(request_id)
            if noted is None or noted[1] != (base_url, key):
                return False
            snapshot, place, started = noted
            return snapshot.contended or self._started[place] != started

    def snapshot(self, request_id: str) -> Snapshot | None:
        """What was known before request `request_id`; no state if another request to the same
        run was under way meanwhile (its changes and this one's cannot be told apart)."""
        with self._lock:
            noted = self._snapshots.get(request_id)
            if noted is None:
                return None
            snapshot, place, started = noted
            if snapshot.contended or self._started[place] != started:
                return replace(snapshot, state=None, etag=None, contended=True)
            return snapshot

    def refresh(self, base_url: str, key: RunKey) -> Reading:
        """Read `key` from the target and remember what came back."""
        reading = read_run(base_url, key)
        if reading.run is not None:
            self.record(base_url, key, reading.run, reading.etag)
        return reading


def pinned_link() -> LinkKey:
    """The run and linked run the target is said to hold (`TARGET_*` ids, demo ids by default)."""
    return (
        os.environ.get("TARGET_FLOW_ID", "demo-flow"),
        os.environ.get("TARGET_RUN_ID", "demo-run"),
        os.environ.get("TARGET_PROCESS_RUN_ID", "demo-process-run"),
    )


def pinned_runs() -> set[RunKey]:
    """The runs the target is said to hold, known to exist before any request."""
    flow, run, process_run = pinned_link()
    return {(flow, run), (flow, process_run)}


LEDGER = RunLedger()
"""The ledger of this process, shared by the hooks and the checks."""
