"""A reference server of the fuzzing tests' own (they change the demo runs), and the bug-zoo
variants served from one process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fuzzing.target import Target
from tests.support.server_process import ServerProcess


@pytest.fixture(scope="session")
def fuzz_server() -> Iterator[ServerProcess]:
    """One per worker, shared by the fuzzing tests' files: each test judges what it changes, or
    changes runs of its own, so none depends on the demo runs being as the server made them."""
    with ServerProcess() as process:
        yield process


@pytest.fixture(scope="session")
def fuzz_target(fuzz_server: ServerProcess) -> Target:
    return Target(
        base_url=fuzz_server.base_url,
        token=fuzz_server.token(),
        token_no_permission=fuzz_server.token(permission=False),
    )
