"""What every probe does: send a request, judge the answer, read a run, report a finding.

A probe is a function of a `Prober`. Each request it sends goes through the checks of
`fuzzing.checks` that need nothing but the exchange, as well as the probe's own expectations.
The prober supplies what the other checks need: the run as it read it before a request, and its
own reads after (a refused update that addresses a run is followed by one, to see that nothing
changed).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from fuzzing.checks import ContractCheck, Evidence, rejected_request_changed_nothing, runnable
from fuzzing.curl import curl_line
from fuzzing.exchange import Exchange, Route, RunKey
from fuzzing.ledger import Reading, Snapshot, read_run
from fuzzing.retry import patiently
from fuzzing.target import Target


def as_json(value: Any) -> bytes:
    """`value` as the bytes of a JSON body."""
    return json.dumps(value).encode()


NEVER_APPLIED = "probe: this update must never be applied"
NEVER_APPLIED_BODY = as_json({"displayName": NEVER_APPLIED})
"""An update whose name shows it, should a server apply what it refused."""

Body = bytes | Iterable[bytes] | None
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
class Finding:
    """A contract rule a probe saw broken, with the request that shows it."""

    probe: str
    check: str
    message: str
    curl: str


@dataclass
class ProbeOutcome:
    """What one probe sent and found."""

    name: str
    summary: str
    requests: int = 0
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    skipped: str | None = None


class SkipError(Exception):
    """A probe that cannot run against this target (the reason is the message)."""


class UnreadableError(Exception):
    """A run the probe relies on cannot be read; the probe cannot go on."""


class Prober:
    """Sends the probes to one target and collects what they find."""

    def __init__(self, target: Target, client: httpx.Client, body_dir: Path) -> None:
        self.target = target
        self.client = client
        self.body_dir = body_dir
        self._outcome: ProbeOutcome | None = None
        self._counter = 0

    @property
    def outcome(self) -> ProbeOutcome:
        """The outcome of the probe running now."""
        assert self._outcome is not None, "no probe is running"
        return self._outcome

    @property
    def runs(self) -> list[tuple[str, RunKey]]:
        """The update URLs of the pinned runs, each with the run it changes."""
        target = self.target
        return [
            (target.run_url(target.run_id), (target.flow_id, target.run_id)),
            (
                target.process_run_url(target.run_id, target.process_run_id),
                (target.flow_id, target.process_run_id),
            ),
        ]

    @property
    def add_url(self) -> str:
        """Where Add run links a new run into the pinned run's process."""
        return self.target.add_run_url(self.target.run_id)

    def send(
        self,
        method: str,
        url: str,
        body: Body,
        *,
        content_type: str | None = "application/json",
        authorization: str | None = "",
        headers: dict[str, str] | None = None,
    ) -> Exchange:
        """Send one request and judge it; `authorization=""` is the target's token, None none."""
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
        exchange = Exchange.build(
            method=method,
            url=url,
            request_headers=dict(response.request.headers),
            request_body=sent,
            status=response.status_code,
            response_headers=dict(response.headers),
            response_body=response.content,
        )
        self.outcome.requests += 1
        for check in runnable():
            self.judge(check, exchange)
        return exchange

    def judge(
        self, check: ContractCheck, exchange: Exchange, before: dict[str, Any] | None = None
    ) -> None:
        """Apply `check` to `exchange` (`before`: the run as read just before); report a failure."""
        snapshot = Snapshot(known=True, state=before) if before is not None else None
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
        finding = Finding(probe=self.outcome.name, check=check, message=message, curl=curl)
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
        reading = read_run(
            self.target.base_url, key, self.target.token, client=self.client, process_of=process_of
        )
        self.outcome.requests += 1
        return reading

    def _read_route(self, route: Route) -> Reading:
        return self.read(route.target, route.process_of)

    def state(self, key: RunKey) -> dict[str, Any]:
        """The run as it is now; `UnreadableError` if it cannot be read."""
        reading = self.read(key)
        if reading.run is None:
            raise UnreadableError(
                f"run {key[1]!r} of flow {key[0]!r} answered {reading.status} to a read"
            )
        return reading.run

    def refused(
        self,
        method: str,
        url: str,
        body: Body,
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

    def run(self, probe: Probe) -> ProbeOutcome:
        """Run one probe; its name and the first line of its docstring name the outcome."""
        doc = (probe.__doc__ or "").strip().splitlines()[0]
        self._outcome = outcome = ProbeOutcome(name=probe.__name__, summary=doc)
        started = time.monotonic()
        try:
            probe(self)
        except SkipError as skip:
            outcome.skipped = str(skip)
        except UnreadableError as error:
            outcome.findings.append(
                Finding(probe=probe.__name__, check="run_readable", message=str(error), curl="")
            )
        except httpx.HTTPError as error:
            outcome.findings.append(
                Finding(
                    probe=probe.__name__,
                    check="transport",
                    message=f"{type(error).__name__}: {error}",
                    curl="",
                )
            )
        outcome.seconds = time.monotonic() - started
        return outcome


Probe = Callable[[Prober], None]
"""A probe: its name names it in reports, the first line of its docstring says what it checks."""
