"""`make fuzz` (`python -m scripts.fuzz`) end to end, and how it reads its settings."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fuzzing.reports import spec_operations
from fuzzing.session import schemathesis_command
from fuzzing.settings import DEFAULT_MAX_EXAMPLES, PHASES, FuzzSettings, FuzzSettingsError
from fuzzing.target import Target
from tests.support.commands import environment, run_module


def test_a_spec_with_a_repeated_key_stops_the_run_before_any_request(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\ninfo: {}\n", encoding="utf-8")
    env = environment(
        without_prefixes=("TARGET_", "FUZZ_"),
        extra={"FUZZ_SPEC": str(spec), "FUZZ_REPORTS_DIR": str(tmp_path / "reports")},
    )

    result = run_module("scripts.fuzz", env=env, timeout=60)

    assert result.returncode == 2, result.stdout + result.stderr
    assert f"cannot fuzz: {spec}:3: (root): key 'info' appears twice" in result.stderr
    assert "Starting the reference server" not in result.stdout


def test_a_spec_with_a_dangling_ref_stops_the_run_as_a_set_up_error(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/runs": {"post": {"operationId": "add", "parameters": [{"$ref": "#/nowhere"}]}}},
    }
    spec.write_text(json.dumps(document), encoding="utf-8")
    env = environment(
        without_prefixes=("TARGET_", "FUZZ_"),
        extra={"FUZZ_SPEC": str(spec), "FUZZ_REPORTS_DIR": str(tmp_path / "reports")},
    )

    result = run_module("scripts.fuzz", env=env, timeout=60)

    assert result.returncode == 2, result.stdout + result.stderr
    assert f"cannot fuzz: {spec}: #/paths/~1runs/post/parameters/0: $ref '#/nowhere'" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_settings_defaults_and_overrides(tmp_path: Path) -> None:
    defaults = FuzzSettings.from_env({})
    assert (defaults.max_examples, defaults.phases, defaults.fail_fast, defaults.workers) == (
        DEFAULT_MAX_EXAMPLES,
        PHASES,
        False,
        1,
    )
    assert not defaults.preflight_only
    chosen = FuzzSettings.from_env(
        {
            "FUZZ_SEED": "42",
            "FUZZ_MAX_EXAMPLES": "7",
            "FUZZ_MAX_TIME": "9",
            "FUZZ_FAIL_FAST": "1",
            "FUZZ_REPORTS_DIR": str(tmp_path),
            "FUZZ_PHASES": "examples",
            "FUZZ_WORKERS": "2",
            "FUZZ_PREFLIGHT_ONLY": "1",
        }
    )
    assert chosen.preflight_only
    command = schemathesis_command(Target(base_url="http://127.0.0.1:1/beta", token="t"), chosen)
    joined = " ".join(command)
    for expected in (
        "--seed 42",
        "--max-examples 7",
        "--max-failures 1",
        "--phases examples",
        "--workers 2",
    ):
        assert expected in joined
    assert "--generation-database none" in joined
    assert str(tmp_path / "fuzz-junit.xml") in command
    assert "t" not in command


def _fuzz_embedded(
    reports: Path, *, seed: int, examples: int, phases: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """`make fuzz` against the embedded reference server on a small budget; it must pass."""
    env = environment(
        without_prefixes=("TARGET_",),
        extra={
            "FUZZ_SEED": str(seed),
            "FUZZ_MAX_EXAMPLES": str(examples),
            "FUZZ_PHASES": phases,
            "FUZZ_REPORTS_DIR": str(reports),
        },
    )
    result = run_module("scripts.fuzz", env=env, timeout=280)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    summary: dict[str, Any] = json.loads((reports / "fuzz-summary.json").read_text())
    return result, summary


@pytest.mark.slow
@pytest.mark.heavy
def test_make_fuzz_passes_the_embedded_reference_server(tmp_path: Path) -> None:
    result, summary = _fuzz_embedded(
        tmp_path, seed=3, examples=10, phases="examples,fuzzing,stateful"
    )
    assert summary["passed"]
    assert summary["target"] == "embedded reference server"
    assert summary["operations_without_2xx"] == []
    assert summary["add_then_update_chains"] > 0
    assert set(spec_operations()) <= set(summary["statuses"])
    assert summary["schemathesis"]["test_cases"] > 0
    assert all(probe["findings"] == 0 for probe in summary["probes"].values())
    assert summary["probes_alongside_schemathesis"]
    assert summary["first_failure"] is None
    assert summary["rule_gaps"] == 0
    assert "Rule table: 0 contract rule(s) no check or probe judges." in result.stdout
    for report in ("fuzz-junit.xml", "fuzz-probes-junit.xml", "fuzz-html/index.html"):
        assert (tmp_path / report).is_file()
    assert "statuses schemathesis saw, per operation" in result.stdout


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("FUZZ_WORKERS", "0", "FUZZ_WORKERS=0 is below 1"),
        ("FUZZ_MAX_EXAMPLES", "ten", "FUZZ_MAX_EXAMPLES='ten' is not a whole number"),
    ],
)
def test_unusable_settings_name_their_variable(name: str, value: str, said: str) -> None:
    with pytest.raises(FuzzSettingsError, match=re.escape(said)):
        FuzzSettings.from_env({name: value})


@pytest.mark.slow
def test_a_run_narrowed_to_the_fuzzing_phase_is_not_held_to_reach_every_success(
    tmp_path: Path,
) -> None:
    # Update run's ids come from Add run's links in the stateful phase; without that phase no
    # request of the run reaches Update run's 200, which is no failure of the target.
    _, summary = _fuzz_embedded(tmp_path, seed=1, examples=5, phases="fuzzing")
    assert summary["add_then_update_chains"] == 0
    assert summary["passed"]


@pytest.mark.slow
def test_positive_cases_given_values_the_target_issued_reach_the_success_path(
    tmp_path: Path,
) -> None:
    result, summary = _fuzz_embedded(tmp_path, seed=5, examples=10, phases="coverage")
    run = summary["schemathesis"]
    assert run["positive_cases_supplied"] > 0
    assert run["positive_cases_supplied_2xx"] == run["positive_cases_supplied"]
    assert run["positive_cases_2xx"] > 0
    assert f"Success path: {run['positive_cases_2xx']} of {run['positive_cases']} " in result.stdout
    assert "Schema validation mismatch" not in result.stdout
