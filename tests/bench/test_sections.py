"""The generation, fuzzing and suite sections' own logic: what they edit, run and conclude."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bench.client import report as client_report
from bench.fuzz_speed import CATCH_GOAL_SECONDS, _catch_verdict, plain_config
from bench.generation import edit_spec
from bench.report import verdict_value
from bench.suite import counts, slowest, why_slow
from fuzzing.config import CONFIG_PATH
from tooling.paths import SPEC


def test_a_spec_edit_changes_one_schema_description_and_does_not_pile_up(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    original = SPEC.read_text(encoding="utf-8")
    spec.write_text(original, encoding="utf-8")

    edit_spec(spec, 1)
    first = spec.read_text(encoding="utf-8")
    edit_spec(spec, 2)
    second = spec.read_text(encoding="utf-8")

    changed = [
        (old, new)
        for old, new in zip(original.splitlines(), second.splitlines(), strict=True)
        if old != new
    ]
    assert len(changed) == 1, changed
    old, new = changed[0]
    assert old.startswith("      description: ")
    assert new == old + " (edit 2)"
    assert first.replace(" (edit 1)", " (edit 2)") == second


def test_plain_st_run_keeps_the_config_but_its_hooks(tmp_path: Path) -> None:
    committed = tomllib.loads(CONFIG_PATH.read_text(encoding="utf-8"))
    plain = tomllib.loads(plain_config(tmp_path).read_text(encoding="utf-8"))
    assert "hooks" in committed
    assert plain == {key: value for key, value in committed.items() if key != "hooks"}


def _zoo(*variants: tuple[str, bool, float | None]) -> dict[str, object]:
    return {
        "variants": [
            {"variant": name, "caught": caught, "seconds": seconds}
            for name, caught, seconds in variants
        ]
    }


def test_every_variant_must_be_caught_in_time_and_the_control_does_not_count() -> None:
    fast = _zoo(("a", True, 1.0), ("b", True, CATCH_GOAL_SECONDS), ("none", False, None))
    assert _catch_verdict(fast).endswith("**met**")
    assert "**10.0 s**" in _catch_verdict(fast)

    slow = _zoo(("a", True, 1.0), ("b", True, 35.6), ("c", False, None))
    text = _catch_verdict(slow)
    assert "**not met**" in text
    assert "2 variant(s) over it: b 35.6 s, c not caught" in text


def test_the_suite_reads_pytests_last_summary_line() -> None:
    output = "tests/x.py ..s\n= 3 failed, 740 passed, 1 skipped, 2 xfailed in 250.1s (0:04:10) =\n"
    assert counts(output) == {"failed": 3, "passed": 740, "skipped": 1, "xfailed": 2}
    assert counts("no summary here\n") == {}


def test_the_suite_names_its_slowest_tests_and_the_cpu_a_slow_run_used() -> None:
    output = (
        "============ slowest 3 durations ============\n"
        "58.78s call     tests/bug_zoo/test_fuzz_conforming.py::"
        "test_every_conforming_variant_passes\n"
        "6.54s setup    tests/release/test_docs_page.py::test_all_three_operations_render_offline\n"
        "= 2008 passed in 317.98s (0:05:17) =\n"
    )
    tests = slowest(output)
    assert tests == [
        (58.78, "call tests/bug_zoo/test_fuzz_conforming.py::test_every_conforming_variant_passes"),
        (6.54, "setup tests/release/test_docs_page.py::test_all_three_operations_render_offline"),
    ]
    reason = why_slow(720.0, 2, tests)
    assert "720 CPU seconds" in reason
    assert "at least 6.0 min with every core busy" in reason
    assert "3 minutes allow 360 CPU seconds" in reason
    assert "test_every_conforming_variant_passes 59 s" in reason


def test_a_value_verdict_says_met_or_what_holds_it_back() -> None:
    assert verdict_value("x", "0.12 s", "≤ 0.3 s", True) == "x: **0.12 s** (goal ≤ 0.3 s): **met**"
    assert verdict_value("x", "1 s", "≤ 0.3 s", False, "why").endswith("**not met**; why")


def test_the_client_section_judges_the_production_set_up_against_raw_httpx() -> None:
    # Seconds per batch of 10 calls: raw 10 ms a call, production 10.5 then 12 ms a call.
    met = client_report([0.105, 0.105], [0.1, 0.1], 10, production=[0.105, 0.105])
    missed = client_report([0.105, 0.105], [0.1, 0.1], 10, production=[0.12, 0.12])
    assert [v.startswith("production set-up") for v in met.verdicts] == [False, True]
    assert met.verdicts[1].endswith("**met**")
    assert "**1.20x** (goal ≤ 1.1x): **not met**" in missed.verdicts[1]
    assert len(client_report([0.1], [0.1], 10).verdicts) == 1  # figures from before issue 21
