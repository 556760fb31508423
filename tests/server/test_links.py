"""Add run with a reference body: linking an existing run into a run's process (decision D17).

Each test adds runs of its own on the shared server (one per storage engine), so the demo runs
stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from contract.loading import load_document
from tests.support.api import (
    FLOW,
    add_run,
    add_run_path,
    assert_odata_error,
    process_run_path,
    read_run,
    run_path,
)
from tests.support.server_process import ServerProcess
from tooling.paths import ROOT

GRAPH = "https://graph.microsoft.com/beta"


@pytest.fixture
def api(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client(headers=server.auth_headers()) as client:
        yield client


def two_runs(api: httpx.Client) -> tuple[str, str]:
    """A parent and a run to link into its process, neither linked to the other yet."""
    return add_run(api, {}, displayName="parent"), add_run(api, {}, displayName="to link")


def link(api: httpx.Client, parent: str, url: Any) -> httpx.Response:
    return api.post(add_run_path(parent), json={"@odata.id": url})


def test_a_graph_sdk_reference_links_the_run_and_changes_nothing_else(
    server: ServerProcess, api: httpx.Client
) -> None:
    parent, other = two_runs(api)
    before = read_run(api, {}, other)
    response = link(api, parent, f"{server.base_url}{run_path(other)}")
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert response.headers["Location"] == f"{server.base_url}{run_path(other)}"
    assert response.headers["OData-EntityId"] == response.headers["Location"]
    through = api.patch(
        process_run_path(parent, other), json={"@odata.type": before["@odata.type"]}
    )
    assert through.status_code == 200, through.text
    assert through.json() == before


def test_a_url_at_the_specs_server_links_too(api: httpx.Client, server: ServerProcess) -> None:
    # What an SDK configured for Graph writes, whatever host the request went to.
    parent, other = two_runs(api)
    response = link(api, parent, f"{GRAPH}{run_path(other)}")
    assert response.status_code == 204, response.text
    assert response.headers["Location"] == f"{server.base_url}{run_path(other)}"
    with server.open_store() as store:
        assert store.is_linked(FLOW, parent, other)


def _dev_server() -> str:
    """The spec's loopback dev server (`x-internal`: kept for `make serve`, never published)."""
    servers = load_document(ROOT / "openapi.yaml")["servers"]
    (dev,) = [server["url"] for server in servers if server.get("x-internal") is True]
    assert urlsplit(dev).hostname == "127.0.0.1"
    return str(dev)


def test_a_url_at_the_dev_server_is_refused_at_another_origin(api: httpx.Client) -> None:
    """The dev server is not part of the published contract: a production service need not
    accept URLs there, and this one does not when the request went elsewhere."""
    parent, other = two_runs(api)
    url = f"{_dev_server()}{run_path(other)}"
    response = api.post(
        add_run_path(parent), json={"@odata.id": url}, headers={"Host": "runs.example.test"}
    )
    error = assert_odata_error(response, 400, "BadRequest")
    assert error["target"] == "@odata.id"
    assert "at this service" in error["message"]


def test_a_url_at_the_dev_server_links_when_that_is_the_requests_origin(
    api: httpx.Client, server: ServerProcess
) -> None:
    dev = urlsplit(_dev_server())
    parent, other = two_runs(api)
    response = api.post(
        add_run_path(parent),
        json={"@odata.id": f"{_dev_server()}{run_path(other)}"},
        headers={"Host": dev.netloc},
    )
    assert response.status_code == 204, response.text
    with server.open_store() as store:
        assert store.is_linked(FLOW, parent, other)


def test_linking_again_answers_204_and_adds_no_second_link(
    api: httpx.Client, server: ServerProcess
) -> None:
    parent, other = two_runs(api)
    url = f"{GRAPH}{run_path(other)}"
    assert [link(api, parent, url).status_code for _ in range(3)] == [204, 204, 204]
    with server.open_store() as store:
        assert store.process_runs(FLOW, parent) == [other]


@pytest.mark.parametrize(
    "url",
    [
        "industryData/incomingFlows/demo-flow/runs/demo-run",
        "/beta/industryData/incomingFlows/demo-flow/runs/{run}",
        "https://example.com/beta/industryData/incomingFlows/demo-flow/runs/{run}",
        "https://graph.microsoft.com/v1.0/industryData/incomingFlows/demo-flow/runs/{run}",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/{run}/",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/{run}?x=1",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/{run}#top",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/..",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/%2E",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/./runs/{run}",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/$x",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/a%2Fb",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/a%00b",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/{run}%zz",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/{run}%2",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/%g{run}",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/x/../{run}",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/x/%2e%2e/{run}",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/%2e%2e",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/%2e/runs/{run}",
        "https://user@graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/{run}",
        "urn:example:run",
        "",
        42,
    ],
)
def test_a_malformed_reference_is_400_naming_it(api: httpx.Client, url: Any) -> None:
    parent, other = two_runs(api)
    sent = url.format(run=other) if isinstance(url, str) else url
    error = assert_odata_error(link(api, parent, sent), 400, "BadRequest")
    assert error["target"] == "@odata.id", error


def test_a_run_of_another_flow_is_400(api: httpx.Client) -> None:
    parent, other = two_runs(api)
    url = f"{GRAPH}/industryData/incomingFlows/another-flow/runs/{other}"
    error = assert_odata_error(link(api, parent, url), 400, "BadRequest")
    assert error["target"] == "@odata.id"
    assert "another-flow" in error["message"]


def test_a_run_cannot_be_linked_into_its_own_process(api: httpx.Client) -> None:
    parent, _ = two_runs(api)
    error = assert_odata_error(link(api, parent, f"{GRAPH}{run_path(parent)}"), 400)
    assert error["target"] == "@odata.id"
    assert "own process" in error["message"]


def test_a_run_that_does_not_exist_is_404_and_nothing_changes(
    api: httpx.Client, server: ServerProcess
) -> None:
    parent, _ = two_runs(api)
    error = assert_odata_error(
        link(api, parent, f"{GRAPH}{run_path('never-created')}"), 404, "ResourceNotFound"
    )
    assert error["target"] == "@odata.id"
    with server.open_store() as store:
        assert store.process_runs(FLOW, parent) == []
        assert store.get_run(FLOW, "never-created") is None


def test_an_unknown_parent_is_404_without_a_target(api: httpx.Client) -> None:
    _, other = two_runs(api)
    error = assert_odata_error(link(api, "no-such-parent", f"{GRAPH}{run_path(other)}"), 404)
    assert "target" not in error


@pytest.mark.parametrize(
    "body",
    [
        {"@odata.id": f"{GRAPH}{run_path()}", "displayName": "both"},
        {"@odata.id": f"{GRAPH}{run_path()}", "@odata.type": "#microsoft.graph.industryData.run"},
        {"@odata.id": None},
    ],
)
def test_a_reference_body_names_nothing_else(api: httpx.Client, body: dict[str, Any]) -> None:
    parent, _ = two_runs(api)
    response = api.post(add_run_path(parent), json=body)
    assert_odata_error(response, 400, "BadRequest")


def test_a_broken_run_body_is_told_as_a_run_not_as_a_reference(api: httpx.Client) -> None:
    response = api.post(add_run_path(), json={"displayName": "no start", "status": "running"})
    error = assert_odata_error(response, 400, "BadRequest")
    targets = {detail.get("target") for detail in error["details"]}
    assert targets == {"startDateTime", "statistics"}, error


@pytest.mark.parametrize("run_id", ["%2E", "%2E%2E", "$x", "%24ref2", "a%01b", "a%7Fb", "x" * 129])
def test_ids_the_entity_id_schema_refuses_are_400_in_every_path(
    api: httpx.Client, run_id: str
) -> None:
    for response in (
        api.patch(run_path(run_id), json={"displayName": "never"}),
        api.patch(process_run_path(process_run_id=run_id), json={"displayName": "never"}),
    ):
        error = assert_odata_error(response, 400, "BadRequest")
        assert error["target"] in ("runId", "processRunId"), error
