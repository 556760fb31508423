"""Requests are validated against the `openapi.yaml` the server loads, not a copy in code."""

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
