"""`python -m <module>` run from the repository root, as `make` runs it, for end-to-end tests.

The tests that drive a whole command (fuzzing, the zoo, the soak, the bench) need the same things:
this environment without the settings that would point the command elsewhere, the repository as
working folder, the output captured, and the exit code left for the test to judge.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Collection, Mapping

from tooling.paths import ROOT


def environment(
    *,
    without: Collection[str] = (),
    without_prefixes: tuple[str, ...] = (),
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """This process's environment less `without` and names starting with `without_prefixes`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in without and not name.startswith(without_prefixes)
    }
    env.update(extra or {})
    return env


def run_module(
    *args: str, timeout: float, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m ARGS` in the repository; `env` None inherits this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
