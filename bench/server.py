"""Section 2: throughput and latency of Update run and Add run against every target.

All targets run at once (idle but one); per operation, each round drives every target once for
the same time at the same concurrency, in an order that rotates from round to round, so slow
drift of the machine hits every target alike. Ratios are taken within a round. The reference
server of this tree and of the commit before the fixes are profiled under the same load.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench import profile as bench_profile
from bench import targets as bench_targets
from bench import wrk as bench_wrk
from bench.budget import Budget
from bench.profile import Profile
from bench.report import Section, Table, verdict
from bench.stats import Goal, Summary, pair_ratios
from bench.targets import Running, Target
from tooling.paths import ROOT

# The reference server before the fixes the profile led to (override: BENCH_BEFORE).
BEFORE_COMMIT = "cf57048"
PRISM_GOAL = Goal(2.0, upper=False)
FLOW_RUN = "/industryData/incomingFlows/demo-flow/runs/demo-run"


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str
    body: str  # which body the wrk script sends: "update" or "add"


OPERATIONS = (
    Operation("Update run", "PATCH", FLOW_RUN, "update"),
    Operation("Add run", "POST", FLOW_RUN + "/process/runs/$ref", "add"),
)


@dataclass
class Measured:
    """Everything one run of the section found."""

    running: list[Running]
    before: str | None
    loads: dict[tuple[str, str], list[bench_wrk.LoadResult]] = field(default_factory=dict)
    probes: dict[str, str] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)

    def runs(self, operation: str, key: str) -> list[bench_wrk.LoadResult]:
        return self.loads.get((operation, key), [])


def targets(work: Path) -> tuple[list[Target], str | None]:
    """What to compare, and the commit of the "before" server (None when git lacks it)."""
    before = os.environ.get("BENCH_BEFORE") or BEFORE_COMMIT
    chosen = [bench_targets.reference("reference", "reference server (this tree)", work)]
    tree = bench_targets.unpack_commit(before, work / "before-tree")
    if tree is not None:
        chosen.append(
            bench_targets.reference("before", f"reference server at {before} (before)", work, tree)
        )
    chosen += [
        bench_targets.prism("prism", "Prism mock (default logging)", quiet=False),
        bench_targets.prism("prism-quiet", "Prism mock (-v warn)", quiet=True),
        bench_targets.ceiling("ceiling", "bare ASGI echo (ceiling)"),
    ]
    return chosen, (before if tree is not None else None)


def probe(target: Running, token: str | None) -> str:
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
            answers.append(
                str(httpx.patch(url, json=body, headers=headers, timeout=10).status_code)
            )
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

        found = Measured(running, before)
        for target in running:
            found.probes[target.key] = probe(target, token(target))
        load = budget.server_load
        for op in OPERATIONS:
            if budget.warmup_seconds > 0:
                warm = bench_wrk.Load(load.connections, load.threads, budget.warmup_seconds)
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
        profile_load = bench_wrk.Load(load.connections, load.threads, budget.profile_seconds + 2)
        for target in running:
            if target.target.state_dir is None:
                continue

            def drive(t: Running = target) -> None:
                bench_wrk.run(
                    t.url(update.path), update.method, update.body, token(t), profile_load, script
                )

            profile = bench_profile.profile(
                target.service.pid,
                target.label,
                target.target.cwd,
                drive,
                budget.profile_seconds,
                work,
            )
            if profile is not None:
                found.profiles[target.key] = profile
    return report(budget, found, work)


def _ratio(found: Measured, op: str, numerator: str, denominator: str) -> Summary | None:
    a, b = found.runs(op, numerator), found.runs(op, denominator)
    if not a or not b:
        return None
    return pair_ratios([r.per_second for r in a], [r.per_second for r in b])


def fix_commits(before: str) -> list[str]:
    """The commits that changed the server since `before`, oldest first."""
    done = subprocess.run(
        ["git", "log", "--reverse", "--format=%h %s", f"{before}..HEAD", "--", "reference_server"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return []
    return [
        line if len(line) <= 110 else line[:110].rsplit(" ", 1)[0] + " …"
        for line in done.stdout.splitlines()
    ]


def report(budget: Budget, found: Measured, work: Path) -> Section:
    load = budget.server_load
    section = Section(
        title="Server: Update run and Add run",
        what=(
            f"Throughput and latency at {load.connections} connections for {load.seconds:g} s per "
            f"run, {budget.server_rounds} round(s) after a {budget.warmup_seconds:g} s warm-up, "
            f"wrk with {load.threads} thread(s) in its own process on loopback. The load "
            "generator and the server share the machine's cores: wrk competes with the server "
            "under test, alike for every target. The reference server runs as `make serve` "
            "does: auth (RS256 dev tokens), request validation and durable storage (SQLite, WAL, "
            "`synchronous=FULL`, acknowledged writes on disk) on, response validation off, one "
            "access log line per request; every request changes data (each PATCH a new "
            "displayName, each POST a new run). Prism validates the request and returns the "
            "spec's example; it stores nothing and checks no token signature."
        ),
    )
    for op in OPERATIONS:
        rows = []
        for target in found.running:
            runs = found.runs(op.name, target.key)
            if runs:
                rows.append(
                    [
                        target.label,
                        Summary.of([x.per_second for x in runs]).show(0),
                        Summary.of([x.p50_ms for x in runs]).show(2),
                        Summary.of([x.p99_ms for x in runs]).show(2),
                        str(sum(x.errors for x in runs)),
                    ]
                )
        section.tables.append(
            Table(
                f"{op.name} ({op.method}): median (min to max) over rounds",
                ["target", "requests/s", "p50 ms", "p99 ms", "errors (non-2xx, socket)"],
                rows,
            )
        )
    section.tables.append(_ratios(section, found))
    section.tables.append(
        Table(
            "What each target answers (valid PATCH / schema-breaking PATCH / no token)",
            ["target", "statuses"],
            [[r.label, found.probes[r.key]] for r in found.running],
        )
    )
    section.notes += _profile_notes(found)
    for key in ("before", "reference"):
        if key in found.profiles:
            section.tables += found.profiles[key].tables()
    section.commands = [bench_wrk.shown_command(op.method, op.body, load) for op in OPERATIONS]
    section.commands += [_shown(r.target, work) for r in found.running]
    return section


def _ratios(section: Section, found: Measured) -> Table:
    comparisons = [
        ("prism", "reference / Prism (default logging)", PRISM_GOAL),
        ("prism-quiet", "reference / Prism (-v warn)", PRISM_GOAL),
        ("ceiling", "reference / ceiling (share reached)", None),
        ("before", f"after / before ({found.before})", None),
    ]
    rows = []
    for op in OPERATIONS:
        errors = sum(r.errors for r in found.runs(op.name, "reference"))
        for key, name, goal in comparisons:
            ratio = _ratio(found, op.name, "reference", key)
            if ratio is None:
                continue
            other_errors = sum(r.errors for r in found.runs(op.name, key))
            per_round = ", ".join(f"{v:.2f}" for v in ratio.values)
            rows.append([op.name, name, per_round, ratio.show(2, "x"), goal.show() if goal else ""])
            if goal is None:
                continue
            why = _why(found, op.name, key, goal)
            if errors or other_errors:
                why = f"{errors + other_errors} failed requests: the figures are not comparable"
            section.verdicts.append(
                verdict(
                    f"{op.name} throughput, {name}",
                    ratio.median,
                    goal.show(),
                    goal.met(ratio.median) and not (errors or other_errors),
                    why,
                )
            )
    return Table(
        "Throughput ratios, round by round",
        ["operation", "comparison", "per round", "median (min to max)", "goal"],
        rows,
    )


def _median_rate(found: Measured, op: str, key: str) -> float | None:
    runs = found.runs(op, key)
    return Summary.of([r.per_second for r in runs]).median if runs else None


def _why(found: Measured, op: str, key: str, goal: Goal) -> str:
    """What the goal asks of the server against what the stack allows, and the profile."""
    parts = []
    rate, ceiling = _median_rate(found, op, key), _median_rate(found, op, "ceiling")
    own = _median_rate(found, op, "reference")
    if rate and ceiling and own:
        needed = goal.limit * rate
        parts.append(
            f"{goal.limit:g}x this Prism is {needed:.0f} requests/s, "
            f"{100 * needed / ceiling:.0f}% of what the bare ASGI echo on the same stack reaches "
            f"({ceiling:.0f}/s with no auth, validation, storage or logging); the reference "
            f"server reaches {100 * own / ceiling:.0f}% of it"
        )
    profile = found.profiles.get("reference")
    if profile is not None:
        largest = (
            f"; the largest part of its event loop thread's work is {profile.packages[0][0]} "
            f"at {100 * profile.packages[0][1]:.0f}% (profile below)"
            if profile.packages
            else ""
        )
        parts.append(
            f"under load {profile.cores()}: about the one core that a Python process gets while "
            f"its threads share the GIL{largest}"
        )
    return "; ".join(parts)


def _profile_notes(found: Measured) -> list[str]:
    if found.before is None:
        return [f"The server before the fixes ({BEFORE_COMMIT}) was not measured: no such commit."]
    notes = []
    if "before" in found.profiles:
        notes.append(
            f"Profile before the fixes (py-spy, Update run load, {found.before}): "
            + found.profiles["before"].summary()
            + "."
        )
    commits = fix_commits(found.before)
    if commits:
        notes.append("Changes to the server since then: " + "; ".join(commits) + ".")
    gains = []
    for op in OPERATIONS:
        ratio = _ratio(found, op.name, "reference", "before")
        if ratio is not None:
            gains.append(f"{op.name} {ratio.show(2)}x")
    if gains:
        notes.append("After / before, side by side in this run: " + ", ".join(gains) + ".")
    if "reference" in found.profiles:
        notes.append("Profile after: " + found.profiles["reference"].summary() + ".")
    return notes


def _shown(target: Target, work: Path) -> str:
    """The target's command with scratch paths, the repository and ports made generic."""
    words = []
    for word in target.command:
        if word == str(target.port):
            word = "<port>"
        word = word.replace(str(work), "<scratch>").replace(str(ROOT) + "/", "")
        words.append(Path(word).name if word.endswith("/python") else word)
    return " ".join(words)
