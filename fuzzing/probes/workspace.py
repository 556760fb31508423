"""The probes' own runs: two runs added with Add run, the second linked into the first's process.

The probes run while schemathesis fuzzes the pinned runs (`TARGET_RUN_ID`,
`TARGET_PROCESS_RUN_ID`); on runs of their own, neither sees the other's changes as a breach.
Making them is itself a probe of Add run: 204, a `Location` that names a run holding what was
sent, linked where the path said. When that fails, the probes fall back to the pinned runs, and
the runner sends them after schemathesis instead of alongside it.
"""

from __future__ import annotations

from fuzzing.checks.runs import created_run_holds_request
from fuzzing.probes.prober import Prober, Workspace, as_json, new_run, probe
from fuzzing.run_ledger import read_body


def _added_under(prober: Prober, parent: str) -> str | None:
    """The id of a new run added into the process of `parent`, or None (with a finding)."""
    url = prober.target.add_run_url(parent)
    findings = len(prober.outcome.findings)
    added = prober.send("POST", url, as_json(new_run(displayName=f"probe: own run under {parent}")))
    if not prober.expect(added, {204}, "add_run_created", "a valid new run"):
        return None
    prober.judge(created_run_holds_request, added)
    created = added.location_route
    if created is None or len(prober.outcome.findings) > findings:
        return None
    return created.target[1]


@probe(order=0, covers=("D1", "D2", "status:addRun:204", "header:Location"))
def own_runs(prober: Prober) -> None:
    """Add run gives the probes two runs of their own, one linked into the other's process."""
    first = _added_under(prober, prober.target.run_id)
    if first is None:
        return
    second = _added_under(prober, first)
    if second is None:
        return
    target = prober.target
    linked = prober.send("PATCH", target.process_run_url(first, second), read_body())
    if prober.expect(linked, {200}, "add_run_links", "reading the added run through the process"):
        prober.workspace = Workspace(first, second)
