"""A reference server of the fuzzing tests' own: they change the demo runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fuzzing.target import Target
from tests.support.server_process import ServerProcess


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[ServerProcess]:
    with ServerProcess() as process:
        yield process


@pytest.fixture(scope="module")
def fuzz_target(fuzz_server: ServerProcess) -> Target:
    return Target(
        base_url=fuzz_server.base_url,
        token=fuzz_server.token(),
        token_no_permission=fuzz_server.token(permission=False),
    )
