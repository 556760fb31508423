"""Requests are validated against the `openapi.yaml` the server loads, not a copy in code, and a
run's `@odata.type` in responses is the one that spec names."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from tests.support.api import add_run, assert_odata_error, run_path
from tests.support.commands import REPO_DIR
from tests.support.server_process import ServerProcess


@pytest.mark.slow
def test_the_loaded_spec_decides_what_is_valid(tmp_path: Path) -> None:
    document = yaml.safe_load((REPO_DIR / "openapi.yaml").read_text("utf-8"))
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
            paused = api.patch(run_path(run_id), json={"status": "paused"})
            assert paused.status_code == 200, paused.text
            assert paused.json()["status"] == "paused"


@pytest.mark.slow
def test_the_loaded_spec_names_the_runs_type(tmp_path: Path) -> None:
    document = yaml.safe_load((REPO_DIR / "openapi.yaml").read_text("utf-8"))
    document["components"]["schemas"]["run"]["properties"]["@odata.type"]["const"] = "#x.run"
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
