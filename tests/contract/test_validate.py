"""`python -m scripts.validate`: the real spec passes; a broken copy fails at the right stage,
naming the place. These run the pinned Redocly and Spectral from node_modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from contract.linters import LintTarget, redocly_lint, spectral_lint
from contract.validate import validate
from tooling import node
from tooling.node import ToolMissingError
from tooling.paths import ROOT, SPEC

SPEC_TEXT = SPEC.read_text(encoding="utf-8")
NESTED = "/industryData/incomingFlows/{incomingFlowId}/runs/{runId}/process/runs/{processRunId}:"
ADD_RUN_204 = (
    "        '204':\n          description: The run was created or linked. "
    "No content; `Location` and `OData-EntityId` name the run.\n"
)
STAGES = (
    "parse",
    "project checks",
    "openapi-spec-validator",
    "examples",
    "redocly lint",
    "spectral lint",
)


def _run_validate(spec: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.validate", *options, str(spec)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    assert SPEC_TEXT.count(old) == 1, old
    path = tmp_path / "openapi.yaml"
    path.write_text(SPEC_TEXT.replace(old, new), encoding="utf-8")
    return path


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def _validate_in_process(path: Path) -> tuple[bool, list[str]]:
    output: list[str] = []
    ok = validate(path, out=output.append)
    return ok, output


@pytest.fixture(scope="module")
def forced_run() -> subprocess.CompletedProcess[str]:
    """`make validate` on the real spec, every stage run whatever an earlier run's stamp says."""
    return _run_validate(Path("openapi.yaml"), "--force")


def test_the_real_spec_passes_every_stage(forced_run: subprocess.CompletedProcess[str]) -> None:
    result = forced_run

    assert result.returncode == 0, result.stdout + result.stderr
    for stage in STAGES:
        assert f"validate: {stage} OK" in result.stdout
    assert "validate: openapi.yaml passes every stage" in result.stdout


def test_a_run_with_nothing_changed_since_a_pass_runs_no_stage(
    forced_run: subprocess.CompletedProcess[str],
) -> None:
    assert forced_run.returncode == 0

    again = _run_validate(Path("openapi.yaml"))

    assert again.returncode == 0, again.stdout + again.stderr
    assert "validate: openapi.yaml passes every stage (unchanged" in again.stdout
    assert not any(f"validate: {stage} OK" in again.stdout for stage in STAGES)


def test_a_repeated_path_parameter_fails_naming_the_path(tmp_path: Path) -> None:
    repeated = NESTED.replace("{processRunId}", "{runId}")
    spec = _broken_copy(tmp_path, NESTED, repeated)

    result = _run_validate(spec)

    assert result.returncode == 1
    assert "validate: project checks failed" in result.stdout
    place = f"{spec}:{_line_of(spec, repeated)}: paths.{repeated.rstrip(':')}:"
    assert f"{place} the path template uses the parameter {{runId}} 2 times" in result.stdout


def test_a_json_body_on_the_204_fails_naming_the_response(tmp_path: Path) -> None:
    body = (
        "          content:\n"
        "            application/json:\n"
        "              schema:\n"
        "                $ref: '#/components/schemas/run'\n"
    )
    spec = _broken_copy(tmp_path, ADD_RUN_204, ADD_RUN_204 + body)

    result = _run_validate(spec)

    assert result.returncode == 1
    assert "validate: project checks failed" in result.stdout
    pointer = (
        "paths./industryData/incomingFlows/{incomingFlowId}/runs/{runId}/process/runs/$ref"
        ".post.responses.204"
    )
    line = _line_of(spec, "'204':")
    place = f"{spec}:{line}: {pointer}:"
    assert f"{place} POST " in result.stdout
    assert "the 204 response documents content (application/json)" in result.stdout


def test_an_enum_value_deleted_with_its_varname_left_fails_naming_the_list(tmp_path: Path) -> None:
    """The generator would ignore the list and rename the members client code uses (issue 24)."""
    dropped = "        - completedWithErrors\n"
    members = dropped + "        - completedWithWarnings\n        - unknownFutureValue\n"
    spec = _broken_copy(tmp_path, members, members.replace(dropped, ""))

    result = _run_validate(spec)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "validate: project checks failed" in result.stdout
    varnames = _line_of(spec, "x-enum-varnames:")
    assert f"{spec}:{varnames}: components.schemas.runStatus.x-enum-varnames:" in result.stdout
    assert "lists 6 names for 5 values" in result.stdout
    assert "COMPLETEDWITHWARNINGS, UNKNOWNFUTUREVALUE" in result.stdout


def test_a_copy_elsewhere_passes_the_linters_like_the_original(tmp_path: Path) -> None:
    # Spectral's per-file override (the loopback server may be http) must follow the copy.
    spec = tmp_path / "copy.yaml"
    spec.write_text(SPEC_TEXT, encoding="utf-8")

    ok, output = _validate_in_process(spec)

    assert ok, output
    assert output[-1] == f"validate: {spec} passes every stage"


def test_a_repeated_yaml_key_fails_at_parse(tmp_path: Path) -> None:
    spec = _broken_copy(tmp_path, "  x-max-request-body-bytes: 65536\n", "  version: 9.9.9\n")

    ok, output = _validate_in_process(spec)

    assert not ok
    assert output[0] == "validate: parse failed"
    assert f"{spec}:{_line_of(spec, 'version: 9.9.9')}: info: key 'version'" in output[1]


def test_a_schema_error_fails_at_the_spec_validator(tmp_path: Path) -> None:
    spec = _broken_copy(
        tmp_path,
        "      description: The run after the update, with every property.\n",
        "",
    )

    ok, output = _validate_in_process(spec)

    assert not ok
    assert output[1].startswith("validate: project checks OK")  # none needs a description
    assert "validate: openapi-spec-validator failed" in output
    assert any(
        f"{spec}:" in line
        and 'components.responses.UpdatedRun: "description" is a required' in line
        for line in output
    ), output


def test_an_invalid_example_fails_at_the_examples_stage(tmp_path: Path) -> None:
    spec = _broken_copy(tmp_path, "      example: demo-process-run\n", "      example: a/b\n")

    ok, output = _validate_in_process(spec)

    assert not ok
    assert output[-2] == "validate: examples failed"
    assert output[-1].startswith(
        f"  {spec}:{_line_of(spec, 'example: a/b')}: "
        "components.parameters.processRunId.example: the example does not match its schema"
    )


def test_an_unused_component_fails_at_redocly(tmp_path: Path) -> None:
    spec = _broken_copy(
        tmp_path,
        "  schemas:\n    entityId:\n",
        "  schemas:\n    unused:\n      type: string\n      maxLength: 8\n    entityId:\n",
    )

    ok, output = _validate_in_process(spec)

    assert not ok
    assert output[-2] == "validate: redocly lint failed"
    assert f"{spec}:{_line_of(spec, 'unused:')}: #/components/schemas/unused:" in output[-1]
    assert "[no-unused-components] error" in output[-1]


def test_an_unbounded_string_fails_at_spectral(tmp_path: Path) -> None:
    # OWASP wants a maxLength on every string; Redocly and the project's own checks do not.
    spec = _broken_copy(
        tmp_path,
        "      maxLength: 128\n      pattern: '^[^/$",
        "      pattern: '^[^/$",
    )

    ok, output = _validate_in_process(spec)

    assert not ok
    assert "validate: redocly lint OK (no errors, no warnings)" in output
    assert "validate: spectral lint failed" in output
    problems = output[output.index("validate: spectral lint failed") + 1 :]
    assert any(
        "components.schemas.entityId" in line and "[owasp:api4:2023-string-limit]" in line
        for line in problems
    ), problems
    assert all(line.startswith(f"  {spec}:") for line in problems)


def test_missing_node_tools_say_how_to_install_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(node, "NODE_BIN", tmp_path / "node_modules" / ".bin")
    target = LintTarget(SPEC, ROOT, "openapi.yaml")

    for lint in (redocly_lint, spectral_lint):
        with pytest.raises(ToolMissingError, match="run make install"):
            lint(target)


def test_a_ruleset_spectral_cannot_load_fails_naming_the_exit(tmp_path: Path) -> None:
    # contract/spectral.cjs gives no report then, and says why on stderr.
    (tmp_path / ".spectral.yaml").write_text("extends: [spectral:oas]\nrules: 7\n", "utf-8")
    (tmp_path / "openapi.yaml").write_text(SPEC_TEXT, encoding="utf-8")
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)

    lines = spectral_lint(LintTarget(tmp_path / "openapi.yaml", tmp_path, "openapi.yaml"))

    assert len(lines) == 1, lines
    assert lines[0].startswith("spectral lint exited with 2 without a report: "), lines
    assert "ruleset" in lines[0].lower(), lines
