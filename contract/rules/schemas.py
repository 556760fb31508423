"""Rules about schemas: closed request objects, no evolvable-enum sentinel to send, evolvable
enums described as open to every reader (`x-ms-enum`), and enum member names the client keeps
(`x-enum-varnames`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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
VARNAMES = "x-enum-varnames"
NOT_SCHEMAS = frozenset({"example", "examples", "const", "default", "enum"})
"""Keys whose values are data, not schemas: an `x-enum-varnames` inside one is no schema's."""


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


def _iter_nodes(node: Any, at: Pointer) -> Iterator[tuple[Mapping[str, Any], Pointer]]:
    """Every mapping of the document outside example data, each where it is written."""
    if isinstance(node, Mapping):
        yield node, at
        for key, value in node.items():
            if key not in NOT_SCHEMAS:
                yield from _iter_nodes(value, (*at, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _iter_nodes(value, (*at, str(index)))


def client_member_name(name: str) -> str:
    """The name openapi-python-client gives an enum member named `name`: by its own function,
    so the rule and the generator never disagree (imported here: it is slow to import)."""
    from openapi_python_client.strings import snake_case as generator_snake_case

    return generator_snake_case(name).upper()


def _names_from_values(enum: list[Any]) -> list[str]:
    """The member names the generator falls back to when it ignores `x-enum-varnames`."""
    names = []
    for index, value in enumerate(enum):
        if isinstance(value, str) and value[:1].isalpha():
            names.append(client_member_name(value.upper()))
        else:
            names.append(f"VALUE_{index}")
    return names


def _varname_problems(schema: Mapping[str, Any], at: Pointer) -> list[str]:
    enum, names = schema.get("enum"), schema.get(VARNAMES)
    if not isinstance(enum, list):
        return [f"`{VARNAMES}` names the members of an enum, but {json_pointer(at)} has no enum"]
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return [f"`{VARNAMES}` of {json_pointer(at)} must be a list of strings"]
    if len(names) != len(enum):
        fallback = ", ".join(_names_from_values(enum))
        return [
            f"`{VARNAMES}` of {json_pointer(at)} lists {len(names)} names for {len(enum)} "
            f"values: openapi-python-client ignores the list and names every member after its "
            f"value ({fallback}), renaming members client code uses; give one name per value, "
            "in the same order"
        ]
    problems = []
    for name in names:
        kept = client_member_name(name)
        if kept != name or not name.isidentifier():
            problems.append(
                f"`{VARNAMES}` of {json_pointer(at)}: {name!r} becomes {kept!r} in the client; "
                f"write it as it will be named (upper snake case)"
            )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        problems.append(
            f"`{VARNAMES}` of {json_pointer(at)} repeats {', '.join(repeated)}: "
            "openapi-python-client refuses an enum with two members of one name"
        )
    return problems


@register
def check_enum_varnames(spec: Mapping[str, Any]) -> list[Problem]:
    """`x-enum-varnames` lines up with its enum: one name per value, each already in the form the
    generator gives it. openapi-python-client silently ignores a list of another length and
    renames every member after its value (`COMPLETED_WITH_ERRORS` becomes
    `COMPLETEDWITHERRORS`), which breaks every program that used the names (issue 24)."""
    problems: list[Problem] = []
    for node, at in _iter_nodes(spec, ()):
        if VARNAMES in node:
            problems.extend(
                Problem((*at, VARNAMES), message) for message in _varname_problems(node, at)
            )
    return problems
