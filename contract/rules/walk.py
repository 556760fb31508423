"""Walking the spec as the rules see it: operations, responses, parameters and every
subschema, each with the pointer where it is used and where it is defined."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from contract.refs import Pointer, render_pointer, resolve
from contract.rules.registry import HTTP_METHODS


@dataclass(frozen=True)
class OperationSite:
    """One operation with the path item it belongs to."""

    template: str
    method: str
    node: Mapping[str, Any]
    path_item: Mapping[str, Any]
    pointer: Pointer

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"


def iter_operations(spec: Mapping[str, Any]) -> Iterator[OperationSite]:
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
                yield OperationSite(str(template), method, node, item, (*item_at, method))


def iter_responses(
    spec: Mapping[str, Any], operation: OperationSite
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


def via(used_at: Pointer, defined_at: Pointer) -> str:
    return "" if used_at == defined_at else f" (defined at {render_pointer(defined_at)})"


def header_names(response: Mapping[str, Any]) -> set[str]:
    headers = response.get("headers")
    return {str(name).lower() for name in headers} if isinstance(headers, Mapping) else set()


@dataclass(frozen=True)
class ParameterSite:
    """A parameter of an operation: where it is listed and where it is defined."""

    node: Mapping[str, Any]
    used_at: Pointer
    defined_at: Pointer


def effective_parameters(
    spec: Mapping[str, Any], operation: OperationSite
) -> dict[tuple[str, str], ParameterSite]:
    """(name, in) -> each parameter; an operation's own override those of its path item."""
    found: dict[tuple[str, str], ParameterSite] = {}
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
                found[key] = ParameterSite(node, used_at, defined_at)
    return found


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
    spec: Mapping[str, Any], operation: OperationSite, *, with_parameters: bool
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
        for (name, location), parameter in effective_parameters(spec, operation).items():
            if "schema" in parameter.node:
                start = (*parameter.defined_at, "schema")
                for schema, at in iter_subschemas(spec, parameter.node["schema"], start):
                    yield schema, at, f"the {location} parameter {name!r}"


def is_object_schema(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "object" in kinds:
        return True
    return kind is None and any(key in schema for key in ("properties", "patternProperties"))
