"""The project's own checks of `openapi.yaml`, for what the validator and the linters miss.

Each check is a plain function `check_x(spec) -> list[Problem]` registered with `@register`;
`run_checks` runs them all. A check reads the raw spec (with its `$ref`s) and names the place of
each problem as a pointer, so that `scripts.validate` can show `file:line`. Checks run before the
schema validator (for the clearest message about a repeated path parameter), so they expect
nothing of the spec's shape and skip what they cannot read.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from scripts.spec_loading import Pointer, json_pointer, lookup, parse_ref, render_pointer, resolve

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

REQUIRED_ERROR_STATUSES = ("400", "401", "403", "404", "413", "415", "429", "500", "503")
"""Every operation can meet each of these, so each must document it (issue 2)."""

BODILESS_STATUSES = ("204", "304")
"""RFC 9110 15.3.5 and 15.4.5: these responses never carry content."""

ERROR_SCHEMA_REF = "#/components/schemas/ODataError"
WEAKLY_TYPED = "x-weakly-typed"
"""`true` on an object schema that is open on purpose (runStatistics: "any JSON object")."""

SENTINEL = "unknownFutureValue"

_TEMPLATE_PARAMETER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Problem:
    """One problem, at `pointer` in the spec."""

    pointer: Pointer
    message: str

    @property
    def where(self) -> str:
        return render_pointer(self.pointer)


Check = Callable[[Mapping[str, Any]], list[Problem]]
CHECKS: list[Check] = []


def register(check: Check) -> Check:
    """Add `check` to the checks `run_checks` runs, in the order of definition."""
    CHECKS.append(check)
    return check


def run_checks(spec: Mapping[str, Any], checks: list[Check] | None = None) -> list[Problem]:
    """Every problem every check finds, in check order."""
    problems: list[Problem] = []
    for check in CHECKS if checks is None else checks:
        problems.extend(check(spec))
    return problems


@dataclass(frozen=True)
class Operation:
    """One operation with the path item it belongs to."""

    template: str
    method: str
    node: Mapping[str, Any]
    path_item: Mapping[str, Any]
    pointer: Pointer

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"


def iter_operations(spec: Mapping[str, Any]) -> Iterator[Operation]:
    """The operations under `paths`, in file order (path items may be `$ref`s)."""
    paths = spec.get("paths")
    if not isinstance(paths, Mapping):
        return
    for template, raw_item in paths.items():
        item, item_at = resolve(spec, raw_item, ("paths", str(template)))
        if not isinstance(item, Mapping):
            continue
        for method in HTTP_METHODS:
            node = item.get(method)
            if isinstance(node, Mapping):
                yield Operation(str(template), method, node, item, (*item_at, method))


def iter_responses(
    spec: Mapping[str, Any], operation: Operation
) -> Iterator[tuple[str, Mapping[str, Any], Pointer, Pointer]]:
    """(status, response, where it is used, where it is defined) for each response."""
    responses = operation.node.get("responses")
    if not isinstance(responses, Mapping):
        return
    for status, raw in responses.items():
        used_at = (*operation.pointer, "responses", str(status))
        response, defined_at = resolve(spec, raw, used_at)
        if isinstance(response, Mapping):
            yield str(status), response, used_at, defined_at


def _via(used_at: Pointer, defined_at: Pointer) -> str:
    return "" if used_at == defined_at else f" (defined at {render_pointer(defined_at)})"


def _header_names(spec: Mapping[str, Any], response: Mapping[str, Any]) -> set[str]:
    headers = response.get("headers")
    return {str(name).lower() for name in headers} if isinstance(headers, Mapping) else set()


@dataclass(frozen=True)
class Parameter:
    """A parameter of an operation: where it is listed and where it is defined."""

    node: Mapping[str, Any]
    used_at: Pointer
    defined_at: Pointer


def _effective_parameters(
    spec: Mapping[str, Any], operation: Operation
) -> dict[tuple[str, str], Parameter]:
    """(name, in) -> each parameter; an operation's own override those of its path item."""
    found: dict[tuple[str, str], Parameter] = {}
    owners = ((operation.path_item, operation.pointer[:-1]), (operation.node, operation.pointer))
    for owner, owner_pointer in owners:
        parameters = owner.get("parameters")
        if not isinstance(parameters, list):
            continue
        for index, raw in enumerate(parameters):
            used_at = (*owner_pointer, "parameters", str(index))
            node, defined_at = resolve(spec, raw, used_at)
            if isinstance(node, Mapping):
                key = (str(node.get("name")), str(node.get("in")))
                found[key] = Parameter(node, used_at, defined_at)
    return found


@register
def check_local_refs(spec: Mapping[str, Any]) -> list[Problem]:
    """Every `$ref` is local (`#/...`) and names something: the spec is one self-contained file."""
    problems: list[Problem] = []

    def walk(node: Any, pointer: Pointer) -> None:
        if isinstance(node, Mapping):
            ref = node.get("$ref")
            if isinstance(ref, str):
                target = parse_ref(ref)
                if target is None:
                    problems.append(
                        Problem((*pointer, "$ref"), f"$ref {ref!r} is not local (#/...)")
                    )
                else:
                    try:
                        lookup(spec, target)
                    except KeyError:
                        problems.append(
                            Problem((*pointer, "$ref"), f"$ref {ref!r} names nothing in the spec")
                        )
            for key, value in node.items():
                walk(value, (*pointer, str(key)))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, (*pointer, str(index)))

    walk(spec, ())
    return problems


@register
def check_unique_path_parameters(spec: Mapping[str, Any]) -> list[Problem]:
    """A path template names each parameter once (generators drop or mangle such operations)."""
    problems: list[Problem] = []
    paths = spec.get("paths")
    for template in paths if isinstance(paths, Mapping) else ():
        names = _TEMPLATE_PARAMETER.findall(str(template))
        for name in sorted({name for name in names if names.count(name) > 1}):
            problems.append(
                Problem(
                    ("paths", str(template)),
                    f"the path template uses the parameter {{{name}}} {names.count(name)} times; "
                    "a parameter name must be unique within a path (name the second one "
                    f"differently, e.g. {{{name}2}})",
                )
            )
    return problems


@register
def check_path_parameters_declared(spec: Mapping[str, Any]) -> list[Problem]:
    """Each `{name}` of a template has an `in: path` parameter, and each of those a `{name}`."""
    problems: list[Problem] = []
    for operation in iter_operations(spec):
        in_template = set(_TEMPLATE_PARAMETER.findall(operation.template))
        declared = {
            name: parameter.used_at
            for (name, location), parameter in _effective_parameters(spec, operation).items()
            if location == "path"
        }
        for name in sorted(in_template - declared.keys()):
            problems.append(
                Problem(
                    operation.pointer,
                    f"{operation.label}: the path parameter {{{name}}} is not declared "
                    "(no parameter with `in: path` and that name)",
                )
            )
        for name in sorted(declared.keys() - in_template):
            problems.append(
                Problem(
                    declared[name],
                    f"{operation.label}: the path parameter {name!r} is declared but the "
                    f"path has no {{{name}}}",
                )
            )
    return problems


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
                        f"{operation.label}: the {status} response{_via(used_at, defined_at)} "
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
                        f"{operation.label}: the {status} response{_via(used_at, defined_at)} "
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
            names = _header_names(spec, response)
            for header in ("request-id", *wanted_by_status.get(status, ())):
                if header.lower() not in names:
                    problems.append(
                        Problem(
                            used_at,
                            f"{operation.label}: the {status} response{_via(used_at, defined_at)} "
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
            if status in ("201", "204") and "location" not in _header_names(spec, response):
                problems.append(
                    Problem(
                        used_at,
                        f"{operation.label}: the {status} response{_via(used_at, defined_at)} "
                        "does not document the `Location` header naming what was created",
                    )
                )
    return problems


def snake_case(name: str) -> str:
    """`addRun` -> `add_run`, the way client generators name functions and modules."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", spaced)
    return re.sub(r"[^0-9A-Za-z]+", "_", spaced).strip("_").lower()


@register
def check_operation_ids(spec: Mapping[str, Any]) -> list[Problem]:
    """operationIds exist and, snake_cased, are distinct Python identifiers (function names)."""
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    for operation in iter_operations(spec):
        operation_id = operation.node.get("operationId")
        pointer = (*operation.pointer, "operationId")
        if not isinstance(operation_id, str) or not operation_id:
            problems.append(Problem(operation.pointer, f"{operation.label} has no operationId"))
            continue
        python_name = snake_case(operation_id)
        if not python_name.isidentifier() or keyword.iskeyword(python_name):
            problems.append(
                Problem(
                    pointer,
                    f"{operation.label}: operationId {operation_id!r} becomes {python_name!r} "
                    "in Python, which is not a valid identifier",
                )
            )
        elif python_name in owners:
            problems.append(
                Problem(
                    pointer,
                    f"{operation.label}: operationId {operation_id!r} becomes {python_name!r} "
                    f"in Python, like the operationId of {owners[python_name]}",
                )
            )
        else:
            owners[python_name] = operation.label
    return problems


_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_SINGLES = (
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
)


def iter_subschemas(
    spec: Mapping[str, Any], schema: Any, pointer: Pointer
) -> Iterator[tuple[Mapping[str, Any], Pointer]]:
    """`schema` and every schema inside it, each once, following `$ref`s (where they point)."""
    seen: set[Pointer] = set()
    pending: list[tuple[Any, Pointer]] = [(schema, pointer)]
    while pending:
        node, at = pending.pop()
        if not isinstance(node, Mapping) or at in seen:
            continue
        seen.add(at)
        yield node, at
        ref = node.get("$ref")
        if isinstance(ref, str):
            target, target_at = resolve(spec, {"$ref": ref}, at)
            if target_at != at:
                pending.append((target, target_at))
        children: list[tuple[Any, Pointer]] = []
        for key in _SUBSCHEMA_MAPS:
            members = node.get(key)
            if isinstance(members, Mapping):
                children.extend((value, (*at, key, str(name))) for name, value in members.items())
        for key in _SUBSCHEMA_LISTS:
            members = node.get(key)
            if isinstance(members, list):
                children.extend((value, (*at, key, str(i))) for i, value in enumerate(members))
        children.extend((node.get(key), (*at, key)) for key in _SUBSCHEMA_SINGLES if key in node)
        pending.extend(reversed(children))


def iter_request_schemas(
    spec: Mapping[str, Any], operation: Operation, *, with_parameters: bool
) -> Iterator[tuple[Mapping[str, Any], Pointer, str]]:
    """(schema, pointer, what) for each schema a request of `operation` is validated against."""
    raw_body = operation.node.get("requestBody")
    body, body_at = resolve(spec, raw_body, (*operation.pointer, "requestBody"))
    content = body.get("content") if isinstance(body, Mapping) else None
    for media_type, media in content.items() if isinstance(content, Mapping) else ():
        if isinstance(media, Mapping) and "schema" in media:
            start = (*body_at, "content", str(media_type), "schema")
            for schema, at in iter_subschemas(spec, media["schema"], start):
                yield schema, at, f"the {media_type} request body"
    if with_parameters:
        for (name, location), parameter in _effective_parameters(spec, operation).items():
            if "schema" in parameter.node:
                start = (*parameter.defined_at, "schema")
                for schema, at in iter_subschemas(spec, parameter.node["schema"], start):
                    yield schema, at, f"the {location} parameter {name!r}"


def _is_object_schema(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "object" in kinds:
        return True
    return kind is None and any(key in schema for key in ("properties", "patternProperties"))


@register
def check_closed_request_bodies(spec: Mapping[str, Any]) -> list[Problem]:
    """Request body objects reject unknown properties, unless marked `x-weakly-typed: true`.

    Run is not an open type: a request that names a property the schema does not know is a 400,
    so the schema must say so (`additionalProperties: false`, or `unevaluatedProperties: false`).
    """
    users: dict[Pointer, list[str]] = {}
    for operation in iter_operations(spec):
        for schema, at, what in iter_request_schemas(spec, operation, with_parameters=False):
            if not _is_object_schema(schema) or schema.get(WEAKLY_TYPED) is True:
                continue
            if schema.get("additionalProperties") is False:
                continue
            if schema.get("unevaluatedProperties") is False:
                continue
            label = f"{what} of {operation.label}"
            if label not in users.setdefault(at, []):
                users[at].append(label)
    return [
        Problem(
            at,
            f"the object schema {json_pointer(at)} allows unknown properties in "
            f"{'; '.join(labels)}: set `additionalProperties: false`, or mark a deliberately "
            f"open object `{WEAKLY_TYPED}: true`",
        )
        for at, labels in users.items()
    ]


@register
def check_request_enums_without_sentinel(spec: Mapping[str, Any]) -> list[Problem]:
    """No request enum offers `unknownFutureValue`: Graph's sentinel is never sent by a caller."""
    users: dict[Pointer, list[str]] = {}
    for operation in iter_operations(spec):
        for schema, at, what in iter_request_schemas(spec, operation, with_parameters=True):
            enum = schema.get("enum")
            if (isinstance(enum, list) and SENTINEL in enum) or schema.get("const") == SENTINEL:
                label = f"{what} of {operation.label}"
                if label not in users.setdefault(at, []):
                    users[at].append(label)
    return [
        Problem(
            at,
            f"the enum {json_pointer(at)} offers {SENTINEL!r} in {'; '.join(labels)}; "
            "a caller may not send the sentinel (use an input enum without it)",
        )
        for at, labels in users.items()
    ]
