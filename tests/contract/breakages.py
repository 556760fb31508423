"""Broken copies of the real spec, one or more per lint rule, with where the rule must report."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from contract.loading import load_spec
from contract.refs import Pointer
from contract.rules import (
    REQUIRED_ERROR_STATUSES,
    Check,
    check_bodiless_responses,
    check_closed_request_bodies,
    check_created_location,
    check_enum_varnames,
    check_error_bodies,
    check_error_statuses,
    check_evolvable_enums_model_as_string,
    check_local_refs,
    check_operation_ids,
    check_path_parameters_declared,
    check_request_enums_without_sentinel,
    check_response_headers,
    check_unique_path_parameters,
)
from tooling.paths import SPEC

FLOW_RUN = "/industryData/incomingFlows/{incomingFlowId}/runs/{runId}"
ADD = FLOW_RUN + "/process/runs/$ref"
UPDATE = FLOW_RUN
UPDATE_PROCESS = FLOW_RUN + "/process/runs/{processRunId}"
REPEATED = FLOW_RUN + "/process/runs/{runId}"
OPERATIONS = ((ADD, "post"), (UPDATE, "patch"), (UPDATE_PROCESS, "patch"))

Spec = dict[str, Any]


@functools.cache
def _loaded() -> Spec:
    return load_spec(SPEC).data


def real_spec() -> Spec:
    """A private copy of `openapi.yaml`, free to break."""
    return copy.deepcopy(_loaded())


def schemas(spec: Spec) -> dict[str, Any]:
    return cast(dict[str, Any], spec["components"]["schemas"])


def responses_of(spec: Spec, path: str, method: str) -> dict[str, Any]:
    return cast(dict[str, Any], spec["paths"][path][method]["responses"])


def repeat_run_id(spec: Spec) -> None:
    spec["paths"][REPEATED] = spec["paths"].pop(UPDATE_PROCESS)


def give_204_a_body(spec: Spec) -> None:
    response = responses_of(spec, ADD, "post")["204"]
    response["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/run"}}}


def ref_204_to_updated_run(spec: Spec) -> None:
    responses_of(spec, ADD, "post")["204"] = {"$ref": "#/components/responses/UpdatedRun"}


def add_304_with_body(spec: Spec) -> None:
    responses_of(spec, UPDATE, "patch")["304"] = {"$ref": "#/components/responses/UpdatedRun"}


def drop_run_id_declaration(spec: Spec) -> None:
    parameters = spec["paths"][UPDATE]["parameters"]
    parameters.remove({"$ref": "#/components/parameters/runId"})


def break_ref(spec: Spec) -> None:
    spec["paths"][ADD]["post"]["requestBody"]["$ref"] = "#/components/requestBodies/nothing"


def external_ref(spec: Spec) -> None:
    spec["paths"][ADD]["post"]["requestBody"]["$ref"] = "bodies.yaml#/runCreate"


def loosen_not_found_body(spec: Spec) -> None:
    content = spec["components"]["responses"]["NotFound"]["content"]
    content["application/json"]["schema"] = {"type": "object"}


def add_text_error_body(spec: Spec) -> None:
    content = spec["components"]["responses"]["InternalServerError"]["content"]
    content["text/plain"] = {"schema": {"type": "string", "maxLength": 64}}


def drop_header(response: str, header: str) -> Callable[[Spec], None]:
    def mutate(spec: Spec) -> None:
        del spec["components"]["responses"][response]["headers"][header]

    return mutate


def drop_add_run_header(header: str) -> Callable[[Spec], None]:
    def mutate(spec: Spec) -> None:
        del responses_of(spec, ADD, "post")["204"]["headers"][header]

    return mutate


def set_operation_id(path: str, method: str, value: str | None) -> Callable[[Spec], None]:
    def mutate(spec: Spec) -> None:
        if value is None:
            del spec["paths"][path][method]["operationId"]
        else:
            spec["paths"][path][method]["operationId"] = value

    return mutate


def open_run_create(spec: Spec) -> None:
    del schemas(spec)["runCreate"]["additionalProperties"]


def open_public_error(spec: Spec) -> None:
    # Reached only through `anyOf` branches of blockingError.
    schemas(spec)["publicError"]["additionalProperties"] = True


def open_public_error_detail(spec: Spec) -> None:
    # Reached through publicError -> details (array) -> items ($ref).
    schemas(spec)["publicErrorDetail"]["additionalProperties"] = {"type": "string"}


def unmark_statistics(spec: Spec) -> None:
    del schemas(spec)["runStatistics"]["x-weakly-typed"]


def inline_open_update_body(spec: Spec) -> None:
    media = spec["components"]["requestBodies"]["runUpdate"]["content"]["application/json"]
    media["schema"] = {"type": "object", "properties": {"displayName": {"type": "string"}}}


def add_open_array_items(spec: Spec) -> None:
    schemas(spec)["runUpdate"]["properties"]["labels"] = {
        "type": "array",
        "items": {"type": "object", "properties": {"name": {"type": "string"}}},
    }


def allow_sentinel_in_input(spec: Spec) -> None:
    schemas(spec)["runStatusInput"]["enum"].append("unknownFutureValue")


def send_output_status(spec: Spec) -> None:
    schemas(spec)["runCreate"]["properties"]["status"] = {"$ref": "#/components/schemas/runStatus"}


def close_evolvable_enum(spec: Spec) -> None:
    schemas(spec)["runStatus"]["x-ms-enum"]["modelAsString"] = False


def drop_ms_enum_value(spec: Spec) -> None:
    del schemas(spec)["runStatus"]["x-ms-enum"]["values"][1]


def drop_input_status_value(spec: Spec) -> None:
    schemas(spec)["runStatusInput"]["enum"].remove("completedWithErrors")


def spell_varname_camel_case(spec: Spec) -> None:
    schemas(spec)["runStatusInput"]["x-enum-varnames"][3] = "CompletedWithErrors"


def repeat_varname(spec: Spec) -> None:
    schemas(spec)["runStatusInput"]["x-enum-varnames"][4] = "COMPLETED_WITH_ERRORS"


def varnames_without_enum(spec: Spec) -> None:
    del schemas(spec)["odataTypeRun"]["enum"]


def sentinel_in_header_parameter(spec: Spec) -> None:
    spec["components"]["parameters"]["ifMatch"]["schema"] = {
        "type": "string",
        "enum": ["*", "unknownFutureValue"],
    }


@dataclass(frozen=True)
class Breakage:
    """A way to break the spec, the check that must catch it, and where."""

    name: str
    mutate: Callable[[Spec], None]
    check: Check
    pointer: Pointer
    message_part: str


def _missing_status(status: str) -> Breakage:
    def mutate(spec: Spec) -> None:
        del responses_of(spec, UPDATE_PROCESS, "patch")[status]

    return Breakage(
        f"missing-{status}",
        mutate,
        check_error_statuses,
        ("paths", UPDATE_PROCESS, "patch", "responses"),
        f"does not document the error responses {status} ",
    )


def response_pointer(path: str, method: str, status: str) -> Pointer:
    return ("paths", path, method, "responses", status)


BREAKAGES = [
    Breakage(
        "broken-ref",
        break_ref,
        check_local_refs,
        ("paths", ADD, "post", "requestBody", "$ref"),
        "names nothing",
    ),
    Breakage(
        "external-ref",
        external_ref,
        check_local_refs,
        ("paths", ADD, "post", "requestBody", "$ref"),
        "is not local",
    ),
    Breakage(
        "repeated-path-parameter",
        repeat_run_id,
        check_unique_path_parameters,
        ("paths", REPEATED),
        "uses the parameter {runId} 2 times",
    ),
    Breakage(
        "declared-but-not-in-template",
        repeat_run_id,
        check_path_parameters_declared,
        ("paths", REPEATED, "parameters", "2"),
        "'processRunId' is declared but the path has no {processRunId}",
    ),
    Breakage(
        "in-template-but-not-declared",
        drop_run_id_declaration,
        check_path_parameters_declared,
        ("paths", UPDATE, "patch"),
        "the path parameter {runId} is not declared",
    ),
    Breakage(
        "204-with-body",
        give_204_a_body,
        check_bodiless_responses,
        response_pointer(ADD, "post", "204"),
        "the 204 response documents content (application/json)",
    ),
    Breakage(
        "204-ref-with-body",
        ref_204_to_updated_run,
        check_bodiless_responses,
        response_pointer(ADD, "post", "204"),
        "(defined at components.responses.UpdatedRun) documents content",
    ),
    Breakage(
        "304-with-body",
        add_304_with_body,
        check_bodiless_responses,
        response_pointer(UPDATE, "patch", "304"),
        "the 304 response",
    ),
    *[_missing_status(status) for status in REQUIRED_ERROR_STATUSES],
    Breakage(
        "error-body-not-odata",
        loosen_not_found_body,
        check_error_bodies,
        response_pointer(UPDATE, "patch", "404"),
        "(defined at components.responses.NotFound) must have exactly `application/json`",
    ),
    Breakage(
        "error-body-second-media-type",
        add_text_error_body,
        check_error_bodies,
        response_pointer(ADD, "post", "500"),
        "the 500 response",
    ),
    Breakage(
        "401-without-www-authenticate",
        drop_header("Unauthorized", "WWW-Authenticate"),
        check_response_headers,
        response_pointer(ADD, "post", "401"),
        "does not document the `WWW-Authenticate` header",
    ),
    Breakage(
        "429-without-retry-after",
        drop_header("TooManyRequests", "Retry-After"),
        check_response_headers,
        response_pointer(UPDATE, "patch", "429"),
        "does not document the `Retry-After` header",
    ),
    Breakage(
        "503-without-retry-after",
        drop_header("ServiceUnavailable", "Retry-After"),
        check_response_headers,
        response_pointer(UPDATE_PROCESS, "patch", "503"),
        "does not document the `Retry-After` header",
    ),
    Breakage(
        "error-without-request-id",
        drop_header("Forbidden", "request-id"),
        check_response_headers,
        response_pointer(ADD, "post", "403"),
        "does not document the `request-id` header",
    ),
    Breakage(
        "success-without-request-id",
        drop_add_run_header("request-id"),
        check_response_headers,
        response_pointer(ADD, "post", "204"),
        "does not document the `request-id` header",
    ),
    Breakage(
        "add-run-without-location",
        drop_add_run_header("Location"),
        check_created_location,
        response_pointer(ADD, "post", "204"),
        "does not document the `Location` header",
    ),
    Breakage(
        "operation-id-missing",
        set_operation_id(UPDATE, "patch", None),
        check_operation_ids,
        ("paths", UPDATE, "patch"),
        "has no operationId",
    ),
    Breakage(
        "operation-id-not-an-identifier",
        set_operation_id(ADD, "post", "2ndRun"),
        check_operation_ids,
        ("paths", ADD, "post", "operationId"),
        "becomes '2nd_run' in Python, which is not a valid identifier",
    ),
    Breakage(
        "operation-id-keyword",
        set_operation_id(ADD, "post", "import"),
        check_operation_ids,
        ("paths", ADD, "post", "operationId"),
        "not a valid identifier",
    ),
    Breakage(
        "operation-ids-collide",
        set_operation_id(UPDATE_PROCESS, "patch", "update_run"),
        check_operation_ids,
        ("paths", UPDATE_PROCESS, "patch", "operationId"),
        f"like the operationId of PATCH {UPDATE}",
    ),
    Breakage(
        "request-body-open",
        open_run_create,
        check_closed_request_bodies,
        ("components", "schemas", "runCreate"),
        "#/components/schemas/runCreate allows unknown properties",
    ),
    Breakage(
        "nested-anyof-object-open",
        open_public_error,
        check_closed_request_bodies,
        ("components", "schemas", "publicError"),
        f"request body of PATCH {UPDATE}",
    ),
    Breakage(
        "array-items-object-open",
        open_public_error_detail,
        check_closed_request_bodies,
        ("components", "schemas", "publicErrorDetail"),
        "allows unknown properties",
    ),
    Breakage(
        "weakly-typed-mark-removed",
        unmark_statistics,
        check_closed_request_bodies,
        ("components", "schemas", "runStatistics"),
        "x-weakly-typed: true",
    ),
    Breakage(
        "inline-request-body-open",
        inline_open_update_body,
        check_closed_request_bodies,
        ("components", "requestBodies", "runUpdate", "content", "application/json", "schema"),
        "allows unknown properties",
    ),
    Breakage(
        "inline-array-items-open",
        add_open_array_items,
        check_closed_request_bodies,
        ("components", "schemas", "runUpdate", "properties", "labels", "items"),
        "allows unknown properties",
    ),
    Breakage(
        "input-enum-with-sentinel",
        allow_sentinel_in_input,
        check_request_enums_without_sentinel,
        ("components", "schemas", "runStatusInput"),
        "offers 'unknownFutureValue'",
    ),
    Breakage(
        "request-uses-output-enum",
        send_output_status,
        check_request_enums_without_sentinel,
        ("components", "schemas", "runStatus"),
        f"request body of POST {ADD}",
    ),
    Breakage(
        "parameter-enum-with-sentinel",
        sentinel_in_header_parameter,
        check_request_enums_without_sentinel,
        ("components", "parameters", "ifMatch", "schema"),
        "the header parameter 'If-Match'",
    ),
    Breakage(
        "evolvable-enum-modelled-closed",
        close_evolvable_enum,
        check_evolvable_enums_model_as_string,
        ("components", "schemas", "runStatus", "x-ms-enum"),
        "modelAsString: true",
    ),
    Breakage(
        "ms-enum-values-not-the-members",
        drop_ms_enum_value,
        check_evolvable_enums_model_as_string,
        ("components", "schemas", "runStatus", "x-ms-enum", "values"),
        "are not its enum members",
    ),
    Breakage(
        "enum-value-dropped-varname-kept",
        drop_input_status_value,
        check_enum_varnames,
        ("components", "schemas", "runStatusInput", "x-enum-varnames"),
        "lists 5 names for 4 values: openapi-python-client ignores the list and names every "
        "member after its value (RUNNING, FAILED, COMPLETED, COMPLETEDWITHWARNINGS)",
    ),
    Breakage(
        "varname-not-as-generated",
        spell_varname_camel_case,
        check_enum_varnames,
        ("components", "schemas", "runStatusInput", "x-enum-varnames"),
        "'CompletedWithErrors' becomes 'COMPLETED_WITH_ERRORS' in the client",
    ),
    Breakage(
        "varname-repeated",
        repeat_varname,
        check_enum_varnames,
        ("components", "schemas", "runStatusInput", "x-enum-varnames"),
        "repeats COMPLETED_WITH_ERRORS",
    ),
    Breakage(
        "varnames-without-enum",
        varnames_without_enum,
        check_enum_varnames,
        ("components", "schemas", "odataTypeRun", "x-enum-varnames"),
        "has no enum",
    ),
]
