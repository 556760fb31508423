"""Schemas of the loaded document with their local `$ref`s replaced by what they point to.

jsonschema follows a `$ref` through its registry on every validation, and that costs more than
checking the value itself: a path parameter behind two `$ref`s takes about 45 µs to check, the
same schema inlined about 5 µs. The document does not change once loaded, so each validator is
built once from a copy of its schema with the references inlined. Outcomes and messages stay
the same: a `$ref` with only annotations beside it becomes its target, one with checks beside it
becomes `allOf` of both, which is what a `$ref` with siblings means in JSON Schema 2020-12.
A schema that cannot be inlined (a recursive schema, a remote or dangling reference, `$id` or
dynamic references) raises `NotInlinableError`, and the caller keeps the registry-backed
validator. Each `$ref` is followed by the kit's one resolver, `contract.refs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from contract.refs import Pointer, UnresolvableRefError, follow, json_pointer, lookup

# Keywords whose value is a schema, a list of schemas, or a map of names to schemas; every other
# keyword's value is data (enum, const, examples, ...) and is copied as it is.
ONE_SCHEMA = frozenset(
    {
        "items",
        "additionalItems",
        "additionalProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas", "$defs"})
# Beside a `$ref`, these change no outcome.
ANNOTATIONS = frozenset(
    {
        "description",
        "title",
        "examples",
        "example",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$comment",
        "externalDocs",
        "xml",
        "discriminator",
    }
)
UNSUPPORTED = frozenset({"$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef"})


class NotInlinableError(ValueError):
    """The schema needs the registry: it cannot be written without references."""


def inlined(document: Mapping[str, Any], pointer: Iterable[str]) -> Any:
    """The schema at `pointer` in `document`, with every local `$ref` inlined."""
    at = tuple(pointer)
    try:
        schema = lookup(document, at)
    except UnresolvableRefError:
        raise NotInlinableError(f"nothing at {json_pointer(at)}") from None
    return _schema(document, schema, (at,))


def _schema(document: Mapping[str, Any], node: Any, chain: tuple[Pointer, ...]) -> Any:
    """`node` inlined; `chain` holds the places of the schemas it is nested in, via `$ref`s."""
    if not isinstance(node, dict):
        return node  # true, false
    if UNSUPPORTED & node.keys():
        raise NotInlinableError(f"uses {sorted(UNSUPPORTED & node.keys())}")
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref":
            continue
        if key in ONE_SCHEMA:
            out[key] = _schema(document, value, chain)
        elif key in SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_schema(document, item, chain) for item in value]
        elif key in SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _schema(document, item, chain) for name, item in value.items()}
        else:
            out[key] = value
    ref = node.get("$ref")
    if ref is None:
        return out
    if not isinstance(ref, str):
        raise NotInlinableError(f"not a local reference: {ref!r}")
    try:
        target, target_at = follow(document, ref)
    except UnresolvableRefError as error:
        raise NotInlinableError(str(error)) from None
    if target_at in chain:
        raise NotInlinableError(f"{ref} refers to itself")
    target = _schema(document, target, (*chain, target_at))
    if all(key in ANNOTATIONS or key.startswith("x-") for key in out):
        return target
    return {**out, "allOf": [*out.get("allOf", []), target]}
