"""Hand-written requests that schemathesis never sends, each with the answer the contract wants.

schemathesis sends only well-formed JSON, pinned ids and its configured token. The probes first add
two runs of their own (`workspace`), then send broken and truncated JSON, other media types, bodies
over the size limit (`bodies`), the sentinel status, unknown properties and invalid values
(`values`), values a character away from valid ones (`near_misses`), ids that were never created
(`ids`), missing, forged and under-privileged tokens (`authorization`), full-precision times and
Add run followed by Update run (`updates`), references that link a run and those the contract
refuses (`links`), a create sent again with its `Idempotency-Key` (`retries`), `Prefer` with and
without the preference the service knows (`preferences`),
stale `If-Match` values (`preconditions`), methods a path lacks (`methods`) and a foreign
`Host` on Add run (`hosts`). `prober` is what
they share: every exchange goes through the custom checks of `fuzzing.checks`, and every refused
update is followed by a read of the run to see that nothing changed.

A probe is found where it is written: every `@probe` at the top of a module of this package
runs, in its `order` (the probes of few requests first, so that under `FUZZ_FAIL_FAST` no bug
waits long behind another probe's hundred requests), after `SETUP`. A new probe is one function
in a module here, a new family one module.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import httpx

from fuzzing.probes import workspace
from fuzzing.probes.prober import Probe, ProbeFinding, ProbeOutcome, Prober
from fuzzing.target import Target
from tooling.discovery import import_all

__all__ = ["PROBES", "SETUP", "Probe", "ProbeFinding", "ProbeOutcome", "ProbeSession"]

SETUP: Probe = workspace.own_runs
"""Runs first: it makes the runs the other probes change."""


def discover(package: str = __name__) -> tuple[Probe, ...]:
    """Every probe at the top of a module of `package` but `SETUP`, by `order` (then name)."""
    found = {
        value
        for module in import_all(package)
        for value in vars(module).values()
        if isinstance(value, Probe) and value is not SETUP
    }
    return tuple(sorted(found, key=lambda probe: (probe.order, probe.name)))


PROBES = discover()
"""Every probe after `SETUP`, in the order they run and are reported."""

_TIMEOUT = 30.0


class ProbeSession:
    """The probes against one target: `prepare()` makes their runs, `run()` sends the rest.

    `stop` ends them between two requests; `on_outcome` hears of each probe as it ends.
    """

    def __init__(
        self,
        target: Target,
        body_dir: Path,
        *,
        stop: threading.Event | None = None,
        on_outcome: Callable[[ProbeOutcome], None] | None = None,
    ) -> None:
        self.client = httpx.Client(timeout=_TIMEOUT)
        self.prober = Prober(target, self.client, body_dir, stop)
        self.on_outcome = on_outcome
        self.outcomes: list[ProbeOutcome] = []

    def _run(self, probe: Probe) -> ProbeOutcome:
        outcome = self.prober.run(probe)
        self.outcomes.append(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        return outcome

    def prepare(self) -> bool:
        """Add the probes' own runs; False when that failed (they then use the pinned runs)."""
        outcome = self._run(SETUP)
        return not (outcome.findings or outcome.skipped or outcome.stopped)

    def run(self, *, stop_at_first: bool = False) -> list[ProbeOutcome]:
        """Send every probe; `stop_at_first` stops after the first that finds."""
        for probe in PROBES:
            if stop_at_first and any(outcome.findings for outcome in self.outcomes):
                break
            if self._run(probe).stopped:
                break
        return self.outcomes

    def close(self) -> None:
        self.client.close()
