"""The README's install line for the client works on Debian's Python, which refuses `pip install`
outside a virtual environment (PEP 668, `EXTERNALLY-MANAGED`): run as written, with its venv under
a scratch home, it installs a client that imports."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.support.commands import environment
from tooling.paths import ROOT


def install_lines() -> list[str]:
    """The lines of the client section's first shell block that make the venv and install."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## The client\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "no shell block in the README's client section"
    lines = [line.split("  #", 1)[0].strip() for line in block.group(1).splitlines()]
    return [line for line in lines if "venv" in line.split()[:3] or "pip install" in line]


def test_the_install_lines_make_a_venv_before_pip() -> None:
    lines = install_lines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("python3 -m venv ")
    venv = lines[0].split()[-1]
    assert lines[1] == f"{venv}/bin/pip install ./generated"


@pytest.mark.slow
def test_the_install_lines_install_a_client_that_imports(tmp_path: Path) -> None:
    env = environment(extra={"HOME": str(tmp_path)})
    for line in install_lines():
        done = subprocess.run(
            ["bash", "-c", line], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    python = Path(install_lines()[0].split()[-1].replace("~", str(tmp_path))) / "bin" / "python"
    imported = subprocess.run(
        [str(python), "-c", "import industrydata_runs_client.api.industry_data_run.update_run"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr


def test_the_client_readme_installs_the_same_way() -> None:
    readme = (ROOT / "generated" / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "no shell block in the client README's install section"
    assert block.group(1).splitlines() == install_lines()
