"""`make bench`: its figures, its report, and a smoke run of every section end to end.

The smoke run uses tiny budgets and writes to a temporary file, never to `BENCHMARKS.md`. No
test here looks at how long anything took: the figures are checked for their form only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bench.latency_parts import PARTS, TOTAL, parts, tree_cpu_seconds
from bench.profile import Samples, analyse
from bench.report import Section, Table, render, verdict
from bench.stats import Goal, Summary, pair_ratios
from tests.support.commands import run_module
from tooling.paths import ROOT

SECTIONS = ("Generation", "Server", "Timeline", "Fuzzing", "Client", "Proxy", "Suite")
# Verdicts with a ratio and a goal, per section; the others state a value against a goal.
RATIO_VERDICTS = {
    "Generation": 1,
    "Server": 8,  # per operation: Prism twice, the fastest ceiling, the connection limits
    "Timeline": 2,
    "Fuzzing": 1,
    "Client": 2,
    "Proxy": 1,
    "Suite": 0,
}
VALUE_VERDICTS = {
    "Generation": 1,
    "Server": 2,
    "Timeline": 1,
    "Fuzzing": 1,
    "Client": 0,
    "Proxy": 0,
    "Suite": 1,
}
NUMBER = r"[0-9]+(?:\.[0-9]+)?"


def test_ratios_are_taken_pair_by_pair() -> None:
    ratios = pair_ratios([2.0, 9.0, 4.0], [1.0, 3.0, 4.0])
    assert ratios.values == (2.0, 3.0, 1.0)
    assert (ratios.median, ratios.min, ratios.max) == (2.0, 1.0, 3.0)
    assert ratios.show(2, "x") == "2.00x (1.00 to 3.00)"
    assert Summary.of([5.0]).show(1) == "5.0"
    with pytest.raises(ValueError, match="pair by pair"):
        pair_ratios([1.0], [1.0, 2.0])


def test_goals_are_met_on_the_right_side() -> None:
    at_most, at_least = Goal(1.3, upper=True), Goal(2.0, upper=False)
    assert at_most.met(1.3)
    assert not at_most.met(1.31)
    assert at_least.met(2.0)
    assert not at_least.met(1.99)
    assert (at_most.show(), at_least.show()) == ("≤ 1.3x", "≥ 2x")
    assert "**not met**; because" in verdict("a / b", 1.5, at_most.show(), False, "because")
    assert verdict("a / b", 1.2, at_most.show(), True).endswith("**met**")


def test_the_report_numbers_its_sections_and_escapes_cells() -> None:
    section = Section("Title", "What.", verdicts=["v"], notes=["n"])
    section.tables.append(Table("caption", ["a", "b"], [["x|y", "1"]]))
    text = render("Benchmarks", ["preface"], [section, Section("Other", "More.")])
    assert "## 1. Title" in text
    assert "## 2. Other" in text
    assert "| x\\|y | 1 |" in text
    assert text.index("- v") < text.index("- n") < text.index("**caption**")


def test_a_profile_splits_the_event_loop_from_the_storage_threads() -> None:
    raw = "\n".join(
        [
            "thread (1): MainThread;run (asyncio/base_events.py:1);select (selectors.py:468) 50",
            "thread (1): MainThread;run (asyncio/base_events.py:1);decode (jwt/api_jws.py:3) 30",
            "thread (1): MainThread;run (asyncio/base_events.py:1);x (starlette/routing.py:9) 20",
            "thread (2): AnyIO worker thread;run (reference_server/storage/sqlite.py:5) 30",
            "thread (2): AnyIO worker thread;w (reference_server/storage/group_commit.py:7)"
            ";wait (threading.py:331) 10",
            "thread (3): AnyIO worker thread;get (queue.py:171) 60",
        ]
    )
    found = analyse(Samples.parse(raw, seconds=1.0), "server", ROOT)
    name, share = found.packages[0]
    assert name == "token checks (PyJWT, cryptography)"
    assert share == pytest.approx(0.6)  # of the busy samples: the idle select is left out
    assert [line.split(" ")[0] for line, _ in found.storage_lines] == [
        "reference_server/storage/sqlite.py:5",
        "reference_server/storage/group_commit.py:7",
    ]
    assert found.storage_lines[0][1] == pytest.approx(0.75)
    assert found.storage_threads == pytest.approx(0.4)  # 40 samples at 100 a second, in 1 s
    assert len(found.tables()) == 2


def _timeline(start: int, steps: list[int], status: int = 200) -> dict[str, int]:
    """Marks of one request: `sent` at `start` (ms), then each step of PARTS `steps[i]` ms on."""
    names = [PARTS[0][1], *(stop for _, _, stop in PARTS)]
    marks, now = {}, start * 1_000_000
    for name, step in zip(names, [0, *steps], strict=True):
        now += step * 1_000_000
        marks[name] = now
    marks["status"] = status
    return marks


def test_the_timeline_cuts_each_request_into_its_parts() -> None:
    quick = [1] * len(PARTS)
    slow = [1] * len(PARTS)
    slow[4] = 90  # waiting for the storage: the one slow request waited there
    requests = [_timeline(n * 1000, quick) for n in range(99)] + [_timeline(200_000, slow)]
    requests.append(_timeline(300_000, slow, status=503))  # not an answer that stored anything
    found, count = parts(requests)
    assert count == 100
    by_label = {part.label: part for part in found}
    waited = by_label[PARTS[4][0]]
    assert (waited.median, waited.p99, waited.tail_mean) == (1.0, 90.0, 90.0)
    assert waited.mean == pytest.approx(1.89)
    whole = by_label[TOTAL[0]]
    assert (whole.median, whole.p99) == (len(PARTS), len(PARTS) + 89)


def test_cpu_is_counted_for_a_process_and_its_children() -> None:
    assert tree_cpu_seconds(os.getpid()) > 0
    assert tree_cpu_seconds(2**22 + 1) == 0  # no such process


@pytest.mark.slow
@pytest.mark.heavy
@pytest.mark.timeout(600)
def test_the_smoke_run_reports_every_section_with_well_formed_figures(tmp_path: Path) -> None:
    output = tmp_path / "BENCHMARKS.md"
    committed = ROOT / "BENCHMARKS.md"
    before = committed.read_bytes() if committed.exists() else None
    done = run_module("scripts.bench", "--smoke", "--output", str(output), timeout=580)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = output.read_text(encoding="utf-8")
    assert (committed.read_bytes() if committed.exists() else None) == before
    assert "Smoke run" in text
    headings = re.findall(r"^## (\d)\. (\w+)", text, re.MULTILINE)
    assert headings == [(str(i), name) for i, name in enumerate(SECTIONS, start=1)]
    for name in ("CPU", "memory", "OS", "Python", "wrk", "commit"):
        assert re.search(rf"^\| {name} \| .+ \|$", text, re.MULTILINE), name
    # A verdict for every goal: a ratio, or a value; Update run and Add run against Prism.
    sections = dict(
        zip(SECTIONS, re.split(r"^## \d\. ", text, flags=re.MULTILINE)[1:], strict=True)
    )
    for name, body in sections.items():
        ratios = re.findall(
            rf"\*\*({NUMBER})x\*\* \(goal ([≤≥]) ({NUMBER})x\): \*\*(met|not met)\*\*", body
        )
        assert len(ratios) == RATIO_VERDICTS[name], (name, ratios)
        assert all(float(ratio) > 0 for ratio, *_ in ratios)
        goals = re.findall(r"\*\*[^*]+\*\* \(goal [≤≥] ([^)]+)\): \*\*(?:met|not met)\*\*", body)
        values = [goal for goal in goals if not re.fullmatch(rf"{NUMBER}x", goal)]
        assert len(values) == VALUE_VERDICTS[name], (name, values)
    # The server section: Update run and Add run against both Prisms, the fastest ceiling and
    # the server without its connection limits, and their p99 in milliseconds.
    server_units = re.findall(rf"\*\*{NUMBER}( ?x| ms)\*\* \(goal", sections["Server"])
    assert server_units.count("x") == 4 * 2, server_units
    assert server_units.count(" ms") == 2, server_units
    # Every target measured: requests per second, p50 and p99 are numbers, and none failed.
    stacks = ("uvicorn-uvloop", "granian", "uvicorn-asyncio")
    servers = [f"reference server, {stack}," for stack in stacks]
    ceilings = [f"bare ASGI echo, {stack}," for stack in stacks]
    for target in [*servers, "reference server, default stack, 1 worker", *ceilings, "Prism"]:
        figures = rf"\| ({NUMBER}) \| ({NUMBER}) \| ({NUMBER}) \| 0 \|$"
        rows = re.findall(rf"^\| [^|]*{re.escape(target)}[^|]* {figures}", text, re.MULTILINE)
        assert len(rows) == (4 if target == "Prism" else 2), target  # Update run and Add run
    assert re.search(rf"^\| plain `st run`, test cases per second \| {NUMBER} \|$", text, re.M)
    assert "generated/ untouched" in text
    assert re.search(r"^\| passed \| 1 \|$", sections["Suite"], re.MULTILINE)
    assert re.search(r"^\| ignores_auth \| yes \|", text, re.MULTILINE)
    assert re.search(rf"^\| raw `httpx.Client.patch` \| {NUMBER} \|$", text, re.MULTILINE)
    # The timeline: every part of a request, for both operations, with its median and p99.
    for operation in ("Update run", "Add run"):
        for label, *_ in (*PARTS, TOTAL):
            row = rf"^\| {operation} \| {re.escape(label)} \| {NUMBER} \| {NUMBER} \|"
            assert re.search(row, sections["Timeline"], re.MULTILINE), (operation, label)
