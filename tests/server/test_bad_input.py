"""Bad input never hurts: each kind of bad request gets a clear OData error with the status the
spec documents, never a 500, and nothing is stored."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.api import (
    add_run,
    add_run_path,
    assert_odata_error,
    new_run_body,
    process_run_path,
    read_run,
    run_path,
)
from tests.support.server_process import ServerProcess

LIMIT = 65536


@pytest.fixture
def api(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client(headers=server.auth_headers()) as client:
        yield client


def _raw(
    api: httpx.Client, method: str, path: str, content: bytes, **headers: str
) -> httpx.Response:
    return api.request(method, path, content=content, headers=headers)


# -- Content-Type (415) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/xml",
        "application/json-patch+json",
        "application/json; charset=latin-1",
        "",
    ],
)
def test_wrong_content_type_is_415(api: httpx.Client, content_type: str) -> None:
    response = _raw(
        api, "PATCH", run_path(), b'{"status": "failed"}', **{"Content-Type": content_type}
    )
    error = assert_odata_error(response, 415, "UnsupportedMediaType")
    assert "application/json" in error["message"]


def test_missing_content_type_is_415(server: ServerProcess) -> None:
    token = server.token()
    request = httpx.Request(
        "PATCH",
        server.base_url + run_path(),
        content=b'{"status": "failed"}',
        headers={"Authorization": f"Bearer {token}"},
    )
    with httpx.Client() as client:
        response = client.send(request)
    assert "content-type" not in request.headers
    assert_odata_error(response, 415, "UnsupportedMediaType")


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"],
)
def test_json_content_types_are_accepted(api: httpx.Client, content_type: str) -> None:
    run_id = add_run(api, {})
    response = _raw(
        api, "PATCH", run_path(run_id), b'{"status": "failed"}', **{"Content-Type": content_type}
    )
    assert response.status_code == 200, response.text


# -- size (413) ----------------------------------------------------------------------------------


def _body_of_size(size: int) -> bytes:
    head, tail = b'{"statistics": {"padding": "', b'"}}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


def test_body_of_exactly_the_limit_is_accepted(api: httpx.Client) -> None:
    run_id = add_run(api, {})
    body = _body_of_size(LIMIT)
    assert len(body) == LIMIT
    response = _raw(api, "PATCH", run_path(run_id), body)
    assert response.status_code == 200, response.text


def test_body_over_the_limit_is_413(api: httpx.Client) -> None:
    run_id = add_run(api, {})
    before = read_run(api, {}, run_id)
    response = _raw(api, "PATCH", run_path(run_id), _body_of_size(LIMIT + 1))
    error = assert_odata_error(response, 413, "RequestEntityTooLarge")
    assert "65536" in error["message"]
    assert read_run(api, {}, run_id) == before


def test_chunked_body_over_the_limit_is_413(api: httpx.Client) -> None:
    body = _body_of_size(LIMIT + 1000)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    response = api.post(add_run_path(), content=chunks())
    assert_odata_error(response, 413, "RequestEntityTooLarge")
    assert response.headers["connection"] == "close"  # nothing unread is taken for a request


def test_content_length_over_the_limit_is_413_before_reading(api: httpx.Client) -> None:
    # The declared length alone decides: the server answers without waiting for the body.
    response = _raw(api, "POST", add_run_path(), _body_of_size(LIMIT + 1))
    assert_odata_error(response, 413, "RequestEntityTooLarge")
    assert response.headers["connection"] == "close"  # the unread body is not a next request


# -- JSON and schema (400) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"status": "failed"', "not valid JSON"),
        (b'{"status": failed}', "not valid JSON"),
        (b"", "empty"),
        (b"\xff\xfe{}", "UTF-8"),
        (b'{"displayName": "a", "displayName": "b"}', "twice"),
        (b'{"statistics": {"x": NaN}}', "NaN"),
        (b'{"statistics": {"x": 1e400}}', "too large"),
        (b'{"displayName": "\\ud800"}', "surrogate"),
        (b'{"statistics": {"x": -1e400}}', "too large"),
        (b'{"statistics": {"x": [1' + b"0" * 400 + b"]}}", "too large"),
        (b'{"statistics": {"\\udc00": 1}}', "surrogate"),
        (b'{"statistics": {"a": {"b": ["\\ud83d"]}}}', "surrogate"),
        (b"[" * 100_000 + b"]" * 100_000, ""),
    ],
)
def test_malformed_json_is_400(api: httpx.Client, body: bytes, words: str) -> None:
    if len(body) > LIMIT:
        body = b"[" * 30_000 + b"]" * 30_000
    error = assert_odata_error(_raw(api, "PATCH", run_path(), body), 400, "BadRequest")
    assert words in error["message"]


def _nested(depth: int) -> Any:
    """An object of `depth` levels: objects and arrays in turn around a number."""
    value: Any = 1
    for level in range(depth):
        value = {"n": value} if (depth - level) % 2 else [value]
    return value


def test_statistics_may_nest_32_levels_and_come_back_as_sent(api: httpx.Client) -> None:
    statistics = _nested(32)
    response = api.patch(run_path(), json={"statistics": statistics})
    assert response.status_code == 200, response.text
    assert response.json()["statistics"] == statistics


@pytest.mark.parametrize(
    ("body", "target", "words"),
    [
        ([], None, "JSON object"),
        ("completed", None, "JSON object"),
        (1.5, None, "JSON object"),
        ({}, None, "at least one"),
        ({"id": "mine"}, "id", "not allowed"),
        ({"status": "done"}, "status", "invalid value"),
        ({"status": "unknownFutureValue"}, "status", "invalid value"),
        ({"displayName": 5}, "displayName", "must be a string"),
        ({"displayName": None}, "displayName", "must be a string"),
        ({"status": None}, "status", "must be a string"),
        ({"statistics": []}, "statistics", "must be an object"),
        ({"statistics": None}, "statistics", "must be an object"),
        ({"displayName": "x" * 257}, "displayName", "longer than 256"),
        ({"startDateTime": "2026-02-30T00:00:00Z"}, "startDateTime", "date-time"),
        ({"startDateTime": "2026-11-24T02:00:00"}, "startDateTime", "date-time"),
        ({"startDateTime": "2026-11-24"}, "startDateTime", "date-time"),
        ({"startDateTime": "2026-11-24T02:00:00.12345678Z"}, "startDateTime", "expected form"),
        ({"startDateTime": "0000-01-01T00:00:00Z"}, "startDateTime", "date-time"),
        ({"endDateTime": "yesterday"}, "endDateTime", "date-time"),
        ({"@odata.type": "#microsoft.graph.user"}, "@odata.type", "invalid value"),
        ({"blockingError": {"code": 1}}, "blockingError/code", "string"),
        ({"blockingError": {"stack": "x"}}, "blockingError/stack", "not allowed"),
        ({"blockingError": "boom"}, "blockingError", "must be an object (or it may be null)"),
        ({"statistics": {str(i): i for i in range(257)}}, "statistics", "more than 256"),
        ({"statistics": _nested(33)}, "statistics", "deeper than 32"),
        ({"statistics": {"a": [_nested(31)]}}, "statistics", "deeper than 32"),
        ({"startDateTime": "1000-01-01T00:30:00+01:00"}, "startDateTime", "expected form"),
    ],
)
def test_body_breaking_the_schema_is_400_naming_the_property(
    api: httpx.Client, body: Any, target: str | None, words: str
) -> None:
    error = assert_odata_error(api.patch(run_path(), json=body), 400, "BadRequest")
    assert words in error["message"], error
    assert error.get("target") == target
    if target is not None:
        assert f"'{target}'" in error["message"]
    assert error["details"]
    assert all(d["message"] for d in error["details"])


def test_every_violation_is_listed(api: httpx.Client) -> None:
    body = {"id": "x", "status": "nope", "displayName": 3, "startDateTime": "soon"}
    error = assert_odata_error(api.patch(run_path(), json=body), 400, "BadRequest")
    targets = {d.get("target") for d in error["details"]}
    assert {"id", "status", "displayName", "startDateTime"} <= targets
    assert "more in details" in error["message"]


def test_add_run_requires_its_properties(api: httpx.Client) -> None:
    body = new_run_body()
    del body["startDateTime"]
    error = assert_odata_error(api.post(add_run_path(), json=body), 400, "BadRequest")
    assert error["target"] == "startDateTime"
    assert "required" in error["message"]


def test_a_time_that_leaves_the_calendar_in_utc_is_400(api: httpx.Client) -> None:
    for value in ("9999-12-31T23:30:00-01:00", "0001-01-01T00:30:00+01:00"):
        error = assert_odata_error(
            api.patch(run_path(), json={"endDateTime": value}), 400, "BadRequest"
        )
        assert error["target"] == "endDateTime"


def test_invalid_path_parameter_and_header_are_400(api: httpx.Client) -> None:
    error = assert_odata_error(api.patch(run_path("r" * 129), json={"status": "failed"}), 400)
    assert error["target"] == "runId"
    bad_header = api.patch(
        run_path(), headers={"client-request-id": "has spaces"}, json={"status": "failed"}
    )
    error = assert_odata_error(bad_header, 400)
    assert error["target"] == "client-request-id"
    assert "client-request-id" not in bad_header.headers
    bad_if_match = api.patch(run_path(), headers={"If-Match": "3"}, json={"status": "failed"})
    assert assert_odata_error(bad_if_match, 400)["target"] == "If-Match"


# -- unknown ids (404) and methods (405) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "name"),
    [
        ("PATCH", run_path("no-such-run"), "no-such-run"),
        ("PATCH", run_path(flow_id="no-such-flow"), "no-such-flow"),
        ("PATCH", process_run_path(process_run_id="no-such-run"), "no-such-run"),
        ("PATCH", process_run_path(run_id="no-such-run"), "no-such-run"),
        ("PATCH", process_run_path(flow_id="no-such-flow"), "no-such-flow"),
        ("POST", add_run_path("no-such-run"), "no-such-run"),
        ("POST", add_run_path(flow_id="no-such-flow"), "no-such-flow"),
    ],
)
def test_unknown_ids_are_404(api: httpx.Client, method: str, path: str, name: str) -> None:
    body = new_run_body() if method == "POST" else {"status": "failed"}
    error = assert_odata_error(api.request(method, path, json=body), 404, "ResourceNotFound")
    assert name in error["message"]


def test_unknown_paths_are_404(api: httpx.Client) -> None:
    for path in ("/industryData", "/industryData/incomingFlows/demo-flow", "/nothing/here"):
        assert_odata_error(api.get(path), 404, "ResourceNotFound")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", run_path(), "PATCH"),
        ("DELETE", run_path(), "PATCH"),
        ("PUT", process_run_path(), "PATCH"),
        ("POST", run_path(), "PATCH"),
        ("GET", add_run_path(), "POST"),
        ("PATCH", add_run_path(), "POST"),
        ("OPTIONS", add_run_path(), "POST"),
    ],
)
def test_unsupported_method_is_405_with_allow(
    api: httpx.Client, method: str, path: str, allow: str
) -> None:
    response = api.request(method, path, content=b"{}")
    assert_odata_error(response, 405, "MethodNotAllowed")
    assert response.headers["Allow"] == allow


# -- request ids, and nothing stored -------------------------------------------------------------


def test_every_response_has_a_request_id_and_echoes_client_request_id(
    server: ServerProcess, api: httpx.Client
) -> None:
    requests = [
        ("PATCH", run_path(add_run(api, {})), {"status": "completed"}),
        ("POST", add_run_path(), new_run_body()),
        ("PATCH", run_path(), {"status": "bad"}),
        ("PATCH", run_path("nope"), {"status": "failed"}),
        ("GET", run_path(), None),
        ("GET", "/nowhere", None),
    ]
    seen = set()
    for method, path, body in requests:
        client_id = f"client-{uuid.uuid4()}"
        response = api.request(method, path, json=body, headers={"client-request-id": client_id})
        assert response.status_code < 500, response.text
        assert response.headers["client-request-id"] == client_id
        seen.add(response.headers["request-id"])
        if response.status_code >= 400:
            assert response.json()["error"]["innerError"]["client-request-id"] == client_id
    unauthenticated = httpx.patch(
        server.base_url + run_path(),
        json={"status": "failed"},
        headers={"client-request-id": "abc"},
    )
    assert unauthenticated.headers["client-request-id"] == "abc"
    seen.add(unauthenticated.headers["request-id"])
    assert len(seen) == len(requests) + 1


def test_rejected_requests_store_nothing(server: ServerProcess, api: httpx.Client) -> None:
    run_id = add_run(api, {}, displayName="Keep me")
    with server.open_store() as store:
        before = store.snapshot()
    target = run_path(run_id)
    sends: list[tuple[str, str, bytes, dict[str, str]]] = [
        ("PATCH", target, b'{"displayName": "x"', {}),
        ("PATCH", target, b'{"displayName": "x"}', {"Content-Type": "text/plain"}),
        ("PATCH", target, b'["displayName"]', {}),
        ("PATCH", target, b'{"displayName": "x", "id": "y"}', {}),
        ("PATCH", target, b'{"displayName": "x", "status": 7}', {}),
        ("PATCH", target, b'{"displayName": "x", "status": "unknownFutureValue"}', {}),
        ("PATCH", target, b'{"displayName": "x", "endDateTime": "2026-13-01T00:00:00Z"}', {}),
        ("PATCH", target, _body_of_size(LIMIT + 1), {}),
        ("PATCH", target, b'{"displayName": "x"}', {"If-Match": '"0"'}),
        ("PATCH", target, b'{"displayName": "x"}', {"Authorization": "Bearer nope"}),
        ("PATCH", process_run_path("no-such-run", run_id), b'{"displayName": "x"}', {}),
        ("POST", add_run_path(run_id), b'{"displayName": "x"}', {}),
        ("POST", add_run_path(run_id), json.dumps(new_run_body(status="nope")).encode(), {}),
        ("POST", add_run_path("no-such-run"), json.dumps(new_run_body()).encode(), {}),
        (
            "POST",
            add_run_path(run_id),
            json.dumps(new_run_body()).encode(),
            {"Content-Type": "text/json"},
        ),
        ("POST", add_run_path(run_id), _body_of_size(LIMIT + 1), {}),
    ]
    for method, path, content, headers in sends:
        response = api.request(method, path, content=content, headers=headers)
        assert 400 <= response.status_code < 500, (method, path, content[:80], response.text)
    with server.open_store() as store:
        assert store.snapshot() == before
