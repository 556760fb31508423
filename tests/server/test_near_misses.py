"""Input a character away from valid: the server refuses it as the spec's tools read the spec.

A pattern's `$` ends the string (ECMA-262), not the line before a final newline (Python's `re`);
an id holds no `/`, even one sent as `%2F`, which routing on the decoded path would take for a
separator and send the update to another run.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from tests.support.api import PROCESS_RUN, RUN, assert_odata_error, read_run, run_path
from tests.support.server_process import ServerProcess


@pytest.fixture
def api(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client(headers=server.auth_headers()) as client:
        yield client


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"startDateTime": "2026-11-24T02:00:00Z\n"}, "startDateTime"),
        ({"endDateTime": "2026-11-24T02:00:00.1234567+01:00\n"}, "endDateTime"),
        ({"status": "completed\n"}, "status"),
    ],
)
def test_a_value_with_a_final_newline_is_400(
    api: httpx.Client, body: dict[str, str], name: str
) -> None:
    error = assert_odata_error(api.patch(run_path(), json=body), 400, "BadRequest")
    assert error.get("target") == name


def test_an_encoded_slash_in_an_id_names_no_run(server: ServerProcess, api: httpx.Client) -> None:
    headers = server.auth_headers()
    before = read_run(api, headers, PROCESS_RUN)
    slashed = quote(f"{RUN}/process/runs/{PROCESS_RUN}", safe="")
    response = api.patch(run_path(slashed), json={"displayName": "through an encoded slash"})
    assert_odata_error(response, 404, "ResourceNotFound")
    assert read_run(api, headers, PROCESS_RUN) == before
