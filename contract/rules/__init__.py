"""The project's own lint rules for `openapi.yaml`, for what the validator and the linters miss.

Each rule is a plain function `check_x(spec) -> list[Problem]` registered with `@register`
(`registry`); `run_checks` runs them all. A rule reads the raw spec (with its `$ref`s) and names
the place of each problem as a pointer, so that `make validate` can show `file:line`. Rules run
before the schema validator (for the clearest message about a repeated path parameter), so they
expect nothing of the spec's shape and skip what they cannot read.

A new rule goes into the module of its family (`refs_and_paths`, `responses`, `operations`,
`schemas`), or a new module imported below; the import order is the order rules run and report
in.
"""

from __future__ import annotations

from contract.rules.operations import check_operation_ids, snake_case
from contract.rules.refs_and_paths import (
    check_local_refs,
    check_path_parameters_declared,
    check_unique_path_parameters,
)
from contract.rules.registry import (
    CHECKS,
    HTTP_METHODS,
    REQUIRED_ERROR_STATUSES,
    Check,
    Problem,
    register,
    run_checks,
)
from contract.rules.responses import (
    check_bodiless_responses,
    check_created_location,
    check_error_bodies,
    check_error_statuses,
    check_response_headers,
)
from contract.rules.schemas import (
    check_closed_request_bodies,
    check_enum_varnames,
    check_evolvable_enums_model_as_string,
    check_request_enums_without_sentinel,
)
from contract.rules.walk import iter_subschemas

__all__ = [
    "CHECKS",
    "HTTP_METHODS",
    "REQUIRED_ERROR_STATUSES",
    "Check",
    "Problem",
    "check_bodiless_responses",
    "check_closed_request_bodies",
    "check_created_location",
    "check_enum_varnames",
    "check_error_bodies",
    "check_error_statuses",
    "check_evolvable_enums_model_as_string",
    "check_local_refs",
    "check_operation_ids",
    "check_path_parameters_declared",
    "check_request_enums_without_sentinel",
    "check_response_headers",
    "check_unique_path_parameters",
    "iter_subschemas",
    "register",
    "run_checks",
    "snake_case",
]
