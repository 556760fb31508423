"""Rules about schemas: closed request objects, no evolvable-enum sentinel to send, and
evolvable enums described as open to every reader (`x-ms-enum`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contract.refs import Pointer, json_pointer
from contract.rules.registry import SENTINEL, WEAKLY_TYPED, Problem, register
from contract.rules.walk import (
    is_object_schema,
    iter_operations,
    iter_request_schemas,
    iter_subschemas,
)

MS_ENUM = "x-ms-enum"


@register
def check_closed_request_bodies(spec: Mapping[str, Any]) -> list[Problem]:
    """Request body objects reject unknown properties, unless marked `x-weakly-typed: true`.

    Run is not an open type: a request that names a property the schema does not know is a 400,
    so the schema must say so (`additionalProperties: false`, or `unevaluatedProperties: false`).
    """
    users: dict[Pointer, list[str]] = {}
    for operation in iter_operations(spec):
        for schema, at, what in iter_request_schemas(spec, operation, with_parameters=False):
            if not is_object_schema(schema) or schema.get(WEAKLY_TYPED) is True:
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


@register
def check_evolvable_enums_model_as_string(spec: Mapping[str, Any]) -> list[Problem]:
    """An enum with Graph's sentinel is evolvable (D5): its `x-ms-enum` says `modelAsString: true`,
    so AutoRest-style generators make it an open string type as the spec's `anyOf` does, and
    its `values` are the enum's members, in order, so both lists say the same thing."""
    components = spec.get("components")
    found = components.get("schemas") if isinstance(components, Mapping) else None
    problems = []
    seen: set[Pointer] = set()  # a schema reached through `$ref`s from several others
    for name, schema in found.items() if isinstance(found, Mapping) else ():
        for node, at in iter_subschemas(spec, schema, ("components", "schemas", str(name))):
            enum, described = node.get("enum"), node.get(MS_ENUM)
            if at in seen or not isinstance(enum, list) or SENTINEL not in enum:
                continue
            seen.add(at)
            if not isinstance(described, Mapping):
                continue
            if described.get("modelAsString") is not True:
                message = (
                    f"the evolvable enum {json_pointer(at)} (it lists {SENTINEL!r}) must say "
                    f"`{MS_ENUM}.modelAsString: true`: callers receive members they do not know"
                )
                problems.append(Problem((*at, MS_ENUM), message))
            values = described.get("values")
            if not isinstance(values, list):
                continue
            listed = [
                value.get("value") if isinstance(value, Mapping) else None for value in values
            ]
            if listed != enum:
                message = f"`{MS_ENUM}.values` of {json_pointer(at)} are not its enum members"
                problems.append(Problem((*at, MS_ENUM, "values"), message))
    return problems
