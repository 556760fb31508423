"""Conforming variants do what they say, so that the harness passing them means something.

The suite itself (`make fuzz-conforming`: the harness against every conforming variant) runs in
`tests/bug_zoo/test_zoo.py`, beside the bug zoo.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from bug_zoo.hosted import hosted_variant
from fuzzing.comparison import json_equal
from fuzzing.exact_json import loads


def test_the_odata_annotations_variant_annotates_every_run(tmp_path: Path) -> None:
    with hosted_variant("odata_annotations", tmp_path / "state", tmp_path / "server.log") as target:
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
    with hosted_variant(
        "no_challenge_on_403", tmp_path / "state", tmp_path / "server.log"
    ) as target:
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
READ = {"@odata.type": "#microsoft.graph.industryData.run"}


def test_the_etag_per_patch_variant_makes_an_etag_stale_with_a_read(tmp_path: Path) -> None:
    """The harness reads with a PATCH; on this server that read hands out a new `ETag`, so one
    taken before the read is refused (the `if_match` probe failed so before D36), while the
    `ETag` of the last answer is honoured, and hands out the next."""
    with hosted_variant("etag_per_patch", tmp_path / "state", tmp_path / "server.log") as target:
        url = f"{target.base_url}/{RUN_PATH}"
        with httpx.Client(
            headers={"Authorization": f"Bearer {target.token}"}, timeout=30
        ) as client:
            taken = client.patch(url, json={"displayName": "taken"})
            read = client.patch(url, json=READ)
            stale = client.patch(
                url, json={"displayName": "x"}, headers={"If-Match": taken.headers["etag"]}
            )
            after_refusal = client.patch(url, json=READ)
            current = client.patch(
                url,
                json={"displayName": "current"},
                headers={"If-Match": after_refusal.headers["etag"]},
            )
            weak = client.patch(
                url, json=READ, headers={"If-Match": f"W/{current.headers['etag']}"}
            )
    assert [taken.status_code, read.status_code, after_refusal.status_code] == [200, 200, 200]
    assert read.json()["displayName"] == "taken"
    assert len({taken.headers["etag"], read.headers["etag"], after_refusal.headers["etag"]}) == 3
    assert stale.status_code == 412, stale.text
    assert current.status_code == 200, current.text
    assert current.json()["displayName"] == "current"
    assert weak.status_code == 412, weak.text  # If-Match compares strongly


def test_the_numbers_respelled_variant_writes_numbers_otherwise(tmp_path: Path) -> None:
    sent = b'{"statistics": {"offset": -5.130094826541337e+16, "n": 100, "rate": 1e-07, "r": 0.25}}'
    with hosted_variant("numbers_respelled", tmp_path / "state", tmp_path / "server.log") as target:
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
    # The same values, as D35 compares them; Python compares the float and the int exactly.
    answered, expected = loads(response.content)["statistics"], loads(sent)["statistics"]
    assert json_equal(answered, expected)
    assert response.json()["statistics"] != json.loads(sent)["statistics"]


def test_the_json_reformatted_variant_lays_out_the_same_value_otherwise(tmp_path: Path) -> None:
    with hosted_variant("json_reformatted", tmp_path / "state", tmp_path / "server.log") as target:
        response = httpx.patch(
            f"{target.base_url}/{RUN_PATH}",
            json={"displayName": "é/ü", "statistics": {"a": 1, "b": 2}},
            headers={"Authorization": f"Bearer {target.token}"},
            timeout=30,
        )
    assert response.status_code == 200, response.text
    assert '"displayName": "\\u00e9\\/\\u00fc"' in response.text
    assert response.text.startswith('{\n  "@odata.type"')
    run = response.json()
    assert list(run["statistics"]) == ["b", "a"]
    assert run["displayName"] == "é/ü"
