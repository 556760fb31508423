"""The generated client, imported from `generated/` as committed, and a client of the test server.

Nothing is installed: `generated/` goes on `sys.path` before any test module imports the client, so
the tests exercise the very files that `make check-generated` holds to the spec.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from codegen.generator import OUTPUT

if str(OUTPUT) not in sys.path:
    sys.path.insert(0, str(OUTPUT))

from industrydata_runs_client import AuthenticatedClient

from tests.client.support import connect
from tests.support.server_process import ServerProcess


@pytest.fixture
def client(server: ServerProcess) -> Iterator[AuthenticatedClient]:
    """A client of the shared test server, with a token that holds the permission."""
    with connect(server.base_url, server.token()) as api:
        yield api
