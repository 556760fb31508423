"""Each of the project's own lint rules passes the real spec and catches a broken copy of it."""

from __future__ import annotations

import pytest

from contract.rules import (
    CHECKS,
    check_closed_request_bodies,
    check_evolvable_enums_model_as_string,
    check_response_headers,
    run_checks,
    snake_case,
)
from tests.contract.breakages import (
    BREAKAGES,
    OPERATIONS,
    Breakage,
    Spec,
    close_evolvable_enum,
    drop_header,
    open_public_error,
    real_spec,
    response_pointer,
)


def test_the_real_spec_passes_every_check() -> None:
    spec = real_spec()
    assert run_checks(spec) == []
    for check in CHECKS:
        assert check(spec) == [], check.__name__


def test_every_registered_check_is_shown_to_catch_a_breakage() -> None:
    assert {breakage.check for breakage in BREAKAGES} == set(CHECKS)


@pytest.mark.parametrize("breakage", BREAKAGES, ids=[b.name for b in BREAKAGES])
def test_each_check_catches_a_broken_copy(breakage: Breakage) -> None:
    spec = real_spec()
    breakage.mutate(spec)

    found = {problem.pointer: problem.message for problem in breakage.check(spec)}

    assert breakage.pointer in found, sorted(found)
    assert breakage.message_part in found[breakage.pointer]
    assert any(problem.pointer == breakage.pointer for problem in run_checks(spec))


def test_an_evolvable_enum_reached_from_several_schemas_is_reported_once() -> None:
    spec = real_spec()
    close_evolvable_enum(spec)
    problems = check_evolvable_enums_model_as_string(spec)
    assert [problem.where for problem in problems] == ["components.schemas.runStatus.x-ms-enum"]


def test_a_check_names_the_operation_for_a_sharedresponse_pointer() -> None:
    spec = real_spec()
    drop_header("TooManyRequests", "Retry-After")(spec)

    problems = check_response_headers(spec)

    assert [problem.pointer for problem in problems] == [
        response_pointer(path, method, "429") for path, method in OPERATIONS
    ]
    assert all("(defined at components.responses.TooManyRequests)" in p.message for p in problems)


def test_an_open_schema_is_reported_once_with_every_operation_that_sends_it() -> None:
    spec = real_spec()
    open_public_error(spec)

    problems = check_closed_request_bodies(spec)

    assert len(problems) == 1
    assert all(f"{method.upper()} {path}" in problems[0].message for path, method in OPERATIONS)


def test_checks_skip_what_they_cannot_read() -> None:
    spec: Spec = {
        "openapi": "3.1.0",
        "paths": {"/a/{x}/{x}": {"get": "not an operation", "post": {"responses": []}}},
    }

    problems = run_checks(spec)

    assert ("paths", "/a/{x}/{x}") in {problem.pointer for problem in problems}


@pytest.mark.parametrize(
    ("operation_id", "expected"),
    [
        ("addRun", "add_run"),
        ("updateProcessRun", "update_process_run"),
        ("getHTTPStatus", "get_http_status"),
        ("industryData.runs.update", "industry_data_runs_update"),
        ("already_snake", "already_snake"),
    ],
)
def test_snake_case(operation_id: str, expected: str) -> None:
    assert snake_case(operation_id) == expected
