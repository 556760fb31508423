"""Build the generated client's sdist and wheel, offline, with the pinned build backend.

`python -m build --no-isolation` uses the backend installed from `requirements.lock` instead of
downloading one, so the build works without the network and always with the same backend. It
builds the sdist first and the wheel from that sdist, which proves the sdist is complete.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path


class ClientDistError(Exception):
    """The client is missing, has the wrong version, or did not build."""


def version(project: Path) -> str:
    """The version the client's `pyproject.toml` declares (PEP 621 or Poetry metadata)."""
    pyproject = project / "pyproject.toml"
    if not pyproject.exists():
        raise ClientDistError(f"{pyproject} is missing: run `make generate`")
    with pyproject.open("rb") as stream:
        data = tomllib.load(stream)
    declared = data.get("project", {}).get("version") or (
        data.get("tool", {}).get("poetry", {}).get("version")
    )
    if not isinstance(declared, str):
        raise ClientDistError(f"{pyproject} declares no version")
    return declared


def build(project: Path, out: Path) -> list[Path]:
    """Build the sdist and wheel of `project` into `out`; return the two files."""
    with tempfile.TemporaryDirectory(prefix="client-build-") as scratch:
        # Build from a clean copy: caches left by tests that imported the client stay out of
        # the archives, and nothing is written into generated/.
        source = Path(scratch) / project.name
        shutil.copytree(
            project, source, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "dist", "build")
        )
        built = Path(scratch) / "dist"
        result = subprocess.run(
            [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(built), str(source)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise ClientDistError(
                f"building the client failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )
        files = sorted(built.iterdir())
        kinds = sorted(path.suffix for path in files)
        if kinds != [".gz", ".whl"]:
            raise ClientDistError(
                f"expected one sdist and one wheel, got {[p.name for p in files]}"
            )
        out.mkdir(parents=True, exist_ok=True)
        return [Path(shutil.copy2(path, out / path.name)) for path in files]
