"""Section: what `make proxy` costs a client, Update run through the proxy against direct.

One reference server (as `make serve` runs it) and `make proxy` in front of it, checks on, as a
user runs it. Per round, wrk drives the server directly and then through the proxy for the same
time at the same concurrency; the ratio of p99 latencies and of throughputs is taken within the
round. The proxy judges each exchange in a process of its own at a lower priority, after the
exchange: before the next run starts, the bench waits until the checker has caught up, so that
its backlog never weighs on the other run, and reports how long the catching up took.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from bench import targets as bench_targets
from bench import wrk as bench_wrk
from bench.budget import Budget
from bench.report import Section, Table, verdict
from bench.stats import Goal, Summary, pair_ratios
from tooling.paths import ROOT
from tooling.processes import Service, free_port

GOAL = Goal(1.5, upper=True)
PATH = "/industryData/incomingFlows/demo-flow/runs/demo-run"
SETTLE_SECONDS = 600.0
_TICKS = os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants, from /proc."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                queue += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) used so far by `pid` and its descendants."""
    total = 0
    for member in _tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / _TICKS


def settle(pid: int, timeout: float = SETTLE_SECONDS) -> float:
    """Wait until the process tree of `pid` is idle (under 5% of a core for 0.5 s); seconds."""
    started = time.monotonic()
    last = cpu_seconds(pid)
    while time.monotonic() - started < timeout:
        time.sleep(0.5)
        now = cpu_seconds(pid)
        if now - last < 0.025:
            break
        last = now
    return time.monotonic() - started


def measure(budget: Budget, work: Path) -> Section:
    target = bench_targets.reference("proxied", "reference server (this tree)", work)
    script = bench_wrk.write_script(work)
    load = budget.server_load
    direct: list[bench_wrk.LoadResult] = []
    proxied: list[bench_wrk.LoadResult] = []
    catching_up: list[float] = []
    with bench_targets.started([target], work / "logs") as (server,):
        port = free_port()
        proxy = Service(
            "proxy",
            [
                *(sys.executable, "-m", "scripts.proxy", "--port", str(port)),
                *("--target-url", server.url(""), "--reports-dir", str(work / "proxy-reports")),
            ],
            port=port,
            log_path=work / "logs" / "proxy.log",
            cwd=ROOT,
            ready_path="/",
            stop_timeout=SETTLE_SECONDS,
        )
        with proxy:
            through = f"{proxy.root_url}/beta{PATH}"
            if budget.warmup_seconds > 0:
                warm = bench_wrk.Load(load.connections, load.threads, budget.warmup_seconds)
                for url in (server.url(PATH), through):
                    bench_wrk.run(url, "PATCH", "update", server.token, warm, script)
                settle(proxy.pid)
            for _ in range(budget.server_rounds):
                direct.append(
                    bench_wrk.run(server.url(PATH), "PATCH", "update", server.token, load, script)
                )
                proxied.append(
                    bench_wrk.run(through, "PATCH", "update", server.token, load, script)
                )
                catching_up.append(settle(proxy.pid))
            proxy.stop(signal.SIGINT)
    return report(budget, direct, proxied, catching_up)


def report(
    budget: Budget,
    direct: list[bench_wrk.LoadResult],
    proxied: list[bench_wrk.LoadResult],
    catching_up: list[float],
) -> Section:
    load = budget.server_load
    p99 = pair_ratios([r.p99_ms for r in proxied], [r.p99_ms for r in direct])
    rate = pair_ratios([r.per_second for r in proxied], [r.per_second for r in direct])
    errors = sum(r.errors for r in direct + proxied)
    why = (
        f"{errors} failed requests: the figures are not comparable"
        if errors
        else "the proxy shares the machine's two cores with the server, wrk and its own checker"
    )
    section = Section(
        title="Proxy: Update run through `make proxy` against direct",
        what=(
            f"Update run at {load.connections} connections for {load.seconds:g} s per run, "
            f"{budget.server_rounds} round(s) of direct then proxied (after a "
            f"{budget.warmup_seconds:g} s warm-up of each), wrk with {load.threads} thread(s). "
            "The proxy runs as `make proxy` does, checks on: uvicorn serves, aiohttp's client "
            "forwards, and a checker process at a lower priority judges each exchange after "
            "it went through (spec validation, every contract check, the run ledger). Before "
            "each next run the bench waits for the checker to catch up."
        ),
        verdicts=[
            verdict(
                "p99 latency, proxied / direct",
                p99.median,
                GOAL.show(),
                GOAL.met(p99.median) and not errors,
                why,
            )
        ],
    )
    rows = [
        [
            name,
            Summary.of([r.per_second for r in runs]).show(0),
            Summary.of([r.p50_ms for r in runs]).show(2),
            Summary.of([r.p99_ms for r in runs]).show(2),
            str(sum(r.errors for r in runs)),
        ]
        for name, runs in (("direct", direct), ("through the proxy", proxied))
    ]
    section.tables.append(
        Table(
            "Update run (PATCH): median (min to max) over rounds",
            ["path", "requests/s", "p50 ms", "p99 ms", "errors (non-2xx, socket)"],
            rows,
        )
    )
    section.tables.append(
        Table(
            "Ratios, round by round",
            ["figure", "per round", "median (min to max)"],
            [
                [
                    "p99, proxied / direct",
                    ", ".join(f"{v:.2f}" for v in p99.values),
                    p99.show(2, "x"),
                ],
                [
                    "requests/s, proxied / direct",
                    ", ".join(f"{v:.2f}" for v in rate.values),
                    rate.show(2, "x"),
                ],
                [
                    "seconds the checker took to catch up after a proxied run",
                    ", ".join(f"{v:.1f}" for v in catching_up),
                    Summary.of(catching_up).show(1),
                ],
            ],
        )
    )
    section.commands = [
        "python -m scripts.proxy --port <port> --target-url <server>/beta",
        bench_wrk.shown_command("PATCH", "update", load),
    ]
    return section
