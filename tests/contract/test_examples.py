"""Every example in the spec is checked, and a wrong one is caught where it is written."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

import pytest

from contract.examples import check_examples, iter_examples
from contract.formats import format_checker
from contract.loading import load_spec
from contract.refs import Pointer
from tooling.paths import SPEC

SPEC_PATH = SPEC
ADD = "/industryData/incomingFlows/{incomingFlowId}/runs/{runId}/process/runs/$ref"

Spec = dict[str, Any]


@functools.cache
def _loaded() -> Spec:
    return load_spec(SPEC_PATH).data


def real_spec() -> Spec:
    return copy.deepcopy(_loaded())


def _count_examples(node: Any) -> int:
    """Every `example`, and every entry of every `examples`, found by key alone."""
    if isinstance(node, list):
        return sum(_count_examples(item) for item in node)
    if not isinstance(node, dict):
        return 0
    count = int("example" in node)
    examples = node.get("examples")
    if isinstance(examples, dict | list):
        count += len(examples)
    return count + sum(_count_examples(value) for value in node.values())


def test_the_real_spec_has_only_valid_examples() -> None:
    report = check_examples(real_spec())

    assert report.problems == []


def test_no_example_of_the_real_spec_is_skipped() -> None:
    spec = real_spec()

    assert check_examples(spec).checked == _count_examples(spec)
    assert len({example.value_at for example in iter_examples(spec)}) == _count_examples(spec)


MEDIA = ("content", "application/json")
RUN_CREATE_RUNNING = ("components", "requestBodies", "addRun", *MEDIA, "examples", "running")
RUN_UPDATE_COMPLETE = ("components", "requestBodies", "runUpdate", *MEDIA, "examples", "complete")


def _set(pointer: Pointer, value: Any) -> Callable[[Spec], None]:
    def mutate(spec: Spec) -> None:
        node: Any = spec
        for part in pointer[:-1]:
            node = node[part]
        node[pointer[-1]] = value

    return mutate


def _shared_example(spec: Spec) -> None:
    spec["components"]["examples"] = {"shared": {"value": {"status": "paused"}}}
    media = spec["components"]["requestBodies"]["runUpdate"]["content"]["application/json"]
    media["examples"]["complete"] = {"$ref": "#/components/examples/shared"}


def _schema_examples_list(spec: Spec) -> None:
    spec["components"]["schemas"]["entityId"]["examples"] = ["demo-run", "a/b"]


def _inline_response_header(spec: Spec) -> None:
    headers = spec["paths"][ADD]["post"]["responses"]["204"]["headers"]
    headers["x-trace"] = {"schema": {"type": "string", "maxLength": 4}, "example": "too long"}


WRONG_EXAMPLES = [
    pytest.param(
        _set((*RUN_CREATE_RUNNING, "value", "status"), "unknownFutureValue"),
        (*RUN_CREATE_RUNNING, "value", "status"),
        "is not one of",
        id="request-body-enum",
    ),
    pytest.param(
        _set((*RUN_CREATE_RUNNING, "value", "startDateTime"), "2026-02-30T02:00:00Z"),
        (*RUN_CREATE_RUNNING, "value", "startDateTime"),
        "is not a 'date-time'",
        id="date-time-format",
    ),
    pytest.param(
        _set((*RUN_CREATE_RUNNING, "value", "id"), "chosen-by-caller"),
        (*RUN_CREATE_RUNNING, "value"),
        "Additional properties are not allowed",
        id="unknown-property",
    ),
    pytest.param(
        _set((*RUN_UPDATE_COMPLETE, "value", "endDateTime"), "yesterday"),
        (*RUN_UPDATE_COMPLETE, "value", "endDateTime"),
        "is not valid under any of the given schemas (closest: 'yesterday' is not a 'date-time')",
        id="any-of-branch",
    ),
    pytest.param(
        _set(("components", "parameters", "ifMatch", "example"), "3"),
        ("components", "parameters", "ifMatch", "example"),
        "does not match",
        id="parameter-pattern",
    ),
    pytest.param(
        _set(("components", "headers", "Retry-After", "example"), -1),
        ("components", "headers", "Retry-After", "example"),
        "less than the minimum",
        id="header-minimum",
    ),
    pytest.param(
        _set(("components", "headers", "Location", "example"), "runs/new run"),
        ("components", "headers", "Location", "example"),
        "is not a 'uri'",
        id="header-uri-format",
    ),
    pytest.param(
        _set(
            ("components", "responses", "NotFound", *MEDIA, "example", "error", "innerError"),
            {"client-request-id": "has a space"},
        ),
        (
            "components",
            "responses",
            "NotFound",
            *MEDIA,
            "example",
            "error",
            "innerError",
            "client-request-id",
        ),
        "does not match",
        id="response-pattern",
    ),
    pytest.param(
        _set(("components", "schemas", "runStatistics", "example"), ["not", "an", "object"]),
        ("components", "schemas", "runStatistics", "example"),
        "is not of type 'object'",
        id="schema-example",
    ),
    pytest.param(
        _schema_examples_list,
        ("components", "schemas", "entityId", "examples", "1"),
        "does not match",
        id="schema-examples-list",
    ),
    pytest.param(
        _shared_example,
        ("components", "examples", "shared", "value", "status"),
        "'paused' is not one of",
        id="referenced-example",
    ),
    pytest.param(
        _inline_response_header,
        ("paths", ADD, "post", "responses", "204", "headers", "x-trace", "example"),
        "is too long",
        id="inline-header",
    ),
]


@pytest.mark.parametrize(("mutate", "pointer", "message_part"), WRONG_EXAMPLES)
def test_a_wrong_example_is_caught_where_it_is_written(
    mutate: Callable[[Spec], None], pointer: Pointer, message_part: str
) -> None:
    spec = real_spec()
    mutate(spec)

    found = {problem.pointer: problem.message for problem in check_examples(spec).problems}

    assert pointer in found, sorted(found)
    assert message_part in found[pointer]
    assert "the example does not match its schema" in found[pointer]


@pytest.mark.parametrize(
    ("value", "format_name", "conforms"),
    [
        ("https://graph.microsoft.com/beta/x", "uri", True),
        ("urn:example:run", "uri", True),
        ("/beta/x", "uri", False),
        ("https://graph.microsoft.com/a b", "uri", False),
        (2**31 - 1, "int32", True),
        (2**31, "int32", False),
        (-(2**63), "int64", True),
        (2**63, "int64", False),
        ("2026-11-24T02:00:00.1234567Z", "date-time", True),
        ("2026-11-24 02:00:00Z", "date-time", False),
    ],
)
def test_format_checker(value: object, format_name: str, conforms: bool) -> None:
    assert format_checker().conforms(value, format_name) is conforms
