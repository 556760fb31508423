"""The machine and tools a run measured on: absolute times mean nothing without them."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from tooling.paths import ROOT

PACKAGES = (
    "uvicorn",
    "granian",
    "starlette",
    "h11",
    "httptools",
    "uvloop",
    "PyJWT",
    "cryptography",
    "jsonschema",
    "jsonschema-rs",
    "httpx",
    "openapi-python-client",
    "schemathesis",
)


def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else "not found"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _os() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"') + f", kernel {platform.release()}"
    except OSError:
        pass
    return platform.platform()


def _filesystem(path: Path) -> str:
    """The file system type under `path` (an fsync on tmpfs costs nothing)."""
    best, kind = "", "unknown"
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            fields = line.split()
            if len(fields) > 2 and str(path).startswith(fields[1]) and len(fields[1]) > len(best):
                best, kind = fields[1], fields[2]
    except OSError:
        pass
    return kind


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _prism() -> str:
    prism = ROOT / "node_modules" / ".bin" / "prism"
    return _first_line([str(prism), "--version"])


def commit() -> str:
    return _first_line(["git", "-C", str(ROOT), "describe", "--always", "--dirty"])


def describe(state_dir: Path) -> list[tuple[str, str]]:
    """Name/value pairs for the report's machine table."""
    python = f"{platform.python_implementation()} {platform.python_version()}"
    packages = ", ".join(f"{p} {_version(p)}" for p in PACKAGES)
    return [
        ("CPU", f"{_cpu_model()}, {os.cpu_count()} logical cores"),
        ("memory", _memory()),
        ("OS", _os()),
        (
            "storage file system",
            f"{_filesystem(state_dir.resolve())} (state folders of the servers)",
        ),
        ("Python", f"{python} ({sys.executable})"),
        ("Python packages", packages),
        ("Node.js", _first_line(["node", "--version"])),
        ("Prism", _prism()),
        ("wrk", _first_line(["wrk", "--version"])),
        ("commit", commit()),
    ]
