"""Section: where a request's milliseconds go under load, and the issue's server goals.

Three targets run side by side: the reference server as `make serve` runs it, Prism's mock with
`-v warn`, and the same reference server with `SERVER_TIMELINE` set (`reference_server.timeline`),
which notes `CLOCK_MONOTONIC` at each step of every request. Per operation, each round drives the
three in an order that rotates, so ratios are taken within a round. The goals are judged on the
server without the timeline; the timeline server's requests are cut into parts (wrk sends the
moment it wrote each request, so the wait before the app is measured too), and the median and p99
of each part are the table.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench import targets as bench_targets
from bench import wrk as bench_wrk
from bench.budget import Budget
from bench.report import Section, Table, verdict, verdict_value
from bench.server_measured import OPERATIONS
from bench.stats import Goal, Summary, pair_ratios

# The server before the timeline's findings were acted on (override: BENCH_TIMELINE_BEFORE).
BEFORE_COMMIT = "15816f4"
THROUGHPUT_GOAL = Goal(2.0, upper=False)  # reference / Prism -v warn, Update run and Add run
P99_GOAL_MS = 10.0  # Update run at 16 connections

# (label, from mark, to mark): consecutive steps of one request, in order.
PARTS: tuple[tuple[str, str, str], ...] = (
    ("accept, parse, wait on the event loop before the app", "sent", "app"),
    ("access log, request ids, body limit", "app", "auth"),
    ("auth", "auth", "routed"),
    ("body, JSON parsing, validation", "routed", "submit"),
    ("waiting for a storage thread", "submit", "thread"),
    ("waiting for the commit (another batch holds the writer)", "thread", "batch"),
    ("the transaction (its batch's statements, COMMIT)", "batch", "committed"),
    ("waiting for its fsync to start", "committed", "sync_start"),
    ("the fsync itself", "sync_start", "sync_end"),
    ("from the fsync's end to its storage thread running again", "sync_end", "done"),
    ("back on the event loop (queued behind other requests)", "done", "resumed"),
    ("writing the answer (response, access log, send)", "resumed", "end"),
)
TOTAL = ("whole request, from wrk's write to the answer's end", "sent", "end")


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds used so far by `pid` and its children (a server's workers)."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:  # it ended meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        pending += [int(child) for child in children]
    return total


@dataclass
class Found:
    loads: dict[tuple[str, str], list[bench_wrk.LoadResult]] = field(default_factory=dict)
    # CPU microseconds per request of the target's processes (with their workers), per run: the
    # machine's other work takes cores away, not CPU time, so this is the steadier figure.
    cpu: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    windows: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # timed runs, per op
    before_label: str = "the server before"

    def rates(self, op: str, key: str) -> list[float]:
        return [r.per_second for r in self.loads.get((op, key), [])]

    def cpu_per_request(self, op: str, key: str) -> Summary | None:
        values = self.cpu.get((op, key), [])
        return Summary.of(values) if values else None


def _targets(work: Path) -> list[bench_targets.BenchTarget]:
    workers = bench_targets.cores()
    chosen = [
        bench_targets.reference(
            "ref", f"reference server, default stack, {workers} workers", work, workers=workers
        )
    ]
    if bench_targets.PRISM.exists():
        chosen.append(bench_targets.prism("prism-quiet", "Prism mock (-v warn)", quiet=True))
    before = os.environ.get("BENCH_TIMELINE_BEFORE") or BEFORE_COMMIT
    tree = bench_targets.unpack_commit(
        before, work / "before-tree", ("reference_server", "contract", "tooling", "openapi.yaml")
    )
    if tree is not None:
        chosen.append(
            bench_targets.reference(
                "before",
                f"reference server at {before} (before this section's changes), {workers} workers",
                work,
                tree,
                workers=workers,
            )
        )
    return [
        *chosen,
        bench_targets.reference(
            "ref-timeline",
            f"reference server, default stack, {workers} workers, SERVER_TIMELINE set",
            work,
            workers=workers,
            env=(("SERVER_TIMELINE", str(work / "timeline")),),
        ),
    ]


def drive(budget: Budget, work: Path) -> Found:
    found = Found()
    script = bench_wrk.write_script(work)
    load = budget.server_load
    chosen = _targets(work)
    found.before_label = next((t.label for t in chosen if t.key == "before"), found.before_label)
    with bench_targets.started(chosen, work / "logs") as running:
        token = running[0].token

        def run(target: bench_targets.Running, op_index: int, seconds: float) -> None:
            op = OPERATIONS[op_index]
            timed = target.key == "ref-timeline"
            used = tree_cpu_seconds(target.service.pid)
            began = time.monotonic_ns()
            result = bench_wrk.run(
                target.url(op.path),
                op.method,
                op.body,
                target.token or token,
                replace(load, seconds=seconds),
                script,
                sent=timed,
            )
            if seconds == load.seconds:
                found.loads.setdefault((op.name, target.key), []).append(result)
                if result.requests:
                    spent = tree_cpu_seconds(target.service.pid) - used
                    found.cpu.setdefault((op.name, target.key), []).append(
                        spent / result.requests * 1e6
                    )
                if timed:
                    found.windows.setdefault(op.name, []).append((began, time.monotonic_ns()))

        for index in range(len(OPERATIONS)):
            if budget.warmup_seconds > 0:
                for target in running:
                    run(target, index, budget.warmup_seconds)
            for round_ in range(budget.server_rounds):
                shift = round_ % len(running)
                for target in running[shift:] + running[:shift]:
                    run(target, index, load.seconds)
    return found


def read_timelines(folder: Path) -> list[dict[str, int]]:
    """Every request the timeline server wrote (one file per worker process)."""
    found: list[dict[str, int]] = []
    for path in sorted(folder.glob("timeline-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(json.loads(line))
    return found


def within(marks: dict[str, int], windows: Sequence[tuple[int, int]]) -> bool:
    app = marks.get("app", 0)
    return any(start <= app <= stop for start, stop in windows)


def part_ms(marks: dict[str, int], start: str, stop: str) -> float | None:
    if start in marks and stop in marks:
        return (marks[stop] - marks[start]) / 1e6
    return None


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass(frozen=True)
class Part:
    label: str
    median: float
    p99: float
    mean: float
    tail_mean: float  # mean over the slowest 1% of requests (by the whole)


def parts(requests: Sequence[dict[str, int]]) -> tuple[list[Part], int]:
    """Each part's median, p99, mean, and mean within the slowest 1%; and how many requests."""
    complete = [m for m in requests if 200 <= m.get("status", 0) < 300 and "end" in m]
    if not complete:
        return [], 0
    totals = [part_ms(m, TOTAL[1], TOTAL[2]) or part_ms(m, "app", "end") or 0.0 for m in complete]
    cut = percentile(totals, 0.99)
    tail = [m for m, total in zip(complete, totals, strict=True) if total >= cut]
    found = []
    for label, start, stop in (*PARTS, TOTAL):
        values = [v for m in complete if (v := part_ms(m, start, stop)) is not None]
        in_tail = [v for m in tail if (v := part_ms(m, start, stop)) is not None]
        if values:
            found.append(
                Part(
                    label,
                    statistics.median(values),
                    percentile(values, 0.99),
                    statistics.fmean(values),
                    statistics.fmean(in_tail) if in_tail else 0.0,
                )
            )
    return found, len(complete)


def largest(found: Sequence[Part], key: Callable[[Part], float], count: int = 3) -> str:
    ranked = sorted((p for p in found if p.label != TOTAL[0]), key=key, reverse=True)
    return ", ".join(f"{p.label} {key(p):.2f} ms" for p in ranked[:count])


def measure(budget: Budget, work: Path) -> Section:
    load_before = os.getloadavg()[0]
    found = drive(budget, work)
    load_after = os.getloadavg()[0]
    timelines = read_timelines(work / "timeline")
    section = Section(
        "Timeline: where a request's milliseconds go under load",
        f"Side by side in one run, {budget.server_rounds} round(s) per operation in rotating "
        f"order after a {budget.warmup_seconds:g} s warm-up, wrk with "
        f"{budget.server_load.connections} connections and {budget.server_load.threads} "
        f"thread(s) for {budget.server_load.seconds:g} s per run (each PATCH a new displayName, "
        "each POST a new run): the reference server as `make serve` runs it, Prism's mock with "
        "`-v warn`, and the same reference server with `SERVER_TIMELINE` set, which notes the "
        "monotonic clock at each step of every request (wrk sends the moment it wrote each one). "
        "The goals are judged on the server without the timeline; ratios are taken within a "
        "round. The machine's 2 cores are shared with wrk, Prism and other work: absolute "
        "figures are noisy, ratios less so.",
    )
    rows = []
    table_rows: list[list[str]] = []
    for op in OPERATIONS:
        requests = [m for m in timelines if within(m, found.windows.get(op.name, []))]
        op_parts, count = parts(requests)
        reason = (
            f"from the timeline ({count} requests), the largest parts on average: "
            f"{largest(op_parts, lambda p: p.mean)}; in the slowest 1%: "
            f"{largest(op_parts, lambda p: p.tail_mean)}"
            if op_parts
            else "no timeline was recorded"
        )
        ours, prism = found.rates(op.name, "ref"), found.rates(op.name, "prism-quiet")
        cpu_ours = found.cpu_per_request(op.name, "ref")
        cpu_prism = found.cpu_per_request(op.name, "prism-quiet")
        # A run too short for the kernel's CPU clock (10 ms ticks; the smoke run's few
        # requests) counts no CPU: then there is no ratio to give.
        if cpu_ours and cpu_prism and cpu_ours.median > 0:
            reason = (
                f"CPU per request {cpu_ours.median:.0f} us against Prism's "
                f"{cpu_prism.median:.0f} us (on cores shared alike, throughput goes as the "
                f"inverse: {cpu_prism.median / cpu_ours.median:.2f}x); " + reason
            )
        if ours and prism:
            ratio = pair_ratios(ours, prism)
            rows.append(
                verdict(
                    f"{op.name} throughput, reference / Prism (-v warn)",
                    ratio.median,
                    THROUGHPUT_GOAL.show(),
                    THROUGHPUT_GOAL.met(ratio.median),
                    f"{Summary.of(ours).median:.0f} against {Summary.of(prism).median:.0f} "
                    f"requests/s (rounds {', '.join(f'{v:.2f}' for v in ratio.values)}); " + reason,
                )
            )
        else:
            rows.append(
                f"{op.name} throughput, reference / Prism (-v warn): **not measured** (goal "
                f"{THROUGHPUT_GOAL.show()}): **not met**; Prism is not installed "
                f"({bench_targets.PRISM} is missing)"
            )
        before = found.rates(op.name, "before")
        if ours and before:
            change = pair_ratios(ours, before)
            cpu_before = found.cpu_per_request(op.name, "before")
            cpu_text = (
                f"; CPU per request {cpu_ours.median:.0f} us against {cpu_before.median:.0f} us"
                if cpu_ours and cpu_before
                else ""
            )
            section.notes.append(
                f"{op.name} throughput, this tree / {found.before_label}: "
                f"{change.show(2, 'x')} (rounds {', '.join(f'{v:.2f}' for v in change.values)})"
                + cpu_text
            )
        runs = found.loads.get((op.name, "ref"), [])
        if runs and op is OPERATIONS[0]:
            p99 = Summary.of([r.p99_ms for r in runs])
            rows.append(
                verdict_value(
                    f"{op.name} p99 at {budget.server_load.connections} connections",
                    f"{p99.median:.1f} ms",
                    f"≤ {P99_GOAL_MS:g} ms",
                    p99.median <= P99_GOAL_MS,
                    f"rounds {', '.join(f'{v:.1f}' for v in p99.values)} ms; " + reason,
                )
            )
        for part in op_parts:
            table_rows.append(
                [
                    op.name,
                    part.label,
                    f"{part.median:.3f}",
                    f"{part.p99:.3f}",
                    f"{part.mean:.3f}",
                    f"{part.tail_mean:.3f}",
                ]
            )
    section.verdicts += rows
    section.notes.append(
        f"1-minute load average at the start and end of the section: {load_before:.1f} and "
        f"{load_after:.1f} (on {os.cpu_count()} cores): the higher it is, the less of a core each "
        "target gets, and the more its figures say about the machine rather than the target"
    )
    loads = []
    for (op_name, key), runs in found.loads.items():
        loads.append(
            [
                op_name,
                key,
                Summary.of([r.per_second for r in runs]).show(0),
                Summary.of([r.p50_ms for r in runs]).show(2),
                Summary.of([r.p99_ms for r in runs]).show(2),
                (cpu.show(0) if (cpu := found.cpu_per_request(op_name, key)) else "-"),
                str(sum(r.errors for r in runs)),
            ]
        )
    section.tables.append(
        Table(
            "Load runs: median (min to max) over rounds",
            ["operation", "target", "requests/s", "p50 ms", "p99 ms", "CPU us/request", "errors"],
            loads,
        )
    )
    section.tables.append(
        Table(
            "A request's timeline under load (server with SERVER_TIMELINE, 2xx answers of the "
            "timed runs; ms): each part's median and p99 over requests, its mean, and its mean "
            "within the slowest 1% of requests",
            ["operation", "part", "median", "p99", "mean", "mean in slowest 1%"],
            table_rows,
        )
    )
    section.commands.append(
        bench_wrk.shown_command("PATCH", "update", budget.server_load)
        + "  # and POST add; BENCH_SENT=1 for the timeline server"
    )
    return section
