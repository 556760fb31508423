"""The server section's report: the tables, the ratios round by round, and the verdicts against
issue 15's goals (Update run and Add run at least 2x Prism `-v warn` with p99 at most 10 ms, and
at least half the bare ASGI ceiling of the fastest stack), each with what stands between when
not met."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench import wrk as bench_wrk
from bench.budget import Budget
from bench.ceiling import STACKS
from bench.report import Section, Table, verdict
from bench.server_measured import OPERATIONS, Measured
from bench.stats import Goal, Summary
from bench.targets import BenchTarget
from tooling.paths import ROOT

PRISM_GOAL = Goal(2.0, upper=False)
CEILING_GOAL = Goal(0.5, upper=False)
# The connection limits may cost at most 5% of throughput at 16 connections (D41).
LIMITS_GOAL = Goal(0.95, upper=False)
P99_GOAL_MS = 10.0


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
            f"does (default stack: {found.default or 'unknown'}, one worker process per core): "
            "auth (RS256 dev tokens), request validation and durable storage (SQLite, WAL, "
            "every acknowledged write fsynced before the answer) on, response validation off, "
            "one access log line per request; every request changes data (each PATCH a new "
            "displayName, each POST a new run). It also runs on every other stack "
            "(`SERVER_STACK`), and with one worker. Prism validates the request and returns "
            "the spec's example; it stores nothing and checks no token signature. The ceilings "
            "are a bare ASGI echo on each stack with as many workers."
        ),
    )
    for op in OPERATIONS:
        rows = []
        for target in found.running:
            runs = found.runs(op.name, target.key)
            if runs:
                rows.append(
                    [
                        target.label
                        + (" (default)" if target.key == found.key("reference") else ""),
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


def _comparisons(found: Measured, op: str) -> list[tuple[str, str, str, Goal | None]]:
    """(numerator, denominator, what it says, goal) for one operation."""
    rows: list[tuple[str, str, str, Goal | None]] = [
        ("reference", "prism", "reference / Prism (default logging)", PRISM_GOAL),
        ("reference", "prism-quiet", "reference / Prism (-v warn)", PRISM_GOAL),
    ]
    fastest = found.fastest_ceiling(op)
    if fastest is not None:
        rows.append(
            ("reference", fastest, f"reference / fastest ceiling ({fastest})", CEILING_GOAL)
        )
    for stack in STACKS:
        rows.append((f"ref-{stack}", "prism-quiet", f"{stack} / Prism (-v warn)", None))
        rows.append((f"ref-{stack}", f"ceiling-{stack}", f"{stack} / its own ceiling", None))
    rows.append(("reference", "ref-1w", "all workers / one worker (default stack)", None))
    rows.append(("reference", "before", f"after / before ({found.before})", None))
    rows.append(("reference", "unlimited", "with connection limits / without", LIMITS_GOAL))
    return rows


def _ratios(section: Section, found: Measured) -> Table:
    rows = []
    for op in OPERATIONS:
        errors = sum(r.errors for r in found.runs(op.name, "reference"))
        for numerator, denominator, name, goal in _comparisons(found, op.name):
            ratio = found.ratio(op.name, numerator, denominator)
            if ratio is None:
                continue
            per_round = ", ".join(f"{v:.2f}" for v in ratio.values)
            rows.append([op.name, name, per_round, ratio.show(2, "x"), goal.show() if goal else ""])
            if goal is None:
                continue
            other_errors = sum(r.errors for r in found.runs(op.name, denominator))
            why = _why(found, op.name, denominator, goal)
            if denominator == "unlimited":
                why = (
                    "the same server and stack without the head and body deadlines, the head "
                    "caps and the connection cap (uvicorn's guarded protocol, granian's settings)"
                )
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
        runs = found.runs(op.name, "reference")
        if runs:
            p99 = Summary.of([r.p99_ms for r in runs]).median
            section.verdicts.append(
                verdict(
                    f"{op.name} p99 latency, reference",
                    p99,
                    f"≤ {P99_GOAL_MS:g} ms",
                    p99 <= P99_GOAL_MS and not errors,
                    _latency_why(found, op.name),
                    unit=" ms",
                )
            )
    return Table(
        "Throughput ratios, round by round",
        ["operation", "comparison", "per round", "median (min to max)", "goal"],
        rows,
    )


def _why(found: Measured, op: str, key: str, goal: Goal) -> str:
    """What the goal asks of the server against what the stack allows, and the profile."""
    parts = []
    rate, own = found.median_rate(op, key), found.median_rate(op, "reference")
    fastest = found.fastest_ceiling(op)
    ceiling = found.median_rate(op, fastest) if fastest else None
    if rate and ceiling and own:
        needed = goal.limit * rate
        parts.append(
            f"the goal is {needed:.0f} requests/s, {100 * needed / ceiling:.0f}% of what the "
            f"fastest bare ASGI echo reaches ({fastest}, {ceiling:.0f}/s with no auth, "
            f"validation, storage or logging); the reference server reaches {own:.0f}/s, "
            f"{100 * own / ceiling:.0f}% of it"
        )
    profile = found.profiles.get("reference")
    if profile is not None:
        largest = ", ".join(f"{name} {100 * share:.0f}%" for name, share in profile.packages[:3])
        parts.append(
            f"under load one worker: {profile.cores()}; the largest parts of its event loop "
            f"thread's work: {largest} (profile below)"
        )
    return "; ".join(parts)


def _latency_why(found: Measured, op: str) -> str:
    """Why the tail is long: the connections each worker serves, and where a request waits."""
    runs = found.runs(op, "reference")
    if not runs:
        return ""
    p50 = Summary.of([r.p50_ms for r in runs]).median
    rate = Summary.of([r.per_second for r in runs]).median
    return (
        f"p50 is {p50:.1f} ms at {rate:.0f} requests/s; with every connection busy a request "
        "waits for the ones ahead of it on its worker's one event loop, and for an fsync of "
        "the WAL (a flush of the disk) before its answer"
    )


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


def _profile_notes(found: Measured) -> list[str]:
    notes = []
    if found.before is None:
        notes.append("The server before the earlier fixes was not measured: no such commit.")
    if "before" in found.profiles:
        notes.append(
            f"Profile before the earlier fixes (py-spy, Update run load, {found.before}): "
            + found.profiles["before"].summary()
            + "."
        )
    if found.before is not None:
        commits = fix_commits(found.before)
        if commits:
            notes.append("Changes to the server since then: " + "; ".join(commits) + ".")
    if "reference" in found.profiles:
        notes.append(
            "Profile now (one worker of the default stack): "
            + found.profiles["reference"].summary()
            + "."
        )
    return notes


def _shown(target: BenchTarget, work: Path) -> str:
    """The target's command with scratch paths, the repository and ports made generic."""
    words = []
    for word in target.command:
        if word == str(target.port):
            word = "<port>"
        word = word.replace(str(work), "<scratch>").replace(str(ROOT) + "/", "")
        words.append(Path(word).name if word.endswith("/python") else word)
    return " ".join(words)
