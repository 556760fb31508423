"""Requests are validated against the `openapi.yaml` the server loads, not a copy in code, and a
run's `@odata.type` in responses is the one that spec names."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import yaml

from contract.loading import load_document
from tests.support.api import add_run, assert_odata_error, run_path
from tests.support.server_process import ServerError, ServerProcess
from tooling.paths import SPEC


@pytest.mark.slow
def test_the_loaded_spec_decides_what_is_valid(tmp_path: Path) -> None:
    document = load_document(SPEC)
    schemas = document["components"]["schemas"]
    schemas["runUpdate"]["properties"]["displayName"]["maxLength"] = 8
    schemas["runStatusInput"]["enum"].append("paused")
    schemas["runStatus"]["enum"].append("paused")
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False))
    with ServerProcess(env={"OPENAPI_SPEC": str(spec)}) as process:
        served = httpx.get(process.root_url + "/openapi.json").json()
        assert (
            served["components"]["schemas"]["runUpdate"]["properties"]["displayName"]["maxLength"]
            == 8
        )
        with process.client(headers=process.auth_headers()) as api:
            run_id = add_run(api, {})
            long_name = api.patch(run_path(run_id), json={"displayName": "nine char"})
            error = assert_odata_error(long_name, 400, "BadRequest")
            assert "longer than 8" in error["message"]
            # `paused` comes after the sentinel in the response enum: an evolvable member, shown
            # only to a caller that prefers it (D20), and said to be so.
            hidden = api.patch(run_path(run_id), json={"status": "paused"})
            assert hidden.status_code == 200, hidden.text
            assert hidden.json()["status"] == "unknownFutureValue"
            assert "preference-applied" not in hidden.headers
            prefer = {"Prefer": "odata.maxpagesize=5, include-unknown-enum-members"}
            shown = api.patch(run_path(run_id), headers=prefer, json={"displayName": "shown"})
            assert shown.status_code == 200, shown.text
            assert shown.json()["status"] == "paused"
            assert shown.headers["preference-applied"] == "include-unknown-enum-members"


@pytest.mark.slow
def test_the_loaded_spec_names_the_runs_type(tmp_path: Path) -> None:
    document = load_document(SPEC)
    document["components"]["schemas"]["run"]["properties"]["@odata.type"]["default"] = "#x.run"
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False))
    # The demo data is checked against this spec at start-up, and responses are too (a type that
    # broke the run schema would be a 500 ResponseValidationFailed).
    with (
        ServerProcess(env={"OPENAPI_SPEC": str(spec)}) as process,
        process.client(headers=process.auth_headers()) as api,
    ):
        response = api.patch(run_path(add_run(api, {})), json={"status": "completed"})
        assert response.status_code == 200, response.text
        assert response.json()["@odata.type"] == "#x.run"


def _refused_at_start(spec: Path, state_dir: Path, message: str) -> None:
    process = ServerProcess(env={"OPENAPI_SPEC": str(spec)}, state_dir=state_dir)
    with pytest.raises(ServerError, match=message):
        process.start()
    process.close()
    assert process.returncode == 2


def test_a_spec_with_a_repeated_key_stops_the_start_naming_its_line(tmp_path: Path) -> None:
    text = SPEC.read_text("utf-8")
    spec = tmp_path / "openapi.yaml"
    spec.write_text(text + "info:\n  title: again\n", encoding="utf-8")
    line = len(text.splitlines()) + 1
    _refused_at_start(
        spec,
        tmp_path / "state",
        rf"cannot start: {spec}:{line}: \(root\): key 'info' appears twice in one mapping",
    )


def test_a_reference_to_nothing_stops_the_start_naming_its_place(tmp_path: Path) -> None:
    document = load_document(SPEC)
    first = next(iter(document["paths"]))
    document["paths"][first]["parameters"][0] = {"$ref": "#/components/parameters/nothing"}
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    escaped = first.replace("~", "~0").replace("/", "~1")
    _refused_at_start(
        spec,
        tmp_path / "state",
        rf"cannot start: {spec}: #/paths/{re.escape(escaped)}/parameters/0: "
        r"\$ref '#/components/parameters/nothing' names nothing in the document",
    )
