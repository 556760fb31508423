"""Hand-written requests that schemathesis never sends, each with the answer the contract wants.

schemathesis sends only well-formed JSON, pinned ids and its configured token. The probes send
broken and truncated JSON, other media types, bodies over the size limit, the sentinel status,
unknown properties, ids that were never created, missing, forged and under-privileged tokens,
and stale `If-Match` values; they round-trip times at full precision and follow Add run into
Update run. Every exchange also goes through the custom checks of `fuzzing.checks`, and every
refused update is followed by a read of the run to see that nothing changed.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from fuzzing.checks import (
    STATELESS_CHECKS,
    check_created_run,
    check_patch_keeps_unsent,
    check_rejected_changed_nothing,
)
from fuzzing.curl import curl_line
from fuzzing.exchange import UPDATE_RUN, Exchange, RunKey
from fuzzing.ledger import Reading, read_run
from fuzzing.retry import patiently
from fuzzing.spec import contract
from fuzzing.target import Target

NEVER_APPLIED = "probe: this update must never be applied"
_TIMEOUT = 30.0


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


class _SkipError(Exception):
    """A probe that cannot run against this target (the reason is the message)."""


class _UnreadableError(Exception):
    """A run the probe relies on cannot be read; the probe cannot go on."""


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _truncations(body: bytes) -> Iterator[bytes]:
    """`body` cut short at a few places, as a dropped connection or a buggy client leaves it."""
    for end in sorted({1, len(body) // 3, len(body) // 2, len(body) - 1}):
        yield body[:end]


def _padded(size: int) -> bytes:
    """A valid update body of exactly `size` bytes."""
    empty = _json({"statistics": {"padding": ""}})
    body = _json({"statistics": {"padding": "x" * (size - len(empty))}})
    assert len(body) == size
    return body


def _tampered(token: str) -> str:
    """`token` with its signature changed (the last part of a JWT), so only a check catches it."""
    head, _, signature = token.rpartition(".")
    if not head or not signature:
        return token + "x"
    swapped = "A" if signature[0] != "A" else "B"
    return f"{head}.{swapped}{signature[1:]}"


class Prober:
    """Sends the probes to one target and collects what they find."""

    def __init__(self, target: Target, client: httpx.Client, body_dir: Path) -> None:
        self.target = target
        self.client = client
        self.body_dir = body_dir
        self._outcome: ProbeOutcome | None = None
        self._counter = 0

    # Plumbing: send, judge, read.

    def _send(
        self,
        method: str,
        url: str,
        body: bytes | Iterable[bytes] | None,
        *,
        content_type: str | None = "application/json",
        authorization: str | None = "",
        headers: dict[str, str] | None = None,
    ) -> Exchange:
        """Send one request; `authorization=""` means the target's token, None means none."""
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
        assert self._outcome is not None
        self._outcome.requests += 1
        for name, check in STATELESS_CHECKS.items():
            self._judge(name, exchange, check, exchange)
        return exchange

    def _judge(self, check: str, exchange: Exchange, rule: Callable[..., None], *args: Any) -> None:
        try:
            rule(*args)
        except AssertionError as error:
            self._report(check, exchange, str(error))

    def _report(self, check: str, exchange: Exchange, message: str) -> None:
        assert self._outcome is not None
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
        finding = Finding(probe=self._outcome.name, check=check, message=message, curl=curl)
        self._outcome.findings.append(finding)

    def _expect(self, exchange: Exchange, expected: set[int], check: str, what: str) -> bool:
        if exchange.status in expected:
            return True
        body = exchange.response_body[:300].decode("utf-8", errors="replace")
        wanted = " or ".join(map(str, sorted(expected)))
        self._report(
            check,
            exchange,
            f"{what}: expected {wanted}, got {exchange.status}\n{exchange.describe()}\n{body}",
        )
        return False

    def _read(self, key: RunKey) -> Reading:
        """Read a run with a PATCH that changes nothing (not judged: the probes judge it)."""
        reading = read_run(self.target.base_url, key, self.target.token, client=self.client)
        assert self._outcome is not None
        self._outcome.requests += 1
        return reading

    def _state(self, key: RunKey) -> dict[str, Any]:
        reading = self._read(key)
        if reading.run is None:
            raise _UnreadableError(
                f"run {key[1]!r} of flow {key[0]!r} answered {reading.status} to a read"
            )
        return reading.run

    def _refused(
        self,
        method: str,
        url: str,
        body: bytes | Iterable[bytes] | None,
        expected: set[int],
        check: str,
        what: str,
        key: RunKey | None = None,
        **options: Any,
    ) -> Exchange:
        """Send a request the contract refuses; if it addresses a run, see that nothing changed."""
        before = self._state(key) if key is not None else None
        exchange = self._send(method, url, body, **options)
        self._expect(exchange, expected, check, what)
        if key is not None:
            after = self._read(key)
            self._judge(
                "rejected_request_changed_nothing",
                exchange,
                check_rejected_changed_nothing,
                exchange,
                before,
                after,
            )
        return exchange

    @property
    def _runs(self) -> list[tuple[str, RunKey]]:
        """The update URLs of the pinned runs, each with the run it changes."""
        target = self.target
        return [
            (target.run_url(target.run_id), (target.flow_id, target.run_id)),
            (
                target.process_run_url(target.run_id, target.process_run_id),
                (target.flow_id, target.process_run_id),
            ),
        ]

    def _valid_create(self, **extra: Any) -> dict[str, Any]:
        return {
            "displayName": "probe: added run",
            "startDateTime": "2026-11-24T03:00:00.1234567+01:00",
            "status": "running",
            "statistics": {"recordsRead": 0},
            **extra,
        }

    # The probes.

    def malformed_json(self) -> None:
        """Bodies that are not JSON objects, or are cut short, are 400 and change nothing."""
        valid = _json(
            {"displayName": NEVER_APPLIED, "status": "failed", "statistics": {"a": [1, 2]}}
        )
        broken = [
            *_truncations(valid),
            b'{"displayName": }',
            b"{'displayName': 'single quotes'}",
            b'{"displayName": "trailing comma",}',
            b'{"statistics": {"a": NaN}}',
            b'{"statistics": {"a": Infinity}}',
            b'{"displayName": "\xff\xfe not UTF-8"}',
            b"",
            b"null",
            b"[]",
            b'"a string"',
            b"42",
        ]
        for url, key in self._runs:
            for body in broken:
                self._refused(
                    "PATCH", url, body, {400}, "malformed_json_rejected", "malformed JSON", key
                )
        created = _json(self._valid_create())
        for body in [*_truncations(created), b"", b"[]", b'{"displayName": "x",}']:
            url = self.target.add_run_url(self.target.run_id)
            self._refused("POST", url, body, {400}, "malformed_json_rejected", "malformed JSON")

    def media_types(self) -> None:
        """A body not sent as `application/json` is 415; a charset parameter is still JSON."""
        body = _json({"displayName": NEVER_APPLIED})
        url, key = self._runs[0]
        for media_type in (
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/xml",
            None,
        ):
            self._refused(
                "PATCH",
                url,
                body,
                {415},
                "unsupported_media_type",
                f"Content-Type {media_type}",
                key,
                content_type=media_type,
            )
        add = self.target.add_run_url(self.target.run_id)
        self._refused(
            "POST",
            add,
            _json(self._valid_create()),
            {415},
            "unsupported_media_type",
            "text/plain",
            content_type="text/plain",
        )
        accepted = self._send(
            "PATCH",
            url,
            _json({"displayName": "probe: charset"}),
            content_type="application/json; charset=utf-8",
        )
        self._expect(accepted, {200}, "json_media_type_accepted", "application/json; charset=utf-8")

    def body_size(self) -> None:
        """A body of the size limit is taken; one byte more is 413, streamed or not."""
        limit = contract().max_body_bytes
        url, key = self._runs[0]
        self._refused(
            "PATCH", url, _padded(limit + 1), {413}, "body_size_limit", f"{limit + 1} bytes", key
        )
        streamed = _padded(limit + 1)
        chunks = [streamed[i : i + 8192] for i in range(0, len(streamed), 8192)]
        self._refused(
            "PATCH", url, chunks, {413}, "body_size_limit", f"{limit + 1} bytes, chunked", key
        )
        add = self.target.add_run_url(self.target.run_id)
        big = _json(self._valid_create(statistics={"padding": "x" * limit}))
        self._refused("POST", add, big, {413}, "body_size_limit", f"{len(big)} bytes")
        exchange = self._send("PATCH", url, _padded(limit))
        self._expect(exchange, {200}, "body_size_limit", f"a body of exactly {limit} bytes")
        # Leave the run small again, so later reads stay cheap.
        self._send("PATCH", url, _json({"statistics": {}}))

    def sentinel_status(self) -> None:
        """The sentinel status may come back from the service, but never be set by a client."""
        for sentinel in sorted(contract().sentinel_statuses):
            for url, key in self._runs:
                body = _json({"status": sentinel})
                self._refused("PATCH", url, body, {400}, "sentinel_status_rejected", sentinel, key)
            add = self.target.add_run_url(self.target.run_id)
            body = _json(self._valid_create(status=sentinel))
            self._refused("POST", add, body, {400}, "sentinel_status_rejected", sentinel)

    def unknown_properties(self) -> None:
        """Properties the schema does not name, the read-only `id` included, are 400."""
        bodies: list[dict[str, Any]] = [
            {"displayName": NEVER_APPLIED, "unexpectedProperty": True},
            {"id": "another-id"},
            {"displayName": NEVER_APPLIED, "process": {"runs": []}},
            {"blockingError": {"code": "x", "stackTrace": "at somewhere"}},
        ]
        for url, key in self._runs:
            for body in bodies:
                names = sorted(set(body) - contract().body_properties(UPDATE_RUN))
                name = names or ["blockingError.stackTrace"]
                self._refused(
                    "PATCH", url, _json(body), {400}, "unknown_properties_rejected", name[0], key
                )
        add = self.target.add_run_url(self.target.run_id)
        for extra in ({"unexpectedProperty": 1}, {"id": "chosen-by-client"}):
            created = _json(self._valid_create(**extra))
            self._refused(
                "POST", add, created, {400}, "unknown_properties_rejected", next(iter(extra))
            )

    def invalid_values(self) -> None:
        """Values the schema forbids are 400, and a body half valid is not half applied."""
        bodies: list[dict[str, Any]] = [
            {},
            {"displayName": None},
            {"status": None},
            {"statistics": None},
            {"startDateTime": None},
            {"status": "notAStatus"},
            {"displayName": NEVER_APPLIED, "status": "notAStatus"},
            {"displayName": NEVER_APPLIED, "endDateTime": "yesterday"},
            {"startDateTime": "2026-13-01T00:00:00Z"},
            {"startDateTime": "2026-02-30T00:00:00Z"},
            {"startDateTime": "2026-11-24T02:00:00.12345678Z"},
            {"startDateTime": "2026-11-24 02:00:00Z"},
            {"startDateTime": "2026-11-24T02:00:00"},
            {"statistics": []},
            {"displayName": "x" * 257},
            {"@odata.type": "#microsoft.graph.user"},
            {"blockingError": {"code": 42}},
        ]
        for url, key in self._runs:
            for body in bodies:
                what = json.dumps(body)[:80]
                self._refused(
                    "PATCH", url, _json(body), {400}, "invalid_values_rejected", what, key
                )
        add = self.target.add_run_url(self.target.run_id)
        for body in (
            {"displayName": "missing required properties"},
            self._valid_create(status="notAStatus"),
        ):
            self._refused(
                "POST", add, _json(body), {400}, "invalid_values_rejected", json.dumps(body)[:80]
            )

    def unknown_ids(self) -> None:
        """Ids that were never created are 404 on every operation, and stay that way."""
        target = self.target
        fresh = f"never-created-{uuid.uuid4()}"
        body = _json({"displayName": NEVER_APPLIED})
        for attempt in ("once", "twice"):
            exchange = self._send("PATCH", target.run_url(fresh), body)
            self._expect(exchange, {404}, "unknown_id_is_404", f"a run never created ({attempt})")
        cases = [
            ("PATCH", target.run_url(target.run_id, flow_id=fresh), body, "a flow never created"),
            (
                "PATCH",
                target.process_run_url(target.run_id, fresh),
                body,
                "a process run never linked",
            ),
            (
                "PATCH",
                target.process_run_url(fresh, target.process_run_id),
                body,
                "a parent never created",
            ),
            (
                "POST",
                target.add_run_url(fresh),
                _json(self._valid_create()),
                "a parent never created",
            ),
            (
                "POST",
                target.add_run_url(target.run_id, flow_id=fresh),
                _json(self._valid_create()),
                "a flow never created",
            ),
        ]
        for method, url, payload, what in cases:
            self._expect(self._send(method, url, payload), {404}, "unknown_id_is_404", what)

    def authorization(self) -> None:
        """No token or a forged one is 401 with `WWW-Authenticate`; no permission is 403."""
        url, key = self._runs[0]
        body = _json({"displayName": NEVER_APPLIED})
        refusals: list[tuple[str | None, str]] = [
            (None, "no Authorization header"),
            ("Bearer not-a-token", "a token that is not a JWT"),
            ("Basic dXNlcjpwYXNzd29yZA==", "Basic credentials"),
            (f"Bearer {_tampered(self.target.token)}", "a token with a forged signature"),
            ("Bearer", "an empty bearer token"),
        ]
        for authorization, what in refusals:
            exchange = self._refused(
                "PATCH", url, body, {401}, "auth_enforced", what, key, authorization=authorization
            )
            challenge = exchange.response_header("www-authenticate") or ""
            if exchange.status == 401 and not challenge.startswith("Bearer"):
                self._report(
                    "auth_enforced",
                    exchange,
                    f"401 without `WWW-Authenticate: Bearer` ({challenge!r})",
                )
        add = self.target.add_run_url(self.target.run_id)
        self._refused(
            "POST",
            add,
            _json(self._valid_create()),
            {401},
            "auth_enforced",
            "no token",
            authorization=None,
        )
        if not self.target.token_no_permission:
            raise _SkipError(
                "no token without the permission (TARGET_TOKEN_NO_PERMISSION) to check 403"
            )
        weak = f"Bearer {self.target.token_no_permission}"
        self._refused(
            "PATCH",
            url,
            body,
            {403},
            "permission_enforced",
            "a token without the permission",
            key,
            authorization=weak,
        )
        self._refused(
            "POST",
            add,
            _json(self._valid_create()),
            {403},
            "permission_enforced",
            "a token without the permission",
            authorization=weak,
        )

    def round_trip(self) -> None:
        """Updates come back exactly as sent, times to 100 ns in UTC, and leave the rest alone."""
        updates: list[dict[str, Any]] = [
            {
                "startDateTime": "2026-11-24T03:00:00.1234567+01:00",
                "endDateTime": "2026-11-24T04:00:00.0000001-05:30",
            },
            {"displayName": "probe: round trip"},
            {"endDateTime": "2026-11-24T02:41:37.5Z"},
            {
                "status": "failed",
                "blockingError": {
                    "@odata.type": "microsoft.graph.publicError",
                    "code": "SourceUnavailable",
                    "message": "The SFTP source could not be reached.",
                    "target": "sftp://sis.contoso.example/exports",
                    "details": [
                        {"code": "Timeout", "message": "No answer in 30 s.", "target": None}
                    ],
                    "innerError": {"code": "E42", "message": None, "target": None, "details": None},
                },
            },
            {
                "statistics": {
                    "recordsRead": 1250,
                    "ratio": 0.25,
                    "flags": [True, False, None],
                    "nested": {"a": {}},
                }
            },
            {"displayName": "Ünïcödé ✓ 名前 \U0001f600", "status": "completedWithWarnings"},
            {"endDateTime": None, "blockingError": None, "status": "running"},
        ]
        for url, key in self._runs:
            for update in updates:
                before = self._state(key)
                exchange = self._send("PATCH", url, _json(update))
                if self._expect(exchange, {200}, "patch_applied", "a valid update"):
                    self._judge(
                        "patch_keeps_unsent", exchange, check_patch_keeps_unsent, exchange, before
                    )

    def add_then_update(self) -> None:
        """Add run answers 204 and `Location`; the new run is updated there and via the process."""
        target = self.target
        add = self._send("POST", target.add_run_url(target.run_id), _json(self._valid_create()))
        if not self._expect(add, {204}, "add_run_created", "a valid new run"):
            return
        created = add.location_route
        reading = self._read(created.target) if created is not None else None
        self._judge("created_run_holds_request", add, check_created_run, add, reading)
        if created is None or reading is None or reading.run is None:
            return
        new_id = created.target[1]
        update = self._send("PATCH", target.run_url(new_id), _json({"status": "completed"}))
        if self._expect(update, {200}, "add_then_update", "updating the new run"):
            self._judge("patch_keeps_unsent", update, check_patch_keeps_unsent, update, reading.run)
        through = self._send(
            "PATCH",
            target.process_run_url(target.run_id, new_id),
            _json({"displayName": "probe: via process"}),
        )
        self._expect(
            through, {200}, "add_then_update", "updating the new run through its parent's process"
        )
        elsewhere = target.process_run_url(target.process_run_id, new_id)
        self._refused(
            "PATCH",
            elsewhere,
            _json({"displayName": NEVER_APPLIED}),
            {404},
            "unknown_id_is_404",
            "a run not linked into that process",
            (target.flow_id, new_id),
        )

    def if_match(self) -> None:
        """`If-Match` with the current `ETag` applies; a stale one is 412 and changes nothing."""
        if "ifMatch" not in contract().document["components"].get("parameters", {}):
            raise _SkipError("the spec declares no If-Match")
        url, key = self._runs[0]
        first = self._send("PATCH", url, _json({"displayName": "probe: if-match"}))
        etag = first.response_header("etag")
        if not self._expect(first, {200}, "if_match_honoured", "a plain update"):
            return
        if etag is None:
            self._report("if_match_honoured", first, "200 to Update run without an `ETag`")
            return
        body = _json({"displayName": NEVER_APPLIED})
        self._refused(
            "PATCH",
            url,
            body,
            {412},
            "if_match_honoured",
            "a made-up ETag",
            key,
            headers={"If-Match": '"probe-never-issued"'},
        )
        # Reads are PATCHes too and may move the ETag on, so take it from the last one.
        etag = self._send(
            "PATCH", url, _json({"@odata.type": contract().run_odata_type})
        ).response_header("etag")
        current = self._send(
            "PATCH",
            url,
            _json({"displayName": "probe: if-match current"}),
            headers={"If-Match": etag or "*"},
        )
        if self._expect(current, {200}, "if_match_honoured", "If-Match with the current ETag"):
            if etag is not None and current.response_header("etag") == etag:
                self._report(
                    "if_match_honoured", current, f"the ETag {etag} did not change with the run"
                )
            elif etag is not None:
                self._refused(
                    "PATCH",
                    url,
                    body,
                    {412},
                    "if_match_honoured",
                    "an ETag made stale",
                    key,
                    headers={"If-Match": etag},
                )
        anything = self._send(
            "PATCH", url, _json({"displayName": "probe: if-match any"}), headers={"If-Match": "*"}
        )
        self._expect(anything, {200}, "if_match_honoured", "If-Match: *")

    def methods(self) -> None:
        """Methods a path does not have are 405 with `Allow`, an OData error like any other."""
        target = self.target
        paths = [
            (target.add_run_url(target.run_id), "POST"),
            (target.run_url(target.run_id), "PATCH"),
            (target.process_run_url(target.run_id, target.process_run_id), "PATCH"),
        ]
        for url, allowed in paths:
            for method in ("GET", "PUT", "DELETE", "POST", "PATCH"):
                if method == allowed:
                    continue
                body = (
                    None if method in ("GET", "DELETE") else _json({"displayName": NEVER_APPLIED})
                )
                exchange = self._send(method, url, body)
                if self._expect(
                    exchange, {405}, "method_not_allowed", f"{method} on a {allowed} path"
                ):
                    allow = exchange.response_header("allow") or ""
                    if allowed not in {part.strip().upper() for part in allow.split(",")}:
                        self._report("method_not_allowed", exchange, f"`Allow` is {allow!r}")

    # Running them.

    def run(self, probe: Callable[[], None]) -> ProbeOutcome:
        doc = (probe.__doc__ or "").strip().splitlines()[0]
        self._outcome = ProbeOutcome(name=probe.__name__, summary=doc)
        started = time.monotonic()
        try:
            probe()
        except _SkipError as skip:
            self._outcome.skipped = str(skip)
        except _UnreadableError as error:
            self._outcome.findings.append(
                Finding(probe=probe.__name__, check="run_readable", message=str(error), curl="")
            )
        except httpx.HTTPError as error:
            self._outcome.findings.append(
                Finding(
                    probe=probe.__name__,
                    check="transport",
                    message=f"{type(error).__name__}: {error}",
                    curl="",
                )
            )
        self._outcome.seconds = time.monotonic() - started
        return self._outcome

    def all(self) -> list[Callable[[], None]]:
        return [
            self.malformed_json,
            self.media_types,
            self.body_size,
            self.sentinel_status,
            self.unknown_properties,
            self.invalid_values,
            self.unknown_ids,
            self.authorization,
            self.round_trip,
            self.add_then_update,
            self.if_match,
            self.methods,
        ]


def run_probes(
    target: Target,
    body_dir: Path,
    *,
    stop_at_first: bool = False,
    on_outcome: Callable[[ProbeOutcome], None] | None = None,
) -> list[ProbeOutcome]:
    """Run every probe against `target`; `stop_at_first` stops after the first that finds."""
    outcomes = []
    with httpx.Client(timeout=_TIMEOUT) as client:
        prober = Prober(target, client, body_dir)
        for probe in prober.all():
            outcome = prober.run(probe)
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
            if stop_at_first and outcome.findings:
                break
    return outcomes
