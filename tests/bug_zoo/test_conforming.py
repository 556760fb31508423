"""Conforming variants do what they say, so that the harness passing them means something.

The suite itself (`make fuzz-conforming`: the harness against every conforming variant) runs in
`tests/bug_zoo/test_zoo.py`, beside the bug zoo.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from bug_zoo.runner import SERVE
from fuzzing.comparison import json_equal
from fuzzing.exact_json import loads
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


def test_the_no_challenge_on_403_variant_drops_the_challenge_from_403_only(tmp_path: Path) -> None:
    url = "industryData/incomingFlows/demo-flow/runs/demo-run"
    with local_target([*SERVE, "no_challenge_on_403"], tmp_path / "server.log") as target:
        assert target.token_no_permission is not None
        answers = [
            httpx.patch(
                f"{target.base_url}/{url}",
                json={"displayName": "Nightly roster import"},
                headers=headers,
                timeout=30,
            )
            for headers in ({"Authorization": f"Bearer {target.token_no_permission}"}, {})
        ]
    forbidden, unauthorized = answers
    assert forbidden.status_code == 403, forbidden.text
    assert "www-authenticate" not in forbidden.headers
    assert unauthorized.status_code == 401, unauthorized.text
    assert unauthorized.headers["www-authenticate"].startswith("Bearer")


RUN_PATH = "industryData/incomingFlows/demo-flow/runs/demo-run"


def test_the_numbers_respelled_variant_writes_numbers_otherwise(tmp_path: Path) -> None:
    sent = b'{"statistics": {"offset": -5.130094826541337e+16, "n": 100, "rate": 1e-07, "r": 0.25}}'
    with local_target([*SERVE, "numbers_respelled"], tmp_path / "server.log") as target:
        response = httpx.patch(
            f"{target.base_url}/{RUN_PATH}",
            content=sent,
            headers={"Authorization": f"Bearer {target.token}", "Content-Type": "application/json"},
            timeout=30,
        )
    assert response.status_code == 200, response.text
    written = response.text
    for spelling in ("-51300948265413370", '"n":1e+2', '"rate":0.0000001', '"r":2.5e-1'):
        assert spelling in written
    # The same values, as D-numbers-1 compares them; Python compares the float and the int exactly.
    answered, expected = loads(response.content)["statistics"], loads(sent)["statistics"]
    assert json_equal(answered, expected)
    assert response.json()["statistics"] != json.loads(sent)["statistics"]
