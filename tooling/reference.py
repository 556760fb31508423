"""The reference server as the kit's other parts see it: command lines, never imports.

The fuzzer, the bug zoo, the benchmarks and the soak start `python -m reference_server` and mint
its dev tokens with `python -m reference_server.token`, so they judge and drive it over HTTP
exactly as they would any other implementation.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx

from tooling.paths import ROOT
from tooling.processes import ProcessError, Service, child_env

SERVER = (sys.executable, "-m", "reference_server")
"""`make serve` without its flags."""

TOKEN = (sys.executable, "-m", "reference_server.token")
"""`make token` without its flags."""


def answers_spec(response: httpx.Response) -> bool:
    """The server is up once it serves its spec: routing, settings and storage are ready."""
    return response.status_code == 200


def server_command(
    port: int,
    state_dir: Path,
    *,
    dev: bool = True,
    validate_responses: bool = False,
    args: Sequence[str] = (),
    base: Sequence[str] = SERVER,
) -> list[str]:
    """The command line of a server on `127.0.0.1:port` keeping its state in `state_dir`."""
    command = [*base, "--port", str(port), "--state-dir", str(state_dir)]
    if dev:
        command.append("--dev")
    if validate_responses:
        command.append("--validate-responses")
    return [*command, *args]


def reference_service(
    name: str,
    command: Sequence[str],
    *,
    port: int,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path = ROOT,
) -> Service:
    """A `Service` for a reference-server command line, ready once `/openapi.json` answers 200."""
    return Service(
        name,
        command,
        port=port,
        log_path=log_path,
        cwd=cwd,
        env=env,
        ready_path="/openapi.json",
        ready=answers_spec,
    )


def mint_token(
    state_dir: Path,
    *,
    permission: bool = True,
    env: Mapping[str, str] | None = None,
    cwd: Path = ROOT,
) -> str:
    """A dev token that a dev server using `state_dir` accepts, from the token command."""
    command = [*TOKEN, "--state-dir", str(state_dir)]
    if not permission:
        command.append("--no-permission")
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=cwd,
        env=dict(env) if env is not None else child_env(),
    )
    if result.returncode != 0:
        raise ProcessError(f"{' '.join(command)} failed:\n{result.stderr}")
    return result.stdout.strip()
