"""HAR 1.2 in and out: what the proxy writes reads back as the same exchanges, credentials
masked; what a file does not hold in full is read as unchecked, with the reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.fuzzing.checks.exchanges import RUN, exchange
from traffic import har
from traffic.seen import Seen


def written(tmp_path: Path, value: Seen, headers: list[tuple[str, str]]) -> Path:
    response = [(name, value) for name, value in value.exchange.response_headers.items()]
    path = tmp_path / "t.har"
    har.write(path, [har.entry(value, headers, response)], "test", "1")
    return path


def test_an_entry_reads_back_as_the_exchange_it_was(tmp_path: Path) -> None:
    sent = {"displayName": "naïve"}
    value = exchange(sent=sent, answer={**RUN, **sent}, request_headers={"X-Repeat": "a"})
    original = Seen(4, value, 10.0, 10.25, "2026-11-24T02:00:00+00:00")
    headers = [("Content-Type", "application/json"), ("X-Repeat", "a"), ("X-Repeat", "b")]
    (back,) = har.read(written(tmp_path, original, headers))
    assert back.unchecked is None
    got = back.exchange
    assert (got.method, got.url, got.status) == (value.method, value.url, value.status)
    assert (got.request_body, got.response_body) == (value.request_body, value.response_body)
    assert got.request_header("x-repeat") == "a, b"
    assert got.response_header("content-type") == "application/json"
    assert back.ended - back.started == pytest.approx(0.25)


def test_credentials_are_masked_wherever_they_appear(tmp_path: Path) -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.secret"
    value = exchange(
        path=f"/industryData/incomingFlows/demo-flow/runs/demo-run?t={token}",
        sent={"displayName": token},
        answer={**RUN, "displayName": token},
    )
    seen = Seen(0, value, 0.0, 0.1, "2026-11-24T02:00:00Z")
    path = written(tmp_path, seen, [("Authorization", f"Bearer {token}")])
    text = path.read_text(encoding="utf-8")
    assert token not in text
    entry = json.loads(text)["log"]["entries"][0]
    assert entry["request"]["headers"] == [{"name": "Authorization", "value": "Bearer <masked>"}]
    assert har.mask("authorization", "Basic dXNlcjpwYXNz") == "Basic <masked>"
    assert har.mask("x-other", "Bearer kept") == "Bearer kept"


def entry(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "startedDateTime": "2026-11-24T02:00:00.000Z",
        "time": 5,
        "request": {
            "method": "PATCH",
            "url": "http://h/beta/industryData/incomingFlows/f/runs/r",
            "headers": [{"name": "Content-Length", "value": "2"}],
            "postData": {"mimeType": "application/json", "text": "{}"},
            "bodySize": 2,
        },
        "response": {
            "status": 200,
            "headers": [],
            "content": {"size": 2, "mimeType": "application/json", "text": "{}"},
        },
    }
    for where, value in changes.items():
        section, key = where.split("__")
        if value is None:
            del base[section][key]
        else:
            base[section][key] = value
    return base


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"request__postData": None}, "the request body is not in the file"),
        (
            {"response__content": {"size": 10, "mimeType": "application/json"}},
            "the response body is not in the file",
        ),
        (
            {"response__content": {"size": 10, "text": "{}"}},
            "the response body holds 2 bytes of 10",
        ),
        (
            {"response__content": {"size": 2, "text": "{}", "comment": "truncated"}},
            "the response body is marked: truncated",
        ),
        ({"response__status": 0}, "no response was received (status 0)"),
    ],
)
def test_what_a_file_does_not_hold_in_full_is_unchecked(
    tmp_path: Path, changes: dict[str, Any], reason: str | None
) -> None:
    path = tmp_path / "t.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry(**changes)]}}))
    (read,) = har.read(path)
    assert read.unchecked == reason


def test_a_file_that_is_not_har_says_so(tmp_path: Path) -> None:
    path = tmp_path / "t.har"
    path.write_text('{"entries": []}')
    with pytest.raises(har.HarError, match=r"is not a HAR file: it has no log\.entries list"):
        har.read(path)
