"""The embedded target: a server started as a child process on a free loopback port, with a
fresh state and tokens for it, and always stopped.

Only command lines cross this boundary (`tooling.reference`): the harness never imports the
server it fuzzes. `DATABASE_URL` passes through on purpose, so that
`DATABASE_URL=postgresql://... make fuzz` fuzzes the server on PostgreSQL.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from fuzzing.target import Target
from tooling.processes import Service, child_env, free_port
from tooling.reference import SERVER, mint_token, server_command
from tooling.server_env import DATABASE_URL

REFERENCE_SERVER = (*SERVER, "--dev", "--validate-responses")
"""The reference server as `make fuzz` runs it: dev tokens, its own responses validated."""


@contextmanager
def local_target(command: Sequence[str], log: Path) -> Iterator[Target]:
    """A dev-mode server from `command` (given `--port` and `--state-dir`) with tokens for it."""
    env = child_env(keep={DATABASE_URL.name})
    with tempfile.TemporaryDirectory(prefix="fuzz-state-") as state:
        state_dir = Path(state)
        port = free_port()
        full = server_command(port, state_dir, dev=False, base=command)
        # Any answer under `/beta` will do: the server is listening and routing (a zoo variant
        # may break any other page).
        service = Service("server", full, port=port, log_path=log, env=env, ready_path="/beta")
        with service as server, ThreadPoolExecutor(max_workers=2) as pool:
            # Each token is a process of its own; minted side by side, they cost one start.
            token = pool.submit(mint_token, state_dir)
            weak = pool.submit(mint_token, state_dir, permission=False)
            yield Target(
                base_url=f"{server.root_url}/beta",
                token=token.result(),
                token_no_permission=weak.result(),
            )
