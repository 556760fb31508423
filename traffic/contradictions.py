"""What earlier exchanges proved, and the later exchanges that contradict it.

A passive observer cannot read a run, but the traffic proves things a server must stand by:

- a run exists once Add run's 204 named it (`Location`), a 2xx to Add run was sent to it (the
  parent), a 200 to Update run showed it, or a 412 answered an update of it (ids are looked up
  before `If-Match`, D15). The API deletes nothing, so from then on the same service never
  answers 404 for it: `named_run_found`;
- a run is in another run's process once Add run's 204 reported it linked there (`Location` names
  the run it added or linked) or an update through that process path was answered 200 or 412;
  the API unlinks nothing, so that path never answers 404 again: `reported_link_found`;
- an `ETag` is the version of what a run held when it was given (D12). A run may get a new `ETag`
  for any update, even one that changed nothing (D36), so many `ETag`s may stand for one state;
  but an `ETag` given again after another one was given for the run names the state it named
  first. Given for a run that holds something else, it went backwards (an older version's tag
  for a newer state, so that a client holding the old tag would overwrite the new state):
  `etag_not_reused`. The same `ETag` as the last one for a changed run is `etag_tracks_changes`'s.
  States are compared only between answers to the same `Prefer`, which changes how a version is
  shown (a status past `unknownFutureValue`, D5).

Only a request that started after the proving exchange ended is judged by it: an overlapping
request may have reached the server first. Everything is kept per base URL, as one service sees
it, and per caller scope (a tenant, `caller_scope`); a proxy that sees only part of the traffic
still judges rightly, since nothing the API does makes a run or a link go away. `ETag`s are
judged only from exchanges no overlapping write could have disturbed.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from fuzzing.checks.runs import created_route, reference_refusal
from fuzzing.comparison import properties, short, unchanged
from fuzzing.exchange import ADD_RUN, UPDATE_PROCESS_RUN, Exchange, Route, RunKey, route_of
from fuzzing.facts import REFERENCE
from traffic.passive_ledger import LinkAt, RunAt
from traffic.seen import Seen

NAMED_RUN_FOUND = "named_run_found"
REPORTED_LINK_FOUND = "reported_link_found"
ETAG_NOT_REUSED = "etag_not_reused"
COVERS = {
    NAMED_RUN_FOUND: ("D1", "D17", "status:*:404"),
    REPORTED_LINK_FOUND: ("D1", "D17", "status:updateProcessRun:404"),
    ETAG_NOT_REUSED: ("D12", "header:ETag"),
}
"""The rules judged here, as findings and reports name them, and the ids of the contract's rule
table (`fuzzing/README.md`) each judges, as a check's `covers=` names them."""
RULES = tuple(COVERS)


@dataclass(frozen=True)
class Proof:
    """An exchange that proved something: its place in the traffic, when it ended, and how."""

    index: int
    ended: float
    how: str

    def precedes(self, seen: Seen) -> bool:
        return self.ended <= seen.started


@dataclass(frozen=True)
class Version:
    """A run's properties when an `ETag` was first given for them, and where."""

    state: dict[str, Any]
    index: int


@dataclass(frozen=True)
class Contradiction:
    """A rule a later exchange broke, and why."""

    rule: str
    message: str


def caller_scope(exchange: Exchange) -> str:
    """Whose runs a request sees: the tenant (`tid`) its bearer token names, when it is a JWT
    that names one, else its credentials as sent. A multi-tenant service answers 404 for another
    tenant's run, and may hold a run of the same ids for each tenant, so what one request proved
    is held only against requests of the same scope (a renewed token without `tid` starts a new
    one: fewer judgements, never a false alarm). The token is only read, never verified."""
    authorization = exchange.request_header("authorization") or ""
    parts = authorization.partition(" ")[2].strip().split(".")
    if len(parts) == 3:
        try:
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        except (ValueError, binascii.Error):
            claims = None
        tenant = claims.get("tid") if isinstance(claims, dict) else None
        if isinstance(tenant, str):
            return f"tenant {tenant}"
    return authorization


def _tag(etag: str) -> str:
    """An entity tag without its weakness mark, compared as `fuzzing.checks.versions` compares."""
    etag = etag.strip()
    return etag[2:] if etag.startswith("W/") else etag


def _prefer(exchange: Exchange) -> str:
    """The preferences a request sent, which may change how a version is shown."""
    return ",".join(
        part.strip().lower() for part in (exchange.request_header("prefer") or "").split(",")
    )


def _referenced(route: Route, exchange: Exchange) -> RunKey | None:
    """The run a valid reference body names, or None (a creation, or a reference refused)."""
    body = exchange.request_json
    url = body.get(REFERENCE) if isinstance(body, dict) else None
    if not isinstance(url, str) or reference_refusal(route, url) is not None:
        return None
    named = route_of(url)
    return None if named is None else named.target


def _differences(was: dict[str, Any], now: dict[str, Any]) -> list[str]:
    changed = []
    for name in sorted(set(was) | set(now)):
        if name not in now:
            changed.append(f"`{name}` was {short(was[name])}, now missing")
        elif name not in was:
            changed.append(f"`{name}` was missing, now {short(now[name])}")
        elif not unchanged(name, was[name], now[name]):
            changed.append(f"`{name}` was {short(was[name])}, now {short(now[name])}")
    return changed


@dataclass
class Inferences:
    """What the traffic proved so far, and the judge of each later exchange against it."""

    runs: dict[tuple[str, RunAt], Proof] = field(default_factory=dict)
    links: dict[tuple[str, LinkAt], Proof] = field(default_factory=dict)
    versions: dict[tuple[str, RunAt], dict[tuple[str, str], Version]] = field(default_factory=dict)
    """By `ETag` and the `Prefer` the request sent: the same version is shown otherwise when a
    client asks for statuses the others read as `unknownFutureValue` (D5, D20)."""
    last_etag: dict[tuple[str, RunAt], str] = field(default_factory=dict)
    """Each kept per caller scope (`caller_scope`) and run or link."""

    def judge(self, seen: Seen, *, ambiguous: bool = False) -> list[Contradiction]:
        """The rules `seen` breaks against what earlier exchanges proved; `ambiguous`: another
        exchange on its run overlapped it and may have written."""
        route = seen.exchange.route
        if route is None:
            return []
        if seen.exchange.status == 404:
            return self._missing(route, seen)
        if seen.exchange.status == 200 and not ambiguous:
            return self._version(route, seen)
        return []

    def applicable(self, seen: Seen) -> tuple[str, ...]:
        """The rules that judged `seen` (for the reports' counts)."""
        route, status = seen.exchange.route, seen.exchange.status
        if route is None:
            return ()
        if status == 404:
            if route.operation == UPDATE_PROCESS_RUN:
                return (REPORTED_LINK_FOUND,)
            return (NAMED_RUN_FOUND,)
        if status == 200 and route.operation != ADD_RUN and seen.exchange.response_header("etag"):
            return (ETAG_NOT_REUSED,)
        return ()

    def _missing(self, route: Route, seen: Seen) -> list[Contradiction]:
        base, scope = route.base_url, caller_scope(seen.exchange)
        if route.operation == UPDATE_PROCESS_RUN:
            assert route.process_run is not None
            proof = self.links.get((scope, (base, route.flow, route.run, route.process_run)))
            if proof is None or not proof.precedes(seen):
                return []
            return [
                Contradiction(
                    REPORTED_LINK_FOUND,
                    f"run {route.process_run!r} answered 404 through the process of run "
                    f"{route.run!r}, where exchange #{proof.index} {proof.how}; the API unlinks "
                    "nothing",
                )
            ]
        keys = [route.target]
        body = seen.exchange.request_json
        if route.operation == ADD_RUN and isinstance(body, dict) and REFERENCE in body:
            # A 404 to a reference may mean either run: only both proven is a contradiction.
            referenced = _referenced(route, seen.exchange)
            if referenced is None:
                return []
            keys.append(referenced)
        proofs = [self.runs.get((scope, (base, key))) for key in keys]
        if not all(proof is not None and proof.precedes(seen) for proof in proofs):
            return []
        reasons = [
            f"run {key[1]!r} of flow {key[0]!r} exists: exchange #{proof.index} {proof.how}"
            for key, proof in zip(keys, proofs, strict=True)
            if proof is not None
        ]
        return [
            Contradiction(
                NAMED_RUN_FOUND,
                "answered 404 for a run the traffic showed to exist, and the API deletes "
                "nothing:\n" + "\n".join(f"- {reason}" for reason in reasons),
            )
        ]

    def _version(self, route: Route, seen: Seen) -> list[Contradiction]:
        exchange = seen.exchange
        run, etag = exchange.response_json, exchange.response_header("etag")
        if route.operation == ADD_RUN or not isinstance(run, dict) or etag is None:
            return []
        key, tag = (caller_scope(exchange), (route.base_url, route.target)), _tag(etag)
        first = self.versions.get(key, {}).get((tag, _prefer(exchange)))
        last = self.last_etag.get(key)
        if first is None or last is None or last == tag:
            return []
        changed = _differences(first.state, properties(run))
        if not changed:
            return []
        return [
            Contradiction(
                ETAG_NOT_REUSED,
                f"`ETag` {etag} came back for run {route.target[1]!r} after {last} had been "
                f"given for it; exchange #{first.index} gave {etag} for what the run held then, "
                "and the run holds something else now (an older version's tag: a client holding "
                "it would overwrite the newer state):\n"
                + "\n".join(f"- {change}" for change in changed),
            )
        ]

    def learn(self, seen: Seen, *, ambiguous: bool = False) -> None:
        """Keep what `seen` proved."""
        exchange = seen.exchange
        route = exchange.route
        if route is None:
            return
        status, base, scope = exchange.status, route.base_url, caller_scope(exchange)

        def proved(key: RunKey, how: str) -> None:
            self.runs.setdefault((scope, (base, key)), Proof(seen.index, seen.ended, how))

        def linked(parent: str, run: str, how: str) -> None:
            self.links.setdefault(
                (scope, (base, route.flow, parent, run)), Proof(seen.index, seen.ended, how)
            )

        if route.operation == ADD_RUN:
            if not 200 <= status < 300:
                return
            proved(route.target, f"(Add run to its process) was answered {status}")
            referenced = _referenced(route, exchange)
            if referenced is not None:
                how = f"linked it by reference (answered {status})"
                proved(referenced, how)
                linked(route.run, referenced[1], how)
            created, _ = created_route(exchange, route)
            if created is not None:
                how = f"named it in Add run's `Location` ({exchange.location})"
                proved(created.target, how)
                linked(route.run, created.target[1], f"reported it added there ({how})")
            return
        if status not in (200, 412):
            return
        how = f"(an update) was answered {status}"
        proved(route.target, how)
        if route.operation == UPDATE_PROCESS_RUN:
            assert route.process_run is not None
            proved(
                (route.flow, route.run), f"(an update through its process) was answered {status}"
            )
            linked(route.run, route.process_run, f"reached it there: {how}")
        run, etag = exchange.response_json, exchange.response_header("etag")
        if status == 200 and not ambiguous and isinstance(run, dict) and etag is not None:
            key, tag = (scope, (base, route.target)), _tag(etag)
            shown = (tag, _prefer(exchange))
            self.versions.setdefault(key, {}).setdefault(
                shown, Version(properties(run), seen.index)
            )
            self.last_etag[key] = tag
        elif status == 200:
            self.last_etag.pop((scope, (base, route.target)), None)
