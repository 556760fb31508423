"""What every probe does: send a request, judge the answer, read a run, report a finding.

A probe is a function of a `Prober` under `@probe(order=..., covers=...)`. Each request it sends
goes through the checks of `fuzzing.checks` that need nothing but the exchange, as well as the
probe's own expectations. The prober supplies what the other checks need: the run as it read it
before a request, and its own reads after (a refused update that addresses a run is followed by
one, to see that nothing changed).

The probes change runs of their own (a `Workspace`: two runs they add, one linked into the
other's process), so that they can run while schemathesis changes the pinned runs without either
seeing the other's changes. A `stop` event ends them between two requests (`FUZZ_FAIL_FAST`).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from fuzzing.checks import ContractCheck, Evidence, runnable
from fuzzing.checks.runs import rejected_request_changed_nothing
from fuzzing.curl import curl_line
from fuzzing.exchange import Exchange, Route, RunKey, exchange_answered
from fuzzing.retry import patiently
from fuzzing.run_ledger import FirstAnswer, Reading, Snapshot, read_run
from fuzzing.target import Target


def as_json(value: Any) -> bytes:
    """`value` as the bytes of a JSON body."""
    return json.dumps(value).encode()


NEVER_APPLIED = "probe: this update must never be applied"
NEVER_APPLIED_BODY = as_json({"displayName": NEVER_APPLIED})
"""An update whose name shows it, should a server apply what it refused."""

ProbeBody = bytes | Iterable[bytes] | None
"""A request body; a list of chunks goes out chunked (no `Content-Length`)."""


def new_run(**extra: Any) -> dict[str, Any]:
    """A valid Add run body, with `extra` properties on top."""
    return {
        "displayName": "probe: added run",
        "startDateTime": "2026-11-24T03:00:00.1234567+01:00",
        "status": "running",
        "statistics": {"recordsRead": 0},
        **extra,
    }


@dataclass(frozen=True)
class ProbeFinding:
    """A contract rule a probe saw broken, with the request that shows it, and when (epoch s)."""

    probe: str
    check: str
    message: str
    curl: str
    at: float = field(default_factory=time.time)


@dataclass
class ProbeOutcome:
    """What one probe sent and found."""

    name: str
    summary: str
    requests: int = 0
    seconds: float = 0.0
    findings: list[ProbeFinding] = field(default_factory=list)
    skipped: str | None = None
    stopped: bool = False
    """Ended early: the run stopped at a failure found elsewhere (`FUZZ_FAIL_FAST`)."""


class SkipError(Exception):
    """A probe that cannot run against this target (the reason is the message)."""


class UnreadableError(Exception):
    """A run the probe relies on cannot be read; the probe cannot go on."""


class StoppedError(Exception):
    """The run is stopping (a failure was found elsewhere under `FUZZ_FAIL_FAST`)."""


@dataclass(frozen=True)
class Workspace:
    """The runs the probes change: `run_id`, and `process_run_id` linked into its process."""

    run_id: str
    process_run_id: str


class Prober:
    """Sends the probes to one target and collects what they find.

    Until `workspace` is set, the probes use the target's pinned runs.
    """

    def __init__(
        self,
        target: Target,
        client: httpx.Client,
        body_dir: Path,
        stop: threading.Event | None = None,
    ) -> None:
        self.target = target
        self.client = client
        self.body_dir = body_dir
        self.stop = stop or threading.Event()
        self.workspace = Workspace(target.run_id, target.process_run_id)
        self._outcome: ProbeOutcome | None = None
        self._counter = 0
        # The last read of each run, while no request since can have changed it.
        self._latest: dict[RunKey, Reading] = {}

    @property
    def outcome(self) -> ProbeOutcome:
        """The outcome of the probe running now."""
        assert self._outcome is not None, "no probe is running"
        return self._outcome

    @property
    def runs(self) -> list[tuple[str, RunKey]]:
        """The update URLs of the workspace's runs, each with the run it changes."""
        target, space = self.target, self.workspace
        return [
            (target.run_url(space.run_id), (target.flow_id, space.run_id)),
            (
                target.process_run_url(space.run_id, space.process_run_id),
                (target.flow_id, space.process_run_id),
            ),
        ]

    @property
    def add_url(self) -> str:
        """Where Add run links a new run into the process of the workspace's first run."""
        return self.target.add_run_url(self.workspace.run_id)

    def send(
        self,
        method: str,
        url: str,
        body: ProbeBody,
        *,
        content_type: str | None = "application/json",
        authorization: str | None = "",
        headers: dict[str, str] | None = None,
    ) -> Exchange:
        """Send one request and judge it; `authorization=""` is the target's token, None none."""
        if self.stop.is_set():
            raise StoppedError
        self._counter += 1
        sent_headers = {"client-request-id": f"probe-{self._counter}-{uuid.uuid4().hex[:8]}"}
        if authorization == "":
            sent_headers["Authorization"] = f"Bearer {self.target.token}"
        elif authorization is not None:
            sent_headers["Authorization"] = authorization
        if content_type is not None:
            sent_headers["Content-Type"] = content_type
        sent_headers.update(headers or {})
        # A list of chunks goes out chunked (no Content-Length), as a streaming client sends it.
        chunks: list[bytes] | None = None
        sent: bytes | None
        if body is None or isinstance(body, bytes):
            sent = body
        else:
            chunks = list(body)
            sent = b"".join(chunks)

        def send() -> httpx.Response:
            content: bytes | Iterator[bytes] | None = iter(chunks) if chunks is not None else sent
            return self.client.request(method, url, content=content, headers=sent_headers)

        response = patiently(send)
        exchange = exchange_answered(response, url, sent)
        self.outcome.requests += 1
        if exchange.status < 400:
            self._latest.clear()
        for check in runnable():
            self.judge(check, exchange)
        return exchange

    def judge(
        self,
        check: ContractCheck,
        exchange: Exchange,
        before: dict[str, Any] | None = None,
        etag: str | None = None,
        keyed: FirstAnswer | None = None,
    ) -> None:
        """Apply `check` to `exchange` (`before`: the run as read just before, `etag` with it;
        `keyed`: the first answer to the request's `Idempotency-Key`); report a failure."""
        snapshot = None
        if before is not None or keyed is not None:
            snapshot = Snapshot(known=True, state=before, etag=etag, keyed=keyed)
        evidence = Evidence(exchange, before=snapshot, reader=self._read_route)
        verdict = check.judge(evidence)
        if verdict.failure is not None:
            self.report(check.name, exchange, verdict.failure)

    def report(self, check: str, exchange: Exchange, message: str) -> None:
        """A finding, with a curl line that repeats `exchange` (tokens left to the shell)."""
        secrets = {self.target.token: "TARGET_TOKEN"}
        if self.target.token_no_permission:
            secrets[self.target.token_no_permission] = "TARGET_TOKEN_NO_PERMISSION"
        curl = curl_line(
            exchange.method,
            exchange.url,
            exchange.request_headers,
            exchange.request_body,
            secrets=secrets,
            body_dir=self.body_dir,
        )
        finding = ProbeFinding(probe=self.outcome.name, check=check, message=message, curl=curl)
        self.outcome.findings.append(finding)

    def expect(self, exchange: Exchange, expected: set[int], check: str, what: str) -> bool:
        """Whether the status is one of `expected`; if not, a finding that says `what` was sent."""
        if exchange.status in expected:
            return True
        body = exchange.response_body[:300].decode("utf-8", errors="replace")
        wanted = " or ".join(map(str, sorted(expected)))
        self.report(
            check,
            exchange,
            f"{what}: expected {wanted}, got {exchange.status}\n{exchange.describe()}\n{body}",
        )
        return False

    def read(self, key: RunKey, process_of: str | None = None) -> Reading:
        """Read a run with a PATCH that changes nothing (not judged: the probes judge it); with
        `process_of`, through the process of that run."""
        if self.stop.is_set():
            raise StoppedError
        reading = read_run(
            self.target.base_url, key, self.target.token, client=self.client, process_of=process_of
        )
        self.outcome.requests += 1
        if process_of is None:
            self._latest[key] = reading
        return reading

    def _read_route(self, route: Route) -> Reading:
        return self.read(route.target, route.process_of)

    def reading(self, key: RunKey) -> Reading:
        """The run as it is now, with its `ETag` (a read, or the last one if nothing since can
        have changed it); `UnreadableError` if it cannot be read."""
        reading = self._latest.get(key) or self.read(key)
        if reading.run is None:
            raise UnreadableError(
                f"run {key[1]!r} of flow {key[0]!r} answered {reading.status} to a read"
            )
        return reading

    def state(self, key: RunKey) -> dict[str, Any]:
        """The run as it is now; `UnreadableError` if it cannot be read."""
        run = self.reading(key).run
        assert run is not None
        return run

    def refused(
        self,
        method: str,
        url: str,
        body: ProbeBody,
        expected: set[int],
        check: str,
        what: str,
        key: RunKey | None = None,
        **options: Any,
    ) -> Exchange:
        """Send a request the contract refuses; if it updates run `key`, see it changed nothing."""
        before = self.state(key) if key is not None else None
        exchange = self.send(method, url, body, **options)
        self.expect(exchange, expected, check, what)
        if before is not None:
            self.judge(rejected_request_changed_nothing, exchange, before)
        return exchange

    def refused_updates(self, bodies: Sequence[tuple[bytes, str]], status: int, check: str) -> None:
        """Each body, sent to update each pinned run in turn, is `status` and changes nothing."""
        for url, key in self.runs:
            for body, what in bodies:
                self.refused("PATCH", url, body, {status}, check, what, key)

    def refused_adds(self, bodies: Sequence[tuple[bytes, str]], status: int, check: str) -> None:
        """Each body, sent to Add run under the pinned run, is `status`."""
        for body, what in bodies:
            self.refused("POST", self.add_url, body, {status}, check, what)

    def run(self, probe: Probe | ProbeFunction) -> ProbeOutcome:
        """Run one probe (a plain function is a probe that declares no rules); its name and the
        first line of its docstring name the outcome."""
        if not isinstance(probe, Probe):
            probe = Probe(probe)
        self._outcome = outcome = ProbeOutcome(name=probe.name, summary=probe.summary)
        started = time.monotonic()
        try:
            probe(self)
        except SkipError as skip:
            outcome.skipped = str(skip)
        except StoppedError:
            outcome.stopped = True
        except UnreadableError as error:
            outcome.findings.append(
                ProbeFinding(probe=probe.name, check="run_readable", message=str(error), curl="")
            )
        except httpx.HTTPError as error:
            outcome.findings.append(
                ProbeFinding(
                    probe=probe.name,
                    check="transport",
                    message=f"{type(error).__name__}: {error}",
                    curl="",
                )
            )
        outcome.seconds = time.monotonic() - started
        return outcome


ProbeFunction = Callable[[Prober], None]


@dataclass(frozen=True)
class Probe:
    """A probe: its function's name names it in reports, the first line of its docstring says
    what it checks, `covers` names the rules of the rule table it would fail on, and `order`
    places it among the others (lower runs first)."""

    function: ProbeFunction
    covers: tuple[str, ...] = ()
    order: int = 0

    @property
    def name(self) -> str:
        return self.function.__name__

    @property
    def summary(self) -> str:
        return (self.function.__doc__ or "").strip().splitlines()[0]

    def __call__(self, prober: Prober) -> None:
        self.function(prober)


def probe(*, order: int, covers: Iterable[str]) -> Callable[[ProbeFunction], Probe]:
    """Make the decorated function a `Probe` that covers the rules `covers` names, run at `order`
    among the probes: those of few requests first, so that under `FUZZ_FAIL_FAST` no bug waits
    long behind another probe's hundred requests. `fuzzing.probes` finds it in its module."""
    return lambda function: Probe(function, tuple(covers), order)
