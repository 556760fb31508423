"""Section 4: time per Update run call, the generated client against raw httpx.

Both talk to one reference server (as `make serve` runs it) from one process that
`bench.client_driver` runs with `generated/` on its path; batches alternate and the ratio
is taken per pair of batches.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench import targets as bench_targets
from bench.budget import Budget
from bench.report import Section, Table, verdict
from bench.stats import Goal, Summary, pair_ratios
from codegen.generator import OUTPUT
from tooling.paths import ROOT
from tooling.processes import child_env

GOAL = Goal(1.15, upper=True)
# Issue 21: the production set-up (credential, retries, raise on error) when nothing fails.
PRODUCTION_GOAL = Goal(1.1, upper=True)


def measure(budget: Budget, work: Path) -> Section:
    target = bench_targets.reference("client-server", "reference server (this tree)", work)
    with bench_targets.started([target], work / "logs") as (server,):
        assert server.token is not None
        command = [
            sys.executable,
            "-m",
            "bench.client_driver",
            "--base-url",
            server.url(""),
            "--token",
            server.token,
            "--pairs",
            str(budget.client_pairs),
            "--calls",
            str(budget.client_calls),
        ]
        env = child_env({"PYTHONPATH": f"{OUTPUT}:{ROOT}", "PYTHONDONTWRITEBYTECODE": "1"})
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=900
        )
    if done.returncode != 0:
        raise RuntimeError(f"the client driver failed:\n{done.stdout}{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return report(
        figures["generated"], figures["raw"], int(figures["calls"]), figures.get("production")
    )


def report(
    generated: list[float], raw: list[float], calls: int, production: list[float] | None = None
) -> Section:
    per_call_gen = [1e3 * s / calls for s in generated]
    per_call_raw = [1e3 * s / calls for s in raw]
    ratio = pair_ratios(per_call_gen, per_call_raw)
    added = Summary.of([g - r for g, r in zip(per_call_gen, per_call_raw, strict=True)])
    why = (
        f"the generated client adds {1000 * added.median:.0f} µs per call over raw httpx "
        "(building the body model and its dict, parsing the answer into a `Run`), against a "
        "call that takes "
        f"{Summary.of(per_call_raw).median:.2f} ms"
    )
    section = Section(
        title="Client: generated client against raw httpx",
        what=(
            f"Time per Update run call from one process, {len(generated)} alternating pair(s) of "
            f"batches of {calls} sequential calls over one kept-alive connection each: "
            "`update_run.sync_detailed(...)` with a `RunUpdate` body against "
            "`httpx.Client.patch(path, json=body)` with the same token and a body of the same "
            "shape, against the reference server (auth, validation, durable storage on). "
            "The raw side does not even parse the answer; the ratio counts all the client adds."
        ),
        verdicts=[
            verdict(
                "generated / raw httpx, time per call",
                ratio.median,
                GOAL.show(),
                GOAL.met(ratio.median),
                why,
            )
        ],
    )
    if production is not None:
        per_call_prod = [1e3 * s / calls for s in production]
        prod_ratio = pair_ratios(per_call_prod, per_call_raw)
        prod_added = Summary.of([p - r for p, r in zip(per_call_prod, per_call_raw, strict=True)])
        section.verdicts.append(
            verdict(
                "production set-up / raw httpx, time per call",
                prod_ratio.median,
                PRODUCTION_GOAL.show(),
                PRODUCTION_GOAL.met(prod_ratio.median),
                f"the client with a credential, retries and raise_on_error adds "
                f"{1000 * prod_added.median:.0f} µs per call over raw httpx when nothing fails",
            )
        )
    section.tables.append(
        Table(
            "Milliseconds per call, median (min to max) over batches",
            ["client", "ms per call"],
            [
                ["generated client (`update_run.sync_detailed`)", Summary.of(per_call_gen).show(3)],
                ["raw `httpx.Client.patch`", Summary.of(per_call_raw).show(3)],
                ["added by the generated client", added.show(3)],
                *(
                    [
                        [
                            "production set-up (credential, retries)",
                            Summary.of(per_call_prod).show(3),
                        ],
                        [
                            "production ratio",
                            prod_ratio.show(3, "x") + f" (goal {PRODUCTION_GOAL.show()})",
                        ],
                    ]
                    if production is not None
                    else []
                ),
                ["ratio per pair", ", ".join(f"{v:.3f}" for v in ratio.values)],
                ["ratio", ratio.show(3, "x") + f" (goal {GOAL.show()})"],
            ],
        )
    )
    section.commands = [
        "PYTHONPATH=generated:. python -m bench.client_driver --base-url <server>/beta "
        "--token <dev token> --pairs N --calls M"
    ]
    return section
