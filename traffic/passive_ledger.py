"""What a passive observer knows of each run: only what the traffic it saw showed.

It never reads a run. A 200 to Update run shows the whole run and its `ETag`; a 204 to Add run
shows that the parent run exists and, in `Location`, a run that now does; a 404 shows a run that
does not exist, unless the observer saw it exist. A run it saw nothing of gives no snapshot, so
the rules that need one are skipped for it, never judged on a guess.

For Add run with an `Idempotency-Key`, it keeps the first answer that added a run for each key
(per caller and target, `run_ledger.key_slot`), so that a replay can be judged against it within
the contract's retention.

Two exchanges on one run that overlapped in time leave its state unknown when either may have
written (any answer but a refusal: a refused request changes nothing, by the contract), since
the server's order is not known. The observer assumes it sees every write to the runs it judges:
writes that bypass the proxy, or that a HAR left out, can explain a ledger-based finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fuzzing.exchange import ADD_RUN, UPDATE_PROCESS_RUN, Exchange, Route, RunKey
from fuzzing.run_ledger import FirstAnswer, KeySlot, Snapshot, key_slot, within_retention

RunAt = tuple[str, RunKey]
"""A run at one base URL."""
LinkAt = tuple[str, str, str, str]
"""(base URL, flow, run, linked run): a run linked into another run's process."""


def may_have_written(exchange: Exchange) -> bool:
    """Whether the exchange may have changed its run: anything but a refusal (4xx)."""
    return not 400 <= exchange.status < 500


@dataclass
class PassiveLedger:
    """Runs and process links as the traffic showed them, per base URL."""

    known: dict[RunAt, bool] = field(default_factory=dict)
    states: dict[RunAt, dict[str, Any]] = field(default_factory=dict)
    etags: dict[RunAt, str] = field(default_factory=dict)
    links: dict[LinkAt, bool] = field(default_factory=dict)
    keyed: dict[KeySlot, FirstAnswer] = field(default_factory=dict)

    @staticmethod
    def _key(route: Route) -> RunAt:
        return (route.base_url, route.target)

    @staticmethod
    def _link(route: Route) -> LinkAt | None:
        if route.operation != UPDATE_PROCESS_RUN or route.process_run is None:
            return None
        return (route.base_url, route.flow, route.run, route.process_run)

    def snapshot(self, exchange: Exchange, at: float | None = None) -> Snapshot | None:
        """What was known of the run of the exchange's route before the request (sent at `at`),
        or None if nothing was."""
        route = exchange.route
        if route is None:
            return None
        key, link = self._key(route), self._link(route)
        known = self.links.get(link) if link is not None else self.known.get(key)
        if known is None:
            return None
        return Snapshot(
            known=known,
            state=self.states.get(key),
            etag=self.etags.get(key),
            keyed=self._first_answer(exchange, at),
        )

    def _first_answer(self, exchange: Exchange, at: float | None) -> FirstAnswer | None:
        slot = key_slot(exchange)
        first = self.keyed.get(slot) if slot is not None else None
        return first if first is not None and within_retention(first, at) else None

    def _keep_answer(self, exchange: Exchange, at: float | None) -> None:
        """Keep the answer of a keyed Add run that added a run, unless its key has one."""
        slot = key_slot(exchange)
        if slot is not None and self._first_answer(exchange, at) is None:
            self.keyed[slot] = FirstAnswer(
                body=exchange.request_json,
                status=exchange.status,
                location=exchange.location,
                at=at,
            )

    def forget(self, route: Route) -> None:
        """The run may have changed in a way the traffic does not show: its state is unknown."""
        key = self._key(route)
        self.states.pop(key, None)
        self.etags.pop(key, None)

    def _exists(self, key: RunAt) -> None:
        self.known[key] = True

    def _missing(self, key: RunAt) -> None:
        if not self.known.get(key):
            self.known[key] = False

    def learn(
        self, exchange: Exchange, *, ambiguous: bool = False, at: float | None = None
    ) -> None:
        """Remember what the exchange showed; `ambiguous`: it overlapped a possible write; `at`:
        when the request was sent."""
        route = exchange.route
        if route is None:
            return
        key, link = self._key(route), self._link(route)
        if route.operation == ADD_RUN:
            if 200 <= exchange.status < 300:
                self._keep_answer(exchange, at)
                self._exists(key)
                created = exchange.location_route
                if created is not None:
                    self._exists((created.base_url, created.target))
                    self.links[(route.base_url, route.flow, route.run, created.target[1])] = True
            elif exchange.status == 404:
                self._missing(key)
            return
        run = exchange.response_json
        if exchange.status == 200 and isinstance(run, dict):
            self._exists(key)
            if link is not None:
                self.links[link] = True
            if ambiguous:
                self.forget(route)
                return
            self.states[key] = dict(run)
            etag = exchange.response_header("etag")
            if etag is not None:
                self.etags[key] = etag
            else:
                self.etags.pop(key, None)
        elif exchange.status == 404:
            if link is not None:
                if not self.links.get(link):
                    self.links[link] = False
            else:
                self._missing(key)
        elif may_have_written(exchange):
            self.forget(route)
