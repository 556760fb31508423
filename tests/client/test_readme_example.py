"""The README's example, run as written against a server, the client installed from `generated/`.

`readme_example.py` is the example's text; only the port of its base URL is changed, to the test
server's. The client is installed the way the README says, with pip, into a folder of the test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.generator import OUTPUT as GENERATED
from tests.support.server_process import ServerProcess

EXAMPLE = Path(__file__).with_name("readme_example.py")
README_URL = "http://127.0.0.1:8000/beta"


def python_block(markdown: str, heading: str) -> str:
    """The first ```python block after `heading`."""
    section = markdown.split(heading, 1)[1]
    match = re.search(r"^```python\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    assert match, f"no python block after {heading!r}"
    return match.group(1)


def test_the_client_readme_shows_the_tested_example() -> None:
    readme = (GENERATED / "README.md").read_text(encoding="utf-8")
    assert python_block(readme, "## Example") == EXAMPLE.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_readme_example_runs_against_a_server(
    fresh_server: ServerProcess, tmp_path: Path
) -> None:
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

    source = EXAMPLE.read_text(encoding="utf-8")
    assert source.count(README_URL) == 1
    script = tmp_path / "example.py"
    script.write_text(source.replace(README_URL, fresh_server.base_url), encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "PYTHONDONTWRITEBYTECODE": "1",
        "RUNS_TOKEN": fresh_server.token(),
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
    assert run.returncode == 0, run.stderr
    assert run.stdout == "demo-run Nightly roster import completed\n"
