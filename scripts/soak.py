"""`make soak`: concurrent clients against the server for a bounded time, then every write checked.

SOAK_CLIENTS clients (default 16) send a mix of requests for SOAK_SECONDS (default 30), over
loopback only. Each client adds runs and updates its own runs (some with `If-Match`); all of them
increment a counter on one shared run with `If-Match` and retry on 412, and overwrite another
shared run blindly. Every acknowledged write is recorded. Afterwards the server is stopped and
the storage is opened directly (`reference_server.storage`, the same `DATABASE_URL`) to check:
every acknowledged run is there, linked, with the values of its last acknowledged update; the
counter counts every acknowledged increment exactly once; no blind write was lost or doubled.
Any 5xx or dropped connection fails the soak.

By default it starts `python -m reference_server --dev` on a free port, with a temporary state
folder and `DATABASE_URL` from the environment (SQLite in that folder when unset). Set SOAK_URL
(a loopback `.../beta` URL), SOAK_TOKEN and DATABASE_URL to soak a server that runs already.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from fuzzing.server import free_port, stop, wait_for_answer
from reference_server.auth import mint_dev_token
from reference_server.settings import DEV_AUDIENCE, DEV_ISSUER
from reference_server.storage import open_store
from reference_server.storage.base import RUN_FIELDS, RunStore

REPO_DIR = Path(__file__).resolve().parents[1]
FLOW = "demo-flow"
ROOT_RUN = "demo-run"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_CLIENTS = 256
MAX_SECONDS = 3600
CAS_ATTEMPTS = 50  # If-Match retries of one increment before the client moves on
REQUEST_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


def run_path(run_id: str) -> str:
    return f"/industryData/incomingFlows/{FLOW}/runs/{run_id}"


def new_run(name: str, statistics: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "displayName": name,
        "startDateTime": "2026-11-24T02:00:00Z",  # UTC already: stored exactly as sent
        "endDateTime": None,
        "status": "running",
        "blockingError": None,
        "statistics": dict(statistics),
    }


@dataclass
class OwnRun:
    """A run one client created and alone updates, so its final state is known exactly."""

    parent: str
    acked: dict[str, Any]  # its properties after the last acknowledged write
    etag: str | None = None
    # Writes sent after the last acknowledgement whose outcome is unknown (the connection
    # dropped): any prefix of them may have been applied.
    unknown: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Ledger:
    """What one client saw; merged over all clients at the end."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    transport_errors: int = 0
    latencies: list[float] = field(default_factory=list)
    own: dict[str, OwnRun] = field(default_factory=dict)
    increments: int = 0  # acknowledged counter increments
    increments_unknown: int = 0
    blind: dict[int, str] = field(default_factory=dict)  # acknowledged version -> displayName
    blind_unknown: int = 0

    def merge(self, other: Ledger) -> None:
        self.statuses.update(other.statuses)
        self.failures += other.failures
        self.transport_errors += other.transport_errors
        self.latencies += other.latencies
        self.own.update(other.own)
        self.increments += other.increments
        self.increments_unknown += other.increments_unknown
        for version, name in other.blind.items():
            if version in self.blind:
                self.failures.append(f"two blind writes were acknowledged with ETag {version}")
            self.blind[version] = name
        self.blind_unknown += other.blind_unknown


class UnknownOutcomeError(Exception):
    """The request may or may not have reached the server: no answer came back."""


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
        self.ledger = Ledger()
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

    def drive(self, seconds: float) -> Ledger:
        """Run every client for `seconds`; returns the merged ledger (also kept in `ledger`)."""
        deadline = time.monotonic() + seconds
        ledgers = [Ledger() for _ in range(self.clients)]
        threads = [
            threading.Thread(target=self._client, args=(i, deadline, ledgers[i]), daemon=True)
            for i in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for ledger in ledgers:
            self.ledger.merge(ledger)
        return self.ledger

    def _client(self, index: int, deadline: float, ledger: Ledger) -> None:
        rng = random.Random(self.seed * 100_003 + index)  # noqa: S311 (load mix, not secrets)
        base_url = self.base_urls[index % len(self.base_urls)]
        with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT) as http:
            step = 0
            while time.monotonic() < deadline:
                step += 1
                tag = f"c{index}-{step}"
                roll = rng.random()
                try:
                    if roll < 0.2 or not ledger.own:
                        self._add(http, rng, ledger, tag)
                    elif roll < 0.65:
                        self._update_own(http, rng, ledger, tag)
                    elif roll < 0.85:
                        self._increment(http, ledger, deadline)
                    else:
                        self._blind(http, ledger, tag)
                except UnknownOutcomeError:
                    time.sleep(0.05)  # the server is gone for now; don't spin on it

    def _send(
        self,
        http: httpx.Client,
        ledger: Ledger,
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
            ledger.transport_errors += 1
            if not self.tolerate_drops:
                ledger.failures.append(f"{method} {path}: no answer ({type(exc).__name__}: {exc})")
            raise UnknownOutcomeError from exc
        ledger.latencies.append(time.perf_counter() - started)
        ledger.statuses[response.status_code] += 1
        if response.status_code >= 500:
            ledger.failures.append(
                f"{method} {path} -> {response.status_code}: {response.text[:300]}"
            )
        elif response.status_code == 429:
            time.sleep(min(float(response.headers.get("Retry-After", "1")), 5.0))
        return response

    def _unexpected(self, ledger: Ledger, what: str, response: httpx.Response) -> None:
        if response.status_code < 500 and response.status_code != 429:
            ledger.failures.append(f"{what} -> {response.status_code}: {response.text[:300]}")

    def _add(self, http: httpx.Client, rng: random.Random, ledger: Ledger, tag: str) -> None:
        parent = rng.choice([ROOT_RUN, *list(ledger.own)[-5:]])
        body = new_run(f"add {tag}", {"tag": tag})
        response = self._send(http, ledger, "POST", run_path(parent) + "/process/runs/$ref", body)
        if response.status_code != 204:
            self._unexpected(ledger, f"Add run under {parent}", response)
            return
        run_id = response.headers["Location"].rsplit("/", 1)[1]
        ledger.own[run_id] = OwnRun(parent=parent, acked=body)

    def _update_own(self, http: httpx.Client, rng: random.Random, ledger: Ledger, tag: str) -> None:
        run_id = rng.choice(list(ledger.own))
        own = ledger.own[run_id]
        changes: dict[str, Any] = {"displayName": f"update {tag}", "statistics": {"tag": tag}}
        if rng.random() < 0.3:
            changes["status"] = rng.choice(["completed", "failed", "running"])
        headers = {"If-Match": own.etag} if own.etag and rng.random() < 0.5 else {}
        # Through the parent's process half the time: the same run, the other operation.
        path = run_path(run_id)
        if own.parent and rng.random() < 0.5:
            path = run_path(own.parent) + f"/process/runs/{run_id}"
        try:
            response = self._send(http, ledger, "PATCH", path, changes, headers)
        except UnknownOutcomeError:
            own.unknown.append(changes)
            own.etag = None  # if it was applied, the version moved on: no If-Match until known
            raise
        if response.status_code != 200:
            # Only this client writes this run: even a 412 means an update went missing.
            self._unexpected(ledger, f"PATCH own run {run_id}", response)
            return
        own.acked = {name: response.json()[name] for name in RUN_FIELDS}
        own.etag = response.headers["ETag"]
        own.unknown = []

    def _increment(self, http: httpx.Client, ledger: Ledger, deadline: float) -> None:
        path = run_path(self.counter_run)
        for _ in range(CAS_ATTEMPTS):
            if time.monotonic() >= deadline:
                return
            # A PATCH that changes nothing answers with the run and its ETag: a read.
            read = self._send(http, ledger, "PATCH", path, {"status": "running"})
            if read.status_code != 200:
                self._unexpected(ledger, "read the counter", read)
                return
            count = read.json()["statistics"]["counter"]
            try:
                write = self._send(
                    http,
                    ledger,
                    "PATCH",
                    path,
                    {"statistics": {"counter": count + 1}},
                    {"If-Match": read.headers["ETag"]},
                )
            except UnknownOutcomeError:
                ledger.increments_unknown += 1
                raise
            if write.status_code == 200:
                ledger.increments += 1
                return
            if write.status_code != 412:
                self._unexpected(ledger, "increment the counter", write)
                return

    def _blind(self, http: httpx.Client, ledger: Ledger, tag: str) -> None:
        name = f"blind {tag}"
        try:
            response = self._send(
                http, ledger, "PATCH", run_path(self.blind_run), {"displayName": name}
            )
        except UnknownOutcomeError:
            ledger.blind_unknown += 1
            raise
        if response.status_code != 200:
            self._unexpected(ledger, "blind write", response)
            return
        version = int(response.headers["ETag"].strip('"'))
        if version in ledger.blind:
            ledger.failures.append(f"two blind writes were acknowledged with ETag {version}")
        ledger.blind[version] = name

    # -- checks ---------------------------------------------------------------------------------

    def verify(self, store: RunStore) -> list[str]:
        """Every problem found in storage, compared with what was acknowledged."""
        problems = list(self.ledger.failures)
        for run_id, own in self.ledger.own.items():
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
        low, high = self.ledger.increments, self.ledger.increments + self.ledger.increments_unknown
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
        acked = self.ledger.blind
        low = 1 + len(acked)
        high = low + self.ledger.blind_unknown
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
        ledger = self.ledger
        total = sum(ledger.statuses.values())
        latencies = sorted(ledger.latencies) or [0.0]

        def pct(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(ledger.statuses.items()))
        return (
            f"{self.clients} clients, {seconds:g} s, {total} answers ({total / seconds:.0f}/s); "
            f"{statuses}; no answer: {ledger.transport_errors}\n"
            f"latency p50 {pct(0.5):.1f} ms, p95 {pct(0.95):.1f} ms, p99 {pct(0.99):.1f} ms\n"
            f"acknowledged: {len(ledger.own)} runs added and updated, {ledger.increments} "
            f"counter increments, {len(ledger.blind)} blind writes"
        )


# -- the server, when the soak starts its own ---------------------------------------------------


def _is_ok(response: httpx.Response) -> bool:
    return response.status_code == 200


class LocalServer:
    """`python -m reference_server --dev` on a free loopback port; `stop()` or leave the block."""

    def __init__(self, state_dir: Path, env: Mapping[str, str]) -> None:
        self.state_dir = state_dir
        self.env = {**env, "PYTHONUNBUFFERED": "1"}
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/beta"
        self.log_path = state_dir / "server.log"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LocalServer:
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "reference_server", "--dev"),
                    *("--port", str(self.port), "--state-dir", str(self.state_dir)),
                ],
                cwd=REPO_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_ready(self._process)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, process: subprocess.Popen[bytes]) -> None:
        url = f"http://127.0.0.1:{self.port}/openapi.json"
        if wait_for_answer(process, url, timeout=60, ready=_is_ok):
            return
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{self.log()}")
        raise RuntimeError(f"the server did not start within 60 s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")[-3000:]

    def stop(self) -> None:
        """SIGTERM, and wait: the server finishes what it acknowledged and closes storage."""
        if self._process is not None:
            stop(self._process, signal.SIGTERM, grace=30)

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _setting(env: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    raw = env.get(name, "").strip() or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None
    if not 1 <= value <= maximum:
        raise SystemExit(f"{name} must be between 1 and {maximum}")
    return value


def _loopback_only(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"SOAK_URL must be on loopback (127.0.0.1), not {host!r}")
    return url.rstrip("/")


def soak(
    base_url: str,
    token: str,
    database_url: str,
    clients: int,
    seconds: float,
    server: LocalServer | None = None,
) -> int:
    """Soak `base_url`, stop `server` (when the soak started it), then check storage."""
    load = Soak([base_url], token, clients)
    load.prepare()
    load.drive(seconds)
    if server is not None:
        server.stop()
    with open_store(database_url) as store:
        problems = load.verify(store)
    print(load.summary(seconds))
    if problems:
        print(f"SOAK FAILED: {len(problems)} problems")
        for problem in problems[:50]:
            print("  " + problem)
        return 1
    print("soak passed: no 5xx, every acknowledged write is in storage")
    return 0


def main(env: Mapping[str, str] | None = None) -> int:
    env = dict(os.environ if env is None else env)
    clients = _setting(env, "SOAK_CLIENTS", 16, MAX_CLIENTS)
    seconds = _setting(env, "SOAK_SECONDS", 30, MAX_SECONDS)
    if env.get("SOAK_URL"):
        base_url = _loopback_only(env["SOAK_URL"])
        if not env.get("SOAK_TOKEN") or not env.get("DATABASE_URL"):
            raise SystemExit(
                "with SOAK_URL, set SOAK_TOKEN (a token the server accepts) and DATABASE_URL "
                "(its storage, to check the writes)"
            )
        return soak(base_url, env["SOAK_TOKEN"], env["DATABASE_URL"], clients, seconds)
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        state_dir = Path(tmp)
        database_url = env.get("DATABASE_URL") or f"sqlite:///{state_dir / 'runs.sqlite3'}"
        server_env = {k: v for k, v in env.items() if not k.startswith("SOAK_")}
        server_env["DATABASE_URL"] = database_url
        token = mint_dev_token(
            state_dir,
            issuer=env.get("TOKEN_ISSUER") or DEV_ISSUER,
            audience=env.get("TOKEN_AUDIENCE") or DEV_AUDIENCE,
        )
        engine = urlsplit(database_url).scheme
        print(f"soak: {clients} clients for {seconds} s against a local server on {engine}")
        with LocalServer(state_dir, server_env) as server:
            return soak(server.base_url, token, database_url, clients, seconds, server)


if __name__ == "__main__":
    raise SystemExit(main())
