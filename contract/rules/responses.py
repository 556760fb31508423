"""Rules about responses: no body on a 204, every error status documented as an OData error,
the headers every response carries, `Location` on a creation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contract.rules.registry import (
    BODILESS_STATUSES,
    ERROR_SCHEMA_REF,
    REQUIRED_ERROR_STATUSES,
    Problem,
    register,
)
from contract.rules.walk import header_names, iter_operations, iter_responses, via


@register
def check_bodiless_responses(spec: Mapping[str, Any]) -> list[Problem]:
    """A 204 or 304 response documents no content (a generated client would parse a body)."""
    problems: list[Problem] = []
    for operation in iter_operations(spec):
        for status, response, used_at, defined_at in iter_responses(spec, operation):
            content = response.get("content")
            if status in BODILESS_STATUSES and content:
                types = ", ".join(map(str, content)) if isinstance(content, Mapping) else "?"
                problems.append(
                    Problem(
                        used_at,
                        f"{operation.label}: the {status} response{via(used_at, defined_at)} "
                        f"documents content ({types}); a {status} never carries a body",
                    )
                )
    return problems


@register
def check_error_statuses(spec: Mapping[str, Any]) -> list[Problem]:
    """Every operation documents each status of `REQUIRED_ERROR_STATUSES` by its own code."""
    problems: list[Problem] = []
    for operation in iter_operations(spec):
        responses = operation.node.get("responses")
        documented = {str(code) for code in responses} if isinstance(responses, Mapping) else set()
        missing = [status for status in REQUIRED_ERROR_STATUSES if status not in documented]
        if missing:
            problems.append(
                Problem(
                    (*operation.pointer, "responses"),
                    f"{operation.label} does not document the error responses "
                    f"{', '.join(missing)} (every operation documents "
                    f"{', '.join(REQUIRED_ERROR_STATUSES)})",
                )
            )
    return problems


@register
def check_error_bodies(spec: Mapping[str, Any]) -> list[Problem]:
    """Every 4xx, 5xx and default response is an OData error: `application/json`, `ODataError`."""
    problems: list[Problem] = []
    for operation in iter_operations(spec):
        for status, response, used_at, defined_at in iter_responses(spec, operation):
            if not (status[:1] in ("4", "5") or status == "default"):
                continue
            content = response.get("content")
            media = content.get("application/json") if isinstance(content, Mapping) else None
            schema = media.get("schema") if isinstance(media, Mapping) else None
            types = sorted(map(str, content)) if isinstance(content, Mapping) else []
            if (
                types != ["application/json"]
                or not isinstance(schema, Mapping)
                or schema.get("$ref") != ERROR_SCHEMA_REF
            ):
                problems.append(
                    Problem(
                        used_at,
                        f"{operation.label}: the {status} response{via(used_at, defined_at)} "
                        f"must have exactly `application/json` content whose schema is "
                        f"`$ref: {ERROR_SCHEMA_REF}`",
                    )
                )
    return problems


@register
def check_response_headers(spec: Mapping[str, Any]) -> list[Problem]:
    """Every response documents `request-id`; 401 `WWW-Authenticate`; 429 and 503 `Retry-After`."""
    wanted_by_status = {
        "401": ("WWW-Authenticate",),
        "429": ("Retry-After",),
        "503": ("Retry-After",),
    }
    problems: list[Problem] = []
    for operation in iter_operations(spec):
        for status, response, used_at, defined_at in iter_responses(spec, operation):
            names = header_names(response)
            for header in ("request-id", *wanted_by_status.get(status, ())):
                if header.lower() not in names:
                    problems.append(
                        Problem(
                            used_at,
                            f"{operation.label}: the {status} response{via(used_at, defined_at)} "
                            f"does not document the `{header}` header",
                        )
                    )
    return problems


@register
def check_created_location(spec: Mapping[str, Any]) -> list[Problem]:
    """A POST's 201 or 204 documents `Location`: the caller learns what it created from it."""
    problems: list[Problem] = []
    for operation in iter_operations(spec):
        if operation.method != "post":
            continue
        for status, response, used_at, defined_at in iter_responses(spec, operation):
            if status in ("201", "204") and "location" not in header_names(response):
                problems.append(
                    Problem(
                        used_at,
                        f"{operation.label}: the {status} response{via(used_at, defined_at)} "
                        "does not document the `Location` header naming what was created",
                    )
                )
    return problems
