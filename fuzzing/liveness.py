"""Whether the target still answers: a target that stops answering mid-run is one finding.

Without this, a target that dies (a mock that crashes on a fuzzed header) becomes a finding per
request that followed: each probe's `ConnectError`, schemathesis's errors, the status table's
"never answered 2xx". The watch follows every request of the run, schemathesis's (from the
status log its hooks write: a line when a request goes out, another when its answer came) and
the probes' (from their client's event hooks). When requests go unanswered, it asks the target
itself: a few plain requests, any HTTP answer at all meaning alive. If none comes, the target
stopped answering: the watch records when, the request it answered last and the first it did
not answer, and calls `on_death` once, which stops schemathesis and the probes.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from fuzzing.curl import curl_line

TOKEN_PLACEHOLDER = "@@TARGET_TOKEN@@"  # noqa: S105 (a placeholder, not a secret)
"""What the status log writes for the configured token: the log never holds the secret."""
TRANSPORT = "transport"
"""The check a probe's outcome names when its request got no HTTP answer (`probes.prober`)."""
ATTEMPTS = 3
_ATTEMPT_TIMEOUT = 3.0
_PAUSE = 0.5
_STALE = 1.0
"""Seconds after which a request without an answer counts as unanswered."""
_HUNG = 4.0
"""Seconds after which one unanswered request alone is reason to ask the target."""
_BETWEEN_CHECKS = 5.0
_POLL = 0.25


def unreachable(base_url: str, attempts: int = ATTEMPTS) -> str | None:
    """None when the target gives any HTTP answer, or takes the request and is slow to answer it
    (a read that times out: a process that accepts connections is alive, and a slow answer does
    not end a run); else the transport error of the last try."""
    error = ""
    for attempt in range(attempts):
        if attempt:
            time.sleep(_PAUSE)
        try:
            with httpx.Client(timeout=_ATTEMPT_TIMEOUT) as client:
                client.get(base_url)
        except httpx.ReadTimeout:
            return None
        except httpx.TransportError as failed:
            error = f"{type(failed).__name__}: {failed}".rstrip(": ")
            continue
        return None
    return error


@dataclass(frozen=True)
class Sent:
    """One request of the run, as sent: enough to name it and to repeat it with curl."""

    source: str
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    at: float

    def describe(self) -> str:
        return f"{self.method} {self.url} (from {self.source})"

    def curl(self, body_dir: Path) -> str:
        return curl_line(
            self.method,
            self.url,
            self.headers,
            self.body,
            secrets={TOKEN_PLACEHOLDER: "TARGET_TOKEN"},
            body_dir=body_dir,
        )


@dataclass(frozen=True)
class Death:
    """When the target stopped answering, and around which requests."""

    at: float
    """Epoch seconds: when the first request it did not answer went out (else, when seen)."""
    error: str
    """What the last attempt to reach it met (`ConnectError: ... Connection refused`)."""
    last_answered: Sent | None
    last_status: int | None
    first_unanswered: Sent | None
    unanswered: int

    def as_json(self, started: float) -> dict[str, Any]:
        def request(sent: Sent | None) -> dict[str, Any] | None:
            if sent is None:
                return None
            return {"source": sent.source, "method": sent.method, "url": sent.url}

        return {
            "seconds": round(max(0.0, self.at - started), 3),
            "error": self.error,
            "last_answered": request(self.last_answered),
            "last_status": self.last_status,
            "first_unanswered": request(self.first_unanswered),
            "unanswered_requests": self.unanswered,
        }


def sent_entry(
    key: str, method: str, url: str, headers: dict[str, str], body: bytes | None
) -> dict[str, Any]:
    """The status log's line for a request going out (written by `fuzzing.hooks`)."""
    return {
        "sent": key,
        "method": method,
        "url": url,
        "headers": headers,
        "body": base64.b64encode(body).decode("ascii") if body is not None else None,
        "time": time.time(),
    }


@dataclass
class Watch:
    """The run's requests and answers, and the verdict on the target once they stop."""

    base_url: str
    on_death: Callable[[], None]
    token: str = ""
    """The target's token, written as `TOKEN_PLACEHOLDER` wherever a request is kept."""
    death: Death | None = None
    _sent: dict[str, Sent] = field(default_factory=dict)
    _answered: dict[str, int] = field(default_factory=dict)
    _last: tuple[Sent, int] | None = None
    _checked_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _check_lock: threading.Lock = field(default_factory=threading.Lock)

    def sent(self, key: str, request: Sent) -> None:
        with self._lock:
            self._sent[key] = request

    def answered(self, key: str, status: int) -> None:
        with self._lock:
            request = self._sent.pop(key, None)
            if request is not None and (self._last is None or request.at >= self._last[0].at):
                self._last = (request, status)

    def _unanswered(self, now: float) -> list[Sent]:
        with self._lock:
            return sorted(
                (s for s in self._sent.values() if now - s.at > _STALE), key=lambda s: s.at
            )

    def suspect(self, now: float | None = None) -> bool:
        """Two requests unanswered, or one for long: time to ask the target."""
        now = time.time() if now is None else now
        waiting = self._unanswered(now)
        return len(waiting) >= 2 or any(now - s.at > _HUNG for s in waiting)

    def check(self, force: bool = False) -> bool:
        """Ask the target whether it answers (at most every few seconds unless `force`); True
        when it has stopped, which calls `on_death` the first time."""
        with self._check_lock:
            if self.death is not None:
                return True
            now = time.time()
            if not force and now - self._checked_at < _BETWEEN_CHECKS:
                return False
            self._checked_at = now
            error = unreachable(self.base_url)
            if error is None:
                with self._lock:  # what went unanswered before an answer is not waited for
                    for key in [k for k, s in self._sent.items() if now - s.at > _STALE]:
                        del self._sent[key]
                return False
            with self._lock:
                last = self._last
                after = last[0].at if last else 0.0
                waiting = sorted(
                    (s for s in self._sent.values() if s.at >= after), key=lambda s: s.at
                )
            first = waiting[0] if waiting else None
            self.death = Death(
                at=first.at if first else now,
                error=error,
                last_answered=last[0] if last else None,
                last_status=last[1] if last else None,
                first_unanswered=first,
                unanswered=len(waiting),
            )
        self.on_death()
        return True

    # The probes' requests, through their httpx client's event hooks.

    def hooks(self) -> dict[str, list[Callable[[Any], None]]]:
        def request(sent: httpx.Request) -> None:
            try:
                body: bytes | None = sent.content or None
            except httpx.RequestNotRead:  # a streamed (chunked) body: not kept
                body = None
            headers = {
                name: value.replace(self.token, TOKEN_PLACEHOLDER) if self.token else value
                for name, value in sent.headers.items()
            }
            self.sent(
                f"probe-{id(sent)}",
                Sent("the probes", sent.method, str(sent.url), headers, body, time.time()),
            )

        def response(answer: httpx.Response) -> None:
            self.answered(f"probe-{id(answer.request)}", answer.status_code)

        return {"request": [request], "response": [response]}

    # schemathesis's requests, from the status log its hooks write.

    def read_line(self, entry: dict[str, Any]) -> None:
        if "sent" in entry:
            body = entry.get("body")
            self.sent(
                f"st-{entry['sent']}",
                Sent(
                    "schemathesis",
                    str(entry.get("method", "")),
                    str(entry.get("url", "")),
                    {str(k): str(v) for k, v in (entry.get("headers") or {}).items()},
                    base64.b64decode(body) if isinstance(body, str) else None,
                    float(entry.get("time", time.time())),
                ),
            )
        elif "case" in entry and "status" in entry:
            self.answered(f"st-{entry['case']}", int(entry["status"]))

    def follow(self, log: Path, done: threading.Event) -> threading.Thread:
        """Read the status log as it grows, and ask the target when requests go unanswered,
        until `done` is set or the target stopped answering."""

        def loop() -> None:
            offset = 0
            pending = ""
            while not done.is_set() and self.death is None:
                if log.exists():
                    with log.open(encoding="utf-8") as lines:
                        lines.seek(offset)
                        pending += lines.read()
                        offset = lines.tell()
                    *whole, pending = pending.split("\n")
                    for line in whole:
                        try:
                            entry = json.loads(line)
                        except ValueError:
                            continue
                        if isinstance(entry, dict):
                            self.read_line(entry)
                if self.suspect():
                    self.check()
                done.wait(_POLL)

        thread = threading.Thread(target=loop, name="liveness", daemon=True)
        thread.start()
        return thread
