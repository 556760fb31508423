"""Section 2: throughput and latency of Update run and Add run against every target.

All targets run at once (idle but one); per operation, each round drives every target once for
the same time at the same concurrency, in an order that rotates from round to round, so slow
drift of the machine hits every target alike. Ratios are taken within a round. The targets: the
reference server of this tree on each stack with one worker process per core, on its default
stack with one worker, at the commit before the earlier fixes, Prism, and the bare ASGI ceiling
of each stack, and on its default stack at the commit before the connection limits (their
cost). A worker of the reference server, and the earlier commit's server, are profiled
under the same load. The verdicts are in `server_report`.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import httpx

from bench import profile as bench_profile
from bench import targets as bench_targets
from bench import wrk as bench_wrk
from bench.budget import Budget
from bench.ceiling import STACKS
from bench.report import Section
from bench.server_measured import FLOW_RUN, OPERATIONS, Measured
from bench.server_report import report
from bench.targets import BenchTarget, Running

# The reference server before the fixes the profile led to (override: BENCH_BEFORE).
BEFORE_COMMIT = "cf57048"
# The reference server just before the connection limits (head and body deadlines, head caps,
# connections per worker): the same stack and workers without them, for their cost.
UNLIMITED_COMMIT = "15816f4"
# What a server of that commit needs beside itself (it reads the spec through `contract` and its
# settings through `tooling`).
UNLIMITED_TREE = ("reference_server", "openapi.yaml", "contract", "tooling")


def targets(work: Path) -> tuple[list[BenchTarget], str | None]:
    """What to compare, and the commit of the "before" server (None when git lacks it)."""
    before = os.environ.get("BENCH_BEFORE") or BEFORE_COMMIT
    workers = bench_targets.cores()
    chosen = [
        bench_targets.reference(
            f"ref-{stack}",
            f"reference server, {stack}, {workers} workers",
            work,
            stack=stack,
            workers=workers,
        )
        for stack in STACKS
    ]
    chosen.append(
        bench_targets.reference(
            "ref-1w", "reference server, default stack, 1 worker", work, workers=1
        )
    )
    tree = bench_targets.unpack_commit(before, work / "before-tree")
    if tree is not None:
        chosen.append(
            bench_targets.reference(
                "before",
                f"reference server at {before} (before; its uvicorn now finds uvloop, httptools)",
                work,
                tree,
            )
        )
    unlimited = bench_targets.unpack_commit(
        UNLIMITED_COMMIT, work / "unlimited-tree", UNLIMITED_TREE
    )
    if unlimited is not None:
        chosen.append(
            bench_targets.reference(
                "unlimited",
                f"reference server at {UNLIMITED_COMMIT} (no connection limits), {workers} workers",
                work,
                unlimited,
                workers=workers,
            )
        )
    chosen += [
        bench_targets.prism("prism", "Prism mock (default logging)", quiet=False),
        bench_targets.prism("prism-quiet", "Prism mock (-v warn)", quiet=True),
    ]
    chosen += [
        bench_targets.ceiling(
            f"ceiling-{stack}", f"bare ASGI echo, {stack}, {workers} workers", stack, workers
        )
        for stack in STACKS
    ]
    return chosen, (before if tree is not None else None)


def default_stack(running: list[Running]) -> str | None:
    """The stack `make serve` runs by default, as the one-worker server says in its log."""
    for target in running:
        if target.key == "ref-1w":
            found = re.search(r"; ([a-z0-9-]+), 1 worker process", target.service.log())
            return found.group(1) if found else None
    return None


def probe(client: httpx.Client, target: Running, token: str | None) -> str:
    """What the target answers to a valid Update run, a body breaking the schema, and no token:
    evidence that validation and auth are on where they should be."""
    url = target.url(FLOW_RUN)
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    answers = []
    for headers, body in (
        (auth, {"status": "completed"}),
        (auth, {"status": "notAStatus", "unknownProperty": 1}),
        ({}, {"status": "completed"}),
    ):
        try:
            answers.append(str(client.patch(url, json=body, headers=headers).status_code))
        except httpx.HTTPError as exc:
            answers.append(type(exc).__name__)
    return " / ".join(answers)


def measure(budget: Budget, work: Path) -> Section:
    chosen, before = targets(work)
    script = bench_wrk.write_script(work)
    with bench_targets.started(chosen, work / "logs") as running:
        # Each reference server accepts tokens of its own dev key; Prism wants any Bearer token,
        # and gets the same bytes as the first reference server.
        default = running[0].token

        def token(target: Running) -> str | None:
            return target.token or default

        found = Measured(running, before, default_stack(running))
        with httpx.Client(timeout=10) as client:  # one client: each costs milliseconds of CPU
            for target in running:
                found.probes[target.key] = probe(client, target, token(target))
        load = budget.server_load
        for op in OPERATIONS:
            if budget.warmup_seconds > 0:
                warm = replace(load, seconds=budget.warmup_seconds)
                for target in running:
                    bench_wrk.run(
                        target.url(op.path), op.method, op.body, token(target), warm, script
                    )
            for round_ in range(budget.server_rounds):
                shift = round_ % len(running)
                for target in running[shift:] + running[:shift]:
                    result = bench_wrk.run(
                        target.url(op.path), op.method, op.body, token(target), load, script
                    )
                    found.loads.setdefault((op.name, target.key), []).append(result)
        update = OPERATIONS[0]
        profile_load = replace(load, seconds=budget.profile_seconds + 2)
        for target in running:
            if target.key not in (found.key("reference"), "before"):
                continue

            def drive(t: Running = target) -> None:
                bench_wrk.run(
                    t.url(update.path), update.method, update.body, token(t), profile_load, script
                )

            profile = bench_profile.profile(
                bench_profile.serving_pid(target.service.pid),
                target.label,
                target.target.cwd,
                drive,
                budget.profile_seconds,
                work,
            )
            if profile is not None:
                found.profiles["reference" if target.key != "before" else "before"] = profile
    return report(budget, found, work)
