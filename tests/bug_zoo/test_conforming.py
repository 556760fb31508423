"""Conforming variants: the harness (`make fuzz`) passes each of them on a small budget.

A conforming variant changes the reference server the way a correct Graph-style server may differ,
so any failure here is a false alarm of the harness, not a bug of the variant.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from bug_zoo.catalog import CONFORMING, load
from bug_zoo.runner import SERVE
from fuzzing.server import local_target
from tests.support.commands import REPO_DIR, environment, run_module


def test_each_conforming_variant_has_its_own_module_and_one_wrapper() -> None:
    assert CONFORMING
    for name in CONFORMING:
        variant = load(name)
        assert variant.name == name
        assert (REPO_DIR / "bug_zoo" / "conforming" / f"{name}.py").is_file()
        wrappers = (variant.middleware, variant.store, variant.settings)
        assert sum(wrapper is not None for wrapper in wrappers) == 1, name


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", CONFORMING)
def test_the_harness_passes_a_conforming_variant(name: str, tmp_path: Path) -> None:
    with local_target([*SERVE, name], tmp_path / "server.log") as target:
        if name == "odata_annotations":
            _assert_runs_are_annotated(target.base_url, target.token)
        env = environment(
            without_prefixes=("TARGET_", "FUZZ_"),
            extra={
                **target.environment(),
                "FUZZ_SEED": "1",
                "FUZZ_MAX_EXAMPLES": "5",
                # The coverage phase is the slowest; the probes send what it would add here.
                "FUZZ_PHASES": "examples,fuzzing,stateful",
                "FUZZ_REPORTS_DIR": str(tmp_path),
            },
        )
        result = run_module("fuzzing", env=env, timeout=540)
    summary = json.loads((tmp_path / "fuzz-summary.json").read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stdout[-6000:]
    assert summary["passed"], summary.get("first_failure")


def _assert_runs_are_annotated(base_url: str, token: str) -> None:
    """The variant does what it says, so that passing it means something."""
    response = httpx.patch(
        f"{base_url}/industryData/incomingFlows/demo-flow/runs/demo-run",
        json={"displayName": "Nightly roster import"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    run = response.json()
    assert run["@odata.etag"] == response.headers["ETag"]
    assert run["@odata.context"].endswith(
        "/beta/$metadata#industryData/incomingFlows('demo-flow')/runs/$entity"
    )
    assert "@microsoft.graph.tips" in run
