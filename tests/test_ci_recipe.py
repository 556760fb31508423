"""What a pipeline relies on: the README's CI entries keep the exit statuses `make` flattens to 2
(each status shown through the entry, on a cheap case), and the CI recipe in `docs/ci/` parses
and names only targets, entry points, files and settings that exist."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import tempfile
from itertools import takewhile
from pathlib import Path
from typing import Any

import pytest
import yaml

from fuzzing.reports import FuzzReportPaths
from tests.support.commands import environment
from tests.test_makefile import PHONY, RUNS
from tooling.paths import ROOT
from tooling.processes import Service, free_port
from tooling.reference import mint_token

WORKFLOW = ROOT / "docs" / "ci" / "contract.yml"
README = (ROOT / "README.md").read_text(encoding="utf-8")
HAR_FIXTURES = ROOT / "tests" / "traffic" / "fixtures"
ENTRY = re.compile(r"\.venv/bin/python -m scripts\.([a-z_]+)")


def ci_entries() -> dict[str, str]:
    """target -> the command the README's CI table says to run instead of `make <target>`."""
    section = README.split("### In CI", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `make ([a-z-]+)[^`]*` \| `([^`]+)` \|", section, re.MULTILINE)
    return dict(rows)


def _run(command: str, *args: str, env: dict[str, str] | None = None) -> int:
    """The README's command as a shell runs it from the repository, with `args` after it."""
    done = subprocess.run(
        [*command.split(), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    return done.returncode


MAKEFILE_TEXT = (ROOT / "Makefile").read_text(encoding="utf-8")


def help_of(target: str) -> str:
    """The `## target:` comment of the Makefile, its continuation lines joined."""
    lines = MAKEFILE_TEXT.split(f"\n## {target}:", 1)[1].split("\n")
    text = [lines[0]]
    text.extend(line[2:] for line in takewhile(lambda line: line.startswith("##  "), lines[1:]))
    return " ".join(part.strip() for part in text)


def test_every_target_that_promises_distinct_statuses_has_a_ci_entry() -> None:
    promising = {target for target in PHONY if "exit 1" in help_of(target)}
    entries = ci_entries()
    assert {"fuzz", "proxy", "check-traffic", "breaking"} <= promising
    assert set(entries) == promising
    for target, command in entries.items():
        assert command.split()[:3] == [".venv/bin/python", "-m", f"scripts.{RUNS[target]}"]
        assert "make turns any failure into 2" in help_of(target), target


def test_check_traffic_entry_keeps_1_and_2(tmp_path: Path) -> None:
    command = ci_entries()["check-traffic"]
    reports = ["--reports-dir", str(tmp_path / "reports")]
    buggy = HAR_FIXTURES / "zoo" / "patch_resets_unsent.har"
    assert _run(command.replace("file.har", str(buggy)), *reports) == 1
    broken = tmp_path / "broken.har"
    broken.write_text("not json", encoding="utf-8")
    assert _run(command.replace("file.har", str(broken)), *reports) == 2


def test_breaking_entry_keeps_1_and_2(tmp_path: Path) -> None:
    command = ci_entries()["breaking"]
    spec = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
    # At the published version, whatever this tree's is: a rename is then a break the gate refuses.
    published = re.search(
        r"^  version: (\S+)$", (ROOT / "published" / "openapi.yaml").read_text("utf-8"), re.M
    )
    assert published is not None
    spec = re.sub(r"^  version: \S+$", f"  version: {published[1]}", spec, count=1, flags=re.M)
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(spec.replace("operationId: addRun", "operationId: linkRun"), "utf-8")
    assert _run(command, "--revision", str(renamed)) == 1
    assert _run(command, "--revision", str(tmp_path / "missing.yaml")) == 2


def test_proxy_entry_keeps_2_when_it_cannot_start() -> None:
    """Its port already taken: the proxy cannot start (its 1 is shown in tests/traffic)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        assert _run(ci_entries()["proxy"], "--port", str(port), "--max-time", "5") == 2


def test_fuzz_entry_keeps_2_for_a_set_up_error(tmp_path: Path) -> None:
    env = environment(
        without_prefixes=("TARGET_", "FUZZ_"),
        extra={
            "TARGET_URL": f"http://127.0.0.1:{free_port()}/beta",
            "TARGET_TOKEN": "token",
            "FUZZ_REPORTS_DIR": str(tmp_path),
        },
    )
    assert _run(ci_entries()["fuzz"], env=env) == 2


@pytest.mark.slow
def test_fuzz_entry_keeps_1_for_a_server_that_breaks_the_contract(tmp_path: Path) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as state:
        command = [sys.executable, "-m", "bug_zoo.serve", "stack_trace_in_errors"]
        server = Service(
            "zoo",
            [*command, "--port", str(port), "--state-dir", state],
            port=port,
            log_path=tmp_path / "server.log",
            ready_path="/beta",
        )
        with server:
            env = environment(
                without_prefixes=("TARGET_", "FUZZ_"),
                extra={
                    "TARGET_URL": f"{server.root_url}/beta",
                    "TARGET_TOKEN": mint_token(Path(state)),
                    "FUZZ_FAIL_FAST": "1",
                    "FUZZ_REPORTS_DIR": str(tmp_path / "reports"),
                },
            )
            assert _run(ci_entries()["fuzz"], env=env) == 1


def _workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _steps() -> list[dict[str, Any]]:
    jobs = _workflow()["jobs"]
    return [step for job in jobs.values() for step in job["steps"]]


def test_the_workflow_parses_and_runs_validate_breaking_and_fuzz() -> None:
    workflow = _workflow()
    assert workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    scripts = "\n".join(step.get("run", "") for step in _steps())
    assert "make validate" in scripts
    for target in ("breaking", "fuzz"):
        assert ci_entries()[target] in scripts, target


def test_the_workflow_names_only_targets_entries_and_settings_that_exist() -> None:
    scripts = "\n".join(step.get("run", "") for step in _steps())
    for target in re.findall(r"\bmake ([a-z-]+)", scripts):
        assert target in PHONY, target
    for name in ENTRY.findall(scripts):
        assert (ROOT / "scripts" / f"{name}.py").is_file(), name
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("fuzzing", "scripts", "tooling")
        for path in (ROOT / folder).rglob("*.py")
    )
    header = WORKFLOW.read_text(encoding="utf-8").split("\nname:", 1)[0]
    for step in _steps():
        for name, value in (step.get("env") or {}).items():
            assert f'"{name}"' in code, f"the kit reads no {name}"
            for setting in re.findall(r"\$\{\{ (?:vars|secrets)\.([A-Z_]+) \}\}", str(value)):
                assert setting in header, f"{setting} is not documented at the top"


def test_the_workflow_publishes_the_reports_the_fuzzer_writes() -> None:
    written = FuzzReportPaths(Path("reports"))
    published = " ".join(
        str(step.get("with", {}).get("path", "")) for step in _steps() if "uses" in step
    )
    for junit in (written.junit, written.probes_junit):
        assert junit.as_posix() in published, junit
