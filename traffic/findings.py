"""What the traffic showed: findings (failures of the server, notes on the client's side), and
the running count per operation and rule that the proxy prints and the reports keep."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fuzzing.curl import curl_line
from fuzzing.exchange import Exchange

FAILURE = "failure"
"""The server broke the contract: counts towards exit status 1."""
NOTE = "note"
"""Worth knowing, not a failure of the server: a request the spec refuses that was refused."""

TOKEN_VARIABLE = "TOKEN"  # noqa: S105 (the name of a shell variable, not a secret)
_PLACEHOLDER = "@@TOKEN@@"


@dataclass(frozen=True)
class Finding:
    """One rule an exchange broke, from the kit's checks or spec validation, or from drift."""

    index: int
    """The exchange's place in the traffic (its HAR entry, counted from 0)."""
    operation: str
    rule: str
    source: str
    """`check` (a registered contract check), `spec` (the spec's schemas), `inference` (an
    exchange that contradicts what earlier ones proved), `proxy` (an answer that is not HTTP) or
    `drift`."""
    severity: str
    message: str
    curl: str = ""
    received: str = ""
    """The answer, in short: status, media type and the start of the body."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def masked_curl(exchange: Exchange, body_dir: Path) -> str:
    """A curl line that repeats the request, the bearer token left to `$TOKEN`."""
    headers = dict(exchange.request_headers)
    authorization = headers.get("authorization")
    if authorization is not None:
        scheme = authorization.split(" ", 1)[0]
        headers["authorization"] = f"{scheme} {_PLACEHOLDER}"
    return curl_line(
        exchange.method,
        exchange.url,
        headers,
        exchange.request_body,
        secrets={_PLACEHOLDER: TOKEN_VARIABLE},
        body_dir=body_dir,
    )


@dataclass
class Tally:
    """Per operation and rule: how many exchanges it judged, failed and skipped (and why)."""

    judged: Counter[tuple[str, str]] = field(default_factory=Counter)
    failed: Counter[tuple[str, str]] = field(default_factory=Counter)
    noted: Counter[tuple[str, str]] = field(default_factory=Counter)
    skipped: dict[tuple[str, str], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )

    def add(self, finding: Finding) -> int:
        """Count `finding`; the running count of its operation and rule."""
        key = (finding.operation, finding.rule)
        counter = self.failed if finding.severity == FAILURE else self.noted
        counter[key] += 1
        return counter[key]

    def rows(self) -> list[dict[str, Any]]:
        """One row per operation and rule that judged, failed, noted or skipped anything."""
        keys = sorted(set(self.judged) | set(self.failed) | set(self.noted) | set(self.skipped))
        return [
            {
                "operation": operation,
                "rule": rule,
                "judged": self.judged[(operation, rule)],
                "failed": self.failed[(operation, rule)],
                "notes": self.noted[(operation, rule)],
                "skipped": dict(self.skipped.get((operation, rule), {})),
            }
            for operation, rule in keys
        ]


def received(exchange: Exchange, limit: int = 300) -> str:
    """What came back, in one line: status, media type and the start of the body."""
    body = exchange.response_body[:limit].decode("utf-8", errors="replace").replace("\n", " ")
    more = " ..." if len(exchange.response_body) > limit else ""
    media_type = exchange.response_header("content-type") or "no Content-Type"
    return f"{exchange.status}, {media_type}, {len(exchange.response_body)} bytes: {body}{more}"


def console(finding: Finding, count: int) -> str:
    """How the proxy prints a finding as it happens."""
    mark = "FAIL" if finding.severity == FAILURE else "note"
    lines = [
        f"{mark} #{finding.index} {finding.operation} · {finding.rule} ({finding.source}, "
        f"{count} so far for this operation and rule)",
        *(f"  {line}" for line in finding.message.splitlines()),
    ]
    if finding.received:
        lines.append(f"  received: {finding.received}")
    if finding.curl:
        lines.append(f"  sent: {finding.curl}")
    return "\n".join(lines)
