"""The READMEs' examples, run as written against a server, the client installed from `generated/`.

`readme_example.py` and `readme_link_example.py` are the examples' text; only the port of their
base URL is changed, to the test server's. The client is installed the way the README says, with
pip, into a folder of the test. The root README's curl lines that link a run are run by bash, with
the same port change and a token in `TOKEN`, as the README exports it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.generator import OUTPUT as GENERATED
from tests.support.server_process import ServerProcess
from tooling.paths import ROOT

EXAMPLE = Path(__file__).with_name("readme_example.py")
LINK_EXAMPLE = Path(__file__).with_name("readme_link_example.py")
README_URL = "http://127.0.0.1:8000/beta"
LINK_HEADING = "### Link a run (the `$ref` that Graph's SDKs send)"


def block(markdown: str, heading: str, language: str = "python", index: int = 0) -> str:
    """The `index`-th ```language block after `heading`."""
    section = markdown.split(heading, 1)[1]
    found = re.findall(rf"^```{language}\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    assert len(found) > index, f"no {language} block {index} after {heading!r}"
    return str(found[index])


def test_the_client_readme_shows_the_tested_example() -> None:
    readme = (GENERATED / "README.md").read_text(encoding="utf-8")
    assert block(readme, "## Example") == EXAMPLE.read_text(encoding="utf-8")


def test_the_readme_shows_the_tested_examples() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert block(readme, "## The client") == EXAMPLE.read_text(encoding="utf-8")
    assert block(readme, "## The client", index=1) == LINK_EXAMPLE.read_text(encoding="utf-8")


def _install_client(tmp_path: Path) -> Path:
    """The client installed as the README says, into a folder of the test; that folder."""
    # Built from a copy, so that nothing the build leaves behind lands in generated/.
    project = tmp_path / "project"
    shutil.copytree(GENERATED, project, ignore=shutil.ignore_patterns("__pycache__"))
    site = tmp_path / "site"
    install = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
            *("--no-deps", "--no-index", "--no-build-isolation", "--target", str(site)),
            str(project),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    assert (site / "industrydata_runs_client" / "py.typed").is_file()
    return site


def _run_example(
    example: Path,
    server: ServerProcess,
    site: Path,
    tmp_path: Path,
    token: str | None = None,
    status: int = 0,
) -> str:
    source = example.read_text(encoding="utf-8")
    assert source.count(README_URL) == 1
    script = tmp_path / example.name
    script.write_text(source.replace(README_URL, server.base_url), encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "PYTHONDONTWRITEBYTECODE": "1",
        "RUNS_TOKEN": server.token() if token is None else token,
    }
    run = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == status, run.stderr
    return run.stdout if status == 0 else run.stderr


@pytest.mark.slow
def test_the_readme_examples_run_against_a_server(
    fresh_server: ServerProcess, tmp_path: Path
) -> None:
    site = _install_client(tmp_path)
    updated = _run_example(EXAMPLE, fresh_server, site, tmp_path)
    assert updated == "demo-run Nightly roster import completed\n"
    linked = _run_example(LINK_EXAMPLE, fresh_server, site, tmp_path)
    assert linked == "demo-unlinked-run\ndemo-unlinked-run completed\n"
    with fresh_server.open_store() as store:
        assert store.process_runs("demo-flow", "demo-run") == [
            "demo-process-run",
            "demo-unlinked-run",
        ]
    # Refused, each example says why in one readable line: no repr of unset members.
    for example in (EXAMPLE, LINK_EXAMPLE):
        said = _run_example(example, fresh_server, site, tmp_path, token="not-a-token", status=1)
        (line,) = said.strip().splitlines()
        assert "Unset" not in line
        assert "UNSET" not in line
        assert "InvalidAuthenticationToken" in line, line


@pytest.mark.slow
def test_the_readme_curl_lines_link_a_run(fresh_server: ServerProcess) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    script = block(readme, LINK_HEADING, language="sh")
    assert script.count(README_URL) == 2
    env = {**os.environ, "TOKEN": fresh_server.token()}
    run = subprocess.run(
        ["bash", "-e", "-c", script.replace(README_URL, fresh_server.base_url)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    # Text mode reads curl's CRLFs as newlines: the 204's headers, a blank line, then the run.
    head, updated = run.stdout.split("\n\n", 1)
    status, *header_lines = head.splitlines()
    headers = dict(line.split(": ", 1) for line in header_lines)
    assert status.startswith("HTTP/1.1 204"), run.stdout
    linked = f"{fresh_server.base_url}/industryData/incomingFlows/demo-flow/runs/demo-unlinked-run"
    assert {k.lower(): v for k, v in headers.items()}["location"] == linked
    run_after = json.loads(updated)
    assert (run_after["id"], run_after["status"]) == ("demo-unlinked-run", "completed")
