"""Hand-written requests that schemathesis never sends, each with the answer the contract wants.

schemathesis sends only well-formed JSON, pinned ids and its configured token. The probes send
broken and truncated JSON, other media types, bodies over the size limit (`bodies`), the
sentinel status, unknown properties and invalid values (`values`), ids that were never created
(`ids`), missing, forged and under-privileged tokens (`auth`), full-precision times and Add run
followed by Update run (`updates`), references that link a run, and those the contract refuses
(`links`), stale `If-Match` values (`preconditions`) and methods a path lacks (`methods`).
`prober` is what they share: every exchange goes through the custom checks of `fuzzing.checks`,
and every refused update is followed by a read of the run to see that nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from fuzzing.probes import auth, bodies, ids, links, methods, preconditions, updates, values
from fuzzing.probes.prober import Finding, Probe, ProbeOutcome, Prober
from fuzzing.target import Target

__all__ = ["PROBES", "Finding", "ProbeOutcome", "run_probes"]

PROBES: tuple[Probe, ...] = (
    bodies.malformed_json,
    bodies.media_types,
    bodies.body_size,
    values.sentinel_status,
    values.unknown_properties,
    values.invalid_values,
    ids.unknown_ids,
    auth.authorization,
    updates.round_trip,
    updates.add_then_update,
    links.references,
    preconditions.if_match,
    methods.methods,
)
"""Every probe, in the order they run and are reported."""

_TIMEOUT = 30.0


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
        for probe in PROBES:
            outcome = prober.run(probe)
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
            if stop_at_first and outcome.findings:
                break
    return outcomes
