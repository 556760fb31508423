"""Probes of ids that were never created, in each place of each path.

schemathesis pins the flow and the parent run to resources that exist, so that its 404s mean
something; these probes try the other combinations, and one unknown run twice, to see that the
first refusal did not create it.
"""

from __future__ import annotations

import uuid

from fuzzing.probes.prober import NEVER_APPLIED_BODY, Prober, as_json, new_run, probe


@probe(order=40, covers=("D11", "status:*:404", "request:entityId:*"))
def unknown_ids(prober: Prober) -> None:
    """Ids that were never created are 404 on every operation, and stay that way; an id the
    `entityId` schema refuses (too long, or `/` sent as `%2F`, which would split it) names no run.
    """
    target, space = prober.target, prober.workspace
    fresh = f"never-created-{uuid.uuid4()}"
    body = NEVER_APPLIED_BODY
    check = "unknown_id_is_404"
    for attempt in ("once", "twice"):
        exchange = prober.send("PATCH", target.run_url(fresh), body)
        prober.expect(exchange, {404}, check, f"a run never created ({attempt})")
    created = as_json(new_run())
    orphan = "a parent never created"
    cases = [
        ("PATCH", target.run_url(space.run_id, flow_id=fresh), body, "a flow never created"),
        ("PATCH", target.process_run_url(space.run_id, fresh), body, "a process run never linked"),
        ("PATCH", target.process_run_url(fresh, space.process_run_id), body, orphan),
        ("POST", target.add_run_url(fresh), created, orphan),
        ("POST", target.add_run_url(space.run_id, flow_id=fresh), created, "a flow never created"),
    ]
    for method, url, payload, what in cases:
        prober.expect(prober.send(method, url, payload), {404}, check, what)
    # A `%2F` in an id: a server that routes on the decoded path takes it for a path separator
    # and updates the linked run instead (D11).
    slashed = target.run_url(f"{space.run_id}/process/runs/{space.process_run_id}")
    too_long = target.run_url("x" * 129)
    for url, what in (
        (slashed, "an id with an encoded `/`"),
        (too_long, "an id of 129 characters"),
    ):
        prober.expect(prober.send("PATCH", url, body), {400, 404}, "invalid_id_refused", what)
