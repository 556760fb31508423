"""`make breaking` (`scripts.breaking` over `spec_diff.gate`): exit statuses and what it prints."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from contract.loading import load_document
from spec_diff.gate import major_version
from tests.spec_diff.breaking_edits import remove_request_enum_value
from tests.spec_diff.safe_edits import add_optional_request_property
from tests.spec_diff.shapes import Doc
from tooling.paths import ROOT
from tooling.paths import SPEC as SPEC_PATH


@pytest.fixture(scope="module")
def spec() -> Doc:
    return load_document(SPEC_PATH)


def _run(tmp_path: Path, base: Doc | str, rev: Doc | str) -> subprocess.CompletedProcess[str]:
    paths = []
    for name, content in (("base.yaml", base), ("rev.yaml", rev)):
        path = tmp_path / name
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    command = [sys.executable, "-m", "scripts.breaking", "--base", paths[0], "--revision", paths[1]]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_cli_fails_on_breaking_change(spec: Doc, tmp_path: Path) -> None:
    rev = copy.deepcopy(spec)
    remove_request_enum_value(spec, rev)
    result = _run(tmp_path, spec, rev)
    assert result.returncode == 1, result.stdout + result.stderr
    line = next(ln for ln in result.stdout.splitlines() if "enum-value-removed" in ln)
    assert line.startswith("breaking ")
    assert "request-property-enum-value-removed" in line
    assert "FAIL" in result.stdout


def test_cli_allows_breaking_change_with_major_bump(spec: Doc, tmp_path: Path) -> None:
    rev = copy.deepcopy(spec)
    remove_request_enum_value(spec, rev)
    major = major_version(spec)
    assert major is not None
    rev["info"]["version"] = f"{major + 1}.0.0"
    result = _run(tmp_path, spec, rev)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "request-property-enum-value-removed" in result.stdout
    assert "allowed" in result.stdout


def test_cli_passes_identical_spec(spec: Doc, tmp_path: Path) -> None:
    result = _run(tmp_path, spec, spec)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 breaking, 0 non-breaking" in result.stdout


def test_cli_passes_non_breaking_change(spec: Doc, tmp_path: Path) -> None:
    rev = copy.deepcopy(spec)
    add_optional_request_property(spec, rev)
    result = _run(tmp_path, spec, rev)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "new-optional-request-property" in result.stdout
    assert "local-client-" not in result.stdout  # a new keyword with a default breaks no caller


def _drop_run_status(spec: Doc, value: str) -> None:
    """Delete a member of runStatus everywhere the spec names it: enum, varname, x-ms-enum."""
    schema = spec["components"]["schemas"]["runStatus"]
    index = schema["enum"].index(value)
    del schema["enum"][index], schema["x-enum-varnames"][index]
    described = schema["x-ms-enum"]["values"]
    schema["x-ms-enum"]["values"] = [entry for entry in described if entry["value"] != value]


def test_cli_lists_the_client_member_an_enum_deletion_removes(spec: Doc, tmp_path: Path) -> None:
    """A response enum losing a value is no break of the HTTP API, but code that names the
    client's member no longer runs (issue 24)."""
    rev = copy.deepcopy(spec)
    _drop_run_status(rev, "completedWithErrors")

    result = _run(tmp_path, spec, rev)

    assert result.returncode == 1, result.stdout + result.stderr
    client = [" ".join(line.split()) for line in result.stdout.splitlines() if "client-" in line]
    member = "industrydata_runs_client.models.run_status.RunStatus.COMPLETED_WITH_ERRORS"
    assert client == [
        f"breaking local-client-object-removed client {member}: public object was removed"
    ]
    assert "FAIL" in result.stdout


def test_cli_fails_on_a_renamed_operation_id(spec: Doc, tmp_path: Path) -> None:
    """The spec's requests are the same; the client's module and function are renamed."""
    rev = copy.deepcopy(spec)
    post = next(item["post"] for item in rev["paths"].values() if "post" in item)
    old_id, post["operationId"] = post["operationId"], "linkRun"

    result = _run(tmp_path, spec, rev)

    assert result.returncode == 1, result.stdout + result.stderr
    module = re.sub(r"(?<!^)(?=[A-Z])", "_", old_id).lower()
    assert f".{module}: public object was removed" in result.stdout


def test_cli_rejects_missing_file(spec: Doc, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    command = [sys.executable, "-m", "scripts.breaking", "--base", str(missing)]
    result = subprocess.run(
        [*command, "--revision", str(SPEC_PATH)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "nowhere.yaml" in result.stderr


@pytest.mark.parametrize("text", ["paths: [unclosed\n", "- just\n- a list\n"])
def test_cli_rejects_non_yaml_or_non_mapping(spec: Doc, tmp_path: Path, text: str) -> None:
    result = _run(tmp_path, spec, text)
    assert result.returncode == 2
    assert "rev.yaml" in result.stderr


def test_cli_rejects_a_repeated_key_naming_its_line(spec: Doc, tmp_path: Path) -> None:
    text = "openapi: 3.1.0\npaths: {}\ninfo: {title: t, version: 1.0.0}\npaths: {}\n"
    result = _run(tmp_path, spec, text)
    assert result.returncode == 2
    assert f"{tmp_path / 'rev.yaml'}:4: (root): key 'paths' appears twice" in result.stderr


@pytest.mark.parametrize(
    ("version", "major"),
    [("1.0.0", 1), ("v2.3", 2), ("10", 10), ("beta", None), ("", None)],
)
def test_major_version(version: str, major: int | None) -> None:
    assert major_version({"info": {"version": version}}) == major


def test_cli_cannot_judge_a_spec_whose_client_cannot_be_generated(
    spec: Doc, tmp_path: Path
) -> None:
    rev = copy.deepcopy(spec)
    nested = next(path for path in rev["paths"] if path.endswith("{processRunId}"))
    # One parameter name twice in a path: the generator drops the operation with a warning.
    rev["paths"][nested.replace("{processRunId}", "{runId}")] = rev["paths"].pop(nested)

    result = _run(tmp_path, spec, rev)

    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot generate a client to compare" in result.stderr
