"""The soak's tally: what its clients saw and acknowledged, merged over all clients at the end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

FLOW = "demo-flow"
ROOT_RUN = "demo-run"
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
class ClientTally:
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

    def merge(self, other: ClientTally) -> None:
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
