"""The compiled validators never pass a value that jsonschema refuses, so every outcome and every
400's wording stays jsonschema's; and they do serve the requests (the fast path is in use)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from contract.api import JSON, ApiContract
from contract.validators import SchemaValidator, json_depth
from tooling.paths import SPEC

RUN = {
    "@odata.type": "#microsoft.graph.industryData.run",
    "displayName": "Import",
    "startDateTime": "2026-11-24T02:00:00.1234567Z",
    "endDateTime": None,
    "status": "running",
    "blockingError": None,
    "statistics": {"recordsRead": 5},
}
VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1.0,
    1.5,
    2**31,
    -(2**31) - 1,
    2**63,
    10**40,
    "",
    "x",
    "x" * 256,
    "x" * 257,
    "x" * 1025,
    "abc\n",
    "\t",
    "é",
    "a/b",
    "*",
    '"3"',
    'W/"3"',
    '"3", "4"',
    '"a"b',
    "Bearer abc",
    "running",
    "completedWithWarnings",
    "nope",
    "2026-11-24T02:00:00Z",
    "2026-11-24T02:00:00+14:00",
    "2026-11-24T02:00:00.12345678Z",
    "2026-02-30T00:00:00Z",
    "2026-11-24 02:00:00Z",
    "9999-12-31T23:59:59Z",
    "0999-01-01T00:00:00Z",
    "urn:x",
    "https://example.org/a b",
    "8a0b4c6e-2f1d-4e3a-9b5c-7d8e9f0a1b2c",
    "8a0b4c6e2f1d4e3a9b5c7d8e9f0a1b2c",
    [],
    [1],
    {},
    {"a": 1},
    {"code": "x", "message": "y"},
    {"code": "x", "message": "y", "target": "z", "extra": 1},
]


def checkers(spec: ApiContract) -> Iterator[tuple[str, SchemaValidator]]:
    """Every validator the contract core builds: requests, responses, errors."""
    for op in spec.operations.values():
        if op.body is not None and op.body.media_types.get(JSON) is not None:
            yield f"{op.operation_id} body", _json(op.body.media_types)
        for param in op.parameters:
            yield f"{op.operation_id} {param.name}", param.validator
        for status, response in op.responses.items():
            if response.content is not None and response.content.media_types.get(JSON):
                yield f"{op.operation_id} {status} body", _json(response.content.media_types)
            for name, header in response.headers.items():
                yield f"{op.operation_id} {status} {name}", header.validator
    yield "ODataError", spec.schema_validator("ODataError")


def _json(media_types: Mapping[str, SchemaValidator | None]) -> SchemaValidator:
    validator = media_types[JSON]
    assert validator is not None
    return validator


def instances() -> Iterator[Any]:
    """Plain values, and a valid run with each property replaced, alone, added or left out."""
    yield from VALUES
    yield RUN
    for name in [*RUN, "id", "unknownProperty"]:
        yield {k: v for k, v in RUN.items() if k != name}
        for value in VALUES:
            yield {**RUN, name: value}
            yield {name: value}
            yield {"statistics": {name: value}}
            yield {"blockingError": {"code": "x", "message": "y", name: value}}


@pytest.fixture(scope="module")
def spec() -> ApiContract:
    return ApiContract.load(SPEC)


def test_the_compiled_validator_never_passes_what_jsonschema_refuses(spec: ApiContract) -> None:
    problems = []
    for where, checker in checkers(spec):
        for instance in instances():
            if checker._passes(instance) and not checker.full.is_valid(instance):
                problems.append(f"{where}: {instance!r}")
    assert problems == []


def test_the_request_checks_take_the_fast_path(spec: ApiContract) -> None:
    for op in spec.operations.values():
        assert op.body is not None
        assert _json(op.body.media_types).fast is not None, op.operation_id
        assert all(p.validator.fast is not None for p in op.parameters), op.operation_id
    update = spec.operations["updateRun"]
    assert update.body is not None
    body = _json(update.body.media_types)
    assert body._passes({k: v for k, v in RUN.items() if k != "startDateTime"})
    assert not body._passes({"status": "nope"})


def test_a_value_the_compiled_validator_cannot_read_falls_back_to_jsonschema(
    spec: ApiContract,
) -> None:
    update = spec.operations["updateRun"]
    assert update.body is not None
    body = _json(update.body.media_types)
    huge = {"statistics": {"rows": 10**400}}
    assert not body._passes(huge) or body.full.is_valid(huge)
    assert list(body.iter_errors(huge)) == list(body.full.iter_errors(huge))


def _nested(depth: int) -> Any:
    """An object that nests `depth` levels (arrays and objects in turn)."""
    value: Any = "leaf"
    for level in range(depth):
        value = {"n": value} if (depth - level) % 2 else [value]
    return value


@pytest.mark.parametrize(("depth", "valid"), [(1, True), (32, True), (33, False), (400, False)])
def test_both_validators_hold_statistics_to_its_depth(
    spec: ApiContract, depth: int, valid: bool
) -> None:
    """`x-max-depth` is the kit's own keyword: each validator must know it, or the compiled one
    would pass a body nested past the limit that jsonschema refuses."""
    update = spec.operations["updateRun"]
    assert update.body is not None
    body = _json(update.body.media_types)
    instance = {"statistics": _nested(depth)}
    assert json_depth(instance["statistics"]) == depth
    assert body._passes(instance) is valid
    assert body.full.is_valid(instance) is valid
