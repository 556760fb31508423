"""Generating the typed client: one recipe shared by `make generate` and `make check-generated`.

The bytes of `generated/` depend on the spec, `generator-config.yaml`, `codegen/templates/`, and the
versions of openapi-python-client and ruff (its post-hooks format the output). Both tools must be
the versions pinned in `requirements.lock`, or the drift check would compare two different
generators.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tooling.paths import ROOT, SPEC

CONFIG = ROOT / "generator-config.yaml"
TEMPLATES = Path(__file__).resolve().parent / "templates"
LOCK = ROOT / "requirements.lock"
OUTPUT = ROOT / "generated"
PACKAGE = "industrydata_runs_client"
SPEC_HASH_FILE = "SPEC_SHA256"

# poetry: a pyproject.toml whose backend (poetry-core, pinned in requirements.lock) builds the
# wheel and sdist offline, writes nothing into the source tree, and lists py.typed explicitly.
META = "poetry"

# Left behind by building, importing, type-checking or formatting the client; never generated.
BYPRODUCTS = frozenset(
    {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist"}
)
BYPRODUCT_SUFFIXES = (".egg-info", ".pyc")


class GenerationError(Exception):
    """The generator failed, warned, or the tools are not the pinned versions."""


@dataclass(frozen=True)
class ToolVersions:
    generator: str
    ruff: str


def pinned_versions(lock: Path = LOCK) -> ToolVersions:
    """The versions of the two tools that shape the output, as `requirements.lock` pins them."""
    pins: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep:
            pins[name.lower()] = version
    try:
        return ToolVersions(generator=pins["openapi-python-client"], ruff=pins["ruff"])
    except KeyError as missing:
        raise GenerationError(f"{lock.name} pins no {missing}") from None


def tool_bin() -> Path:
    """The folder of the running interpreter's tools: the project's `.venv/bin`."""
    # Not resolved: .venv/bin/python is a symlink to the system interpreter.
    return Path(sys.executable).parent


def installed_versions() -> ToolVersions:
    from importlib import metadata  # slow to import; `make generate` with nothing to do never asks

    ruff = subprocess.run(
        [str(tool_bin() / "ruff"), "--version"], capture_output=True, text=True, check=True
    )
    return ToolVersions(
        generator=metadata.version("openapi-python-client"),
        ruff=ruff.stdout.split()[-1],
    )


def check_tool_versions(lock: Path = LOCK) -> None:
    pinned, installed = pinned_versions(lock), installed_versions()
    if pinned != installed:
        raise GenerationError(
            f"the output depends on the tools' versions: requirements.lock pins {pinned}, "
            f"but {installed} is installed; run `make install`"
        )


def spec_sha256(spec: Path = SPEC) -> str:
    return hashlib.sha256(spec.read_bytes()).hexdigest()


def generate_into(target: Path, spec: Path = SPEC) -> None:
    """Write the client project generated from `spec` into `target`, which must not exist yet."""
    check_tool_versions()
    env = dict(os.environ)
    # The post-hooks call `ruff` by name: make it the pinned one, and keep its cache out.
    env["PATH"] = f"{tool_bin()}{os.pathsep}{env.get('PATH', '')}"
    env["RUFF_NO_CACHE"] = "true"
    command = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(spec),
        "--config",
        str(CONFIG),
        "--custom-template-path",
        str(TEMPLATES),
        "--meta",
        META,
        "--output-path",
        str(target),
        # A warning means an operation or a model was dropped: never accept one.
        "--fail-on-warning",
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise GenerationError(
            f"openapi-python-client failed (exit {result.returncode}):\n"
            f"{result.stdout}{result.stderr}"
        )
    remove_byproducts(target)
    (target / SPEC_HASH_FILE).write_text(f"{spec_sha256(spec)}  {spec.name}\n", encoding="utf-8")


def is_byproduct(relative: Path) -> bool:
    return any(part in BYPRODUCTS or part.endswith(BYPRODUCT_SUFFIXES) for part in relative.parts)


def remove_byproducts(tree: Path) -> None:
    for path in sorted(tree.rglob("*"), reverse=True):
        if path.exists() and is_byproduct(path.relative_to(tree)):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


def tree_files(tree: Path) -> dict[str, bytes]:
    """Every file of `tree` but byproducts, by POSIX path relative to `tree`."""
    files: dict[str, bytes] = {}
    for path in tree.rglob("*"):
        relative = path.relative_to(tree)
        if path.is_file() and not is_byproduct(relative):
            files[relative.as_posix()] = path.read_bytes()
    return files
