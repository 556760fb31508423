"""Running the pinned Node.js tools (Redocly CLI, Spectral, Prism) from `node_modules`.

One place decides how they run: from the project's lock file, never a global install, with
telemetry and update notices off and no colour codes in the output the kit parses. A tool runs to
its end (`run_node_tool`), or starts and is read later (`start_node_tool`), so that it can work
while the caller does something else.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from tooling.paths import NODE_BIN, ROOT

QUIET_ENV = {
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "NO_COLOR": "1",
}
"""No usage reports, no update notices, no colours: the same output on every run."""

DEFAULT_TIMEOUT_SECONDS = 300.0


class ToolMissingError(Exception):
    """A Node.js tool is not installed in `node_modules`."""


def node_tool(name: str) -> Path:
    """The path of the pinned tool `name`; raises `ToolMissingError` naming the fix."""
    path = NODE_BIN / name
    if not path.exists():
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        raise ToolMissingError(f"{shown} is missing: run make install")
    return path


def node_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment with the tools kept quiet, plus `extra`."""
    return {**os.environ, **QUIET_ENV, **(extra or {})}


def start_node_tool(
    name: str, args: Sequence[str], *, cwd: Path = ROOT, script: Path | None = None
) -> subprocess.Popen[str]:
    """Start the pinned tool `name` with `args`, its output piped; with `script`, run that
    Node.js script of the kit instead, which loads the tool's libraries from `node_modules` (so
    the tool must be installed all the same)."""
    tool = node_tool(name)
    command = [str(tool), *args] if script is None else ["node", str(script), *args]
    return subprocess.Popen(
        command,
        cwd=cwd,
        env=node_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_node_tool(
    name: str,
    args: Sequence[str],
    *,
    cwd: Path = ROOT,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> subprocess.CompletedProcess[str]:
    """Run the pinned tool `name` with `args` and capture its output; the caller reads the exit."""
    return subprocess.run(
        [str(node_tool(name)), *args],
        cwd=cwd,
        env=node_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
