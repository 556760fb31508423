"""The soak's load: concurrent clients on loopback, every acknowledged write recorded, then
checked against what storage holds."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from reference_server.storage.base import RUN_FIELDS, RunStore
from soak.tally import (
    CAS_ATTEMPTS,
    FLOW,
    REQUEST_TIMEOUT,
    ROOT_RUN,
    ClientTally,
    OwnRun,
    UnknownOutcomeError,
    new_run,
    run_path,
)


class Soak:
    """The load: `prepare()`, then `drive(seconds)`, then `verify(store)`.

    `base_urls` may name several server processes on one database: client `i` uses
    `base_urls[i % len(base_urls)]`. With `tolerate_drops`, dropped connections (a server killed
    on purpose) are recorded as unknown outcomes instead of failures.
    """

    def __init__(
        self,
        base_urls: Sequence[str],
        token: str,
        clients: int,
        *,
        seed: int = 0,
        tolerate_drops: bool = False,
    ) -> None:
        self.base_urls = list(base_urls)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.clients = clients
        self.seed = seed
        self.tolerate_drops = tolerate_drops
        self.tally = ClientTally()
        self._live: list[ClientTally] = []  # each client's tally while `drive` runs
        self.counter_run = ""
        self.blind_run = ""

    # -- setup ----------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Create the two shared runs (a counter at 0, and the blind-write target)."""
        with httpx.Client(base_url=self.base_urls[0], timeout=REQUEST_TIMEOUT) as http:
            self.counter_run = self._create(http, "soak counter", {"counter": 0})
            self.blind_run = self._create(http, "soak blind", {})

    def _create(self, http: httpx.Client, name: str, statistics: Mapping[str, Any]) -> str:
        response = http.post(
            run_path(ROOT_RUN) + "/process/runs/$ref",
            headers=self.headers,
            json=new_run(name, statistics),
        )
        if response.status_code != 204:
            raise RuntimeError(f"Add run answered {response.status_code}: {response.text[:500]}")
        return response.headers["Location"].rsplit("/", 1)[1]

    # -- load -----------------------------------------------------------------------------------

    def drive(self, seconds: float) -> ClientTally:
        """Run every client for `seconds`; returns the merged tally (also kept in `tally`)."""
        deadline = time.monotonic() + seconds
        tallies = [ClientTally() for _ in range(self.clients)]
        self._live = tallies
        threads = [
            threading.Thread(target=self._client, args=(i, deadline, tallies[i]), daemon=True)
            for i in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for tally in tallies:
            self.tally.merge(tally)
        return self.tally

    def acknowledged(self) -> tuple[int, int, int]:
        """Runs added, counter increments and blind writes acknowledged so far in `drive`: a
        caller that interrupts the server waits for each kind rather than for a fixed time."""
        return (
            sum(len(tally.own) for tally in self._live),
            sum(tally.increments for tally in self._live),
            sum(len(tally.blind) for tally in self._live),
        )

    def _client(self, index: int, deadline: float, tally: ClientTally) -> None:
        rng = random.Random(self.seed * 100_003 + index)  # noqa: S311 (load mix, not secrets)
        base_url = self.base_urls[index % len(self.base_urls)]
        with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT) as http:
            step = 0
            while time.monotonic() < deadline:
                step += 1
                tag = f"c{index}-{step}"
                roll = rng.random()
                try:
                    if roll < 0.2 or not tally.own:
                        self._add(http, rng, tally, tag)
                    elif roll < 0.65:
                        self._update_own(http, rng, tally, tag)
                    elif roll < 0.85:
                        self._increment(http, tally, deadline)
                    else:
                        self._blind(http, tally, tag)
                except UnknownOutcomeError:
                    time.sleep(0.05)  # the server is gone for now; don't spin on it

    def _send(
        self,
        http: httpx.Client,
        tally: ClientTally,
        method: str,
        path: str,
        body: Mapping[str, Any],
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = http.request(
                method, path, json=dict(body), headers={**self.headers, **(headers or {})}
            )
        except httpx.TransportError as exc:
            tally.transport_errors += 1
            if not self.tolerate_drops:
                tally.failures.append(f"{method} {path}: no answer ({type(exc).__name__}: {exc})")
            raise UnknownOutcomeError from exc
        tally.latencies.append(time.perf_counter() - started)
        tally.statuses[response.status_code] += 1
        if response.status_code >= 500:
            tally.failures.append(
                f"{method} {path} -> {response.status_code}: {response.text[:300]}"
            )
        elif response.status_code == 429:
            time.sleep(min(float(response.headers.get("Retry-After", "1")), 5.0))
        return response

    def _unexpected(self, tally: ClientTally, what: str, response: httpx.Response) -> None:
        if response.status_code < 500 and response.status_code != 429:
            tally.failures.append(f"{what} -> {response.status_code}: {response.text[:300]}")

    def _add(self, http: httpx.Client, rng: random.Random, tally: ClientTally, tag: str) -> None:
        parent = rng.choice([ROOT_RUN, *list(tally.own)[-5:]])
        body = new_run(f"add {tag}", {"tag": tag})
        response = self._send(http, tally, "POST", run_path(parent) + "/process/runs/$ref", body)
        if response.status_code != 204:
            self._unexpected(tally, f"Add run under {parent}", response)
            return
        run_id = response.headers["Location"].rsplit("/", 1)[1]
        tally.own[run_id] = OwnRun(parent=parent, acked=body)

    def _update_own(
        self, http: httpx.Client, rng: random.Random, tally: ClientTally, tag: str
    ) -> None:
        run_id = rng.choice(list(tally.own))
        own = tally.own[run_id]
        changes: dict[str, Any] = {"displayName": f"update {tag}", "statistics": {"tag": tag}}
        if rng.random() < 0.3:
            changes["status"] = rng.choice(["completed", "failed", "running"])
        headers = {"If-Match": own.etag} if own.etag and rng.random() < 0.5 else {}
        # Through the parent's process half the time: the same run, the other operation.
        path = run_path(run_id)
        if own.parent and rng.random() < 0.5:
            path = run_path(own.parent) + f"/process/runs/{run_id}"
        try:
            response = self._send(http, tally, "PATCH", path, changes, headers)
        except UnknownOutcomeError:
            own.unknown.append(changes)
            own.etag = None  # if it was applied, the version moved on: no If-Match until known
            raise
        if response.status_code != 200:
            # Only this client writes this run: even a 412 means an update went missing.
            self._unexpected(tally, f"PATCH own run {run_id}", response)
            return
        own.acked = {name: response.json()[name] for name in RUN_FIELDS}
        own.etag = response.headers["ETag"]
        own.unknown = []

    def _increment(self, http: httpx.Client, tally: ClientTally, deadline: float) -> None:
        path = run_path(self.counter_run)
        for _ in range(CAS_ATTEMPTS):
            if time.monotonic() >= deadline:
                return
            # A PATCH that changes nothing answers with the run and its ETag: a read.
            read = self._send(http, tally, "PATCH", path, {"status": "running"})
            if read.status_code != 200:
                self._unexpected(tally, "read the counter", read)
                return
            count = read.json()["statistics"]["counter"]
            try:
                write = self._send(
                    http,
                    tally,
                    "PATCH",
                    path,
                    {"statistics": {"counter": count + 1}},
                    {"If-Match": read.headers["ETag"]},
                )
            except UnknownOutcomeError:
                tally.increments_unknown += 1
                raise
            if write.status_code == 200:
                tally.increments += 1
                return
            if write.status_code != 412:
                self._unexpected(tally, "increment the counter", write)
                return

    def _blind(self, http: httpx.Client, tally: ClientTally, tag: str) -> None:
        name = f"blind {tag}"
        try:
            response = self._send(
                http, tally, "PATCH", run_path(self.blind_run), {"displayName": name}
            )
        except UnknownOutcomeError:
            tally.blind_unknown += 1
            raise
        if response.status_code != 200:
            self._unexpected(tally, "blind write", response)
            return
        version = int(response.headers["ETag"].strip('"'))
        if version in tally.blind:
            tally.failures.append(f"two blind writes were acknowledged with ETag {version}")
        tally.blind[version] = name

    # -- checks ---------------------------------------------------------------------------------

    def verify(self, store: RunStore) -> list[str]:
        """Every problem found in storage, compared with what was acknowledged."""
        problems = list(self.tally.failures)
        for run_id, own in self.tally.own.items():
            stored = store.get_run(FLOW, run_id)
            if stored is None:
                problems.append(f"acknowledged run {run_id} is missing")
                continue
            if not store.is_linked(FLOW, own.parent, run_id):
                problems.append(f"run {run_id} is not linked into the process of {own.parent}")
            allowed = [own.acked]
            for changes in own.unknown:
                allowed.append({**allowed[-1], **changes})
            fields = {name: stored.fields.get(name) for name in RUN_FIELDS}
            if fields not in allowed:
                problems.append(
                    f"run {run_id} holds {fields}, not its last acknowledged {own.acked}"
                )
        problems += self._verify_counter(store)
        problems += self._verify_blind(store)
        return problems

    def _verify_counter(self, store: RunStore) -> list[str]:
        stored = store.get_run(FLOW, self.counter_run)
        if stored is None:
            return [f"the counter run {self.counter_run} is missing"]
        count = stored.fields["statistics"]["counter"]
        low, high = self.tally.increments, self.tally.increments + self.tally.increments_unknown
        problems = []
        if not low <= count <= high:
            problems.append(
                f"the counter is {count}, but {low} increments were acknowledged"
                + (f" (and {high - low} unknown)" if high > low else "")
            )
        if stored.version != count + 1:  # created at version 1; each increment adds one
            problems.append(f"the counter is {count} at version {stored.version}: lost updates")
        return problems

    def _verify_blind(self, store: RunStore) -> list[str]:
        stored = store.get_run(FLOW, self.blind_run)
        if stored is None:
            return [f"the blind-write run {self.blind_run} is missing"]
        acked = self.tally.blind
        low = 1 + len(acked)
        high = low + self.tally.blind_unknown
        problems = []
        if not low <= stored.version <= high:
            problems.append(
                f"{len(acked)} blind writes were acknowledged, "
                f"but the run is at version {stored.version}"
            )
        if (
            acked
            and stored.version == max(acked)
            and stored.fields["displayName"] != acked[max(acked)]
        ):
            problems.append(
                f"the blind-write run holds {stored.fields['displayName']!r}, "
                f"not the last acknowledged {acked[max(acked)]!r}"
            )
        return problems

    def summary(self, seconds: float) -> str:
        tally = self.tally
        total = sum(tally.statuses.values())
        latencies = sorted(tally.latencies) or [0.0]

        def pct(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(tally.statuses.items()))
        return (
            f"{self.clients} clients, {seconds:g} s, {total} answers ({total / seconds:.0f}/s); "
            f"{statuses}; no answer: {tally.transport_errors}\n"
            f"latency p50 {pct(0.5):.1f} ms, p95 {pct(0.95):.1f} ms, p99 {pct(0.99):.1f} ms\n"
            f"acknowledged: {len(tally.own)} runs added and updated, {tally.increments} "
            f"counter increments, {len(tally.blind)} blind writes"
        )


# -- the server, when the soak starts its own ---------------------------------------------------
