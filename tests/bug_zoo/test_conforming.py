"""Conforming variants do what they say, so that the harness passing them means something.

The suite itself (`make fuzz-conforming`: the harness against every conforming variant) runs in
`tests/bug_zoo/test_zoo.py`, beside the bug zoo.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from bug_zoo.runner import SERVE
from fuzzing.server import local_target


def test_the_odata_annotations_variant_annotates_every_run(tmp_path: Path) -> None:
    with local_target([*SERVE, "odata_annotations"], tmp_path / "server.log") as target:
        response = httpx.patch(
            f"{target.base_url}/industryData/incomingFlows/demo-flow/runs/demo-run",
            json={"displayName": "Nightly roster import"},
            headers={"Authorization": f"Bearer {target.token}"},
            timeout=30,
        )
    assert response.status_code == 200, response.text
    run = response.json()
    assert run["@odata.etag"] == response.headers["ETag"]
    assert run["@odata.context"].endswith(
        "/beta/$metadata#industryData/incomingFlows('demo-flow')/runs/$entity"
    )
    assert "@microsoft.graph.tips" in run
