"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server_process import ServerProcess


@pytest.fixture(scope="session")
def server() -> Iterator[ServerProcess]:
    """One reference server for the whole session (dev mode, responses validated).

    Shared: tests that change data should use ids of their own (create runs with Add run) or
    `fresh_server`.
    """
    with ServerProcess() as process:
        yield process


@pytest.fixture
def fresh_server() -> Iterator[ServerProcess]:
    """A reference server of this test alone, with the demo data as shipped."""
    with ServerProcess() as process:
        yield process
