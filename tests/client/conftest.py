"""The generated client, imported from `generated/` as committed, and a client of the test server.

Nothing is installed: `generated/` goes on `sys.path` before any test module imports the client, so
the tests exercise the very files that `make check-generated` holds to the spec.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

GENERATED = Path(__file__).resolve().parents[2] / "generated"
if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))

from industrydata_runs_client import AuthenticatedClient  # noqa: E402

from tests.client.support import connect  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402


@pytest.fixture
def client(server: ServerProcess) -> Iterator[AuthenticatedClient]:
    """A client of the shared test server, with a token that holds the permission."""
    with connect(server.base_url, server.token()) as api:
        yield api
