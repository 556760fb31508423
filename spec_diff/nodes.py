"""Schemas made comparable, and the context a comparison of two of them happens in.

Two schemas that accept the same values can be written differently: behind a ``$ref``, as
``anyOf: [X, {type: 'null'}]`` instead of ``type: [x, 'null']``, or split over ``allOf``. A `Node`
folds those spellings away, so that only real differences are reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from contract.refs import escape
from spec_diff.changes import Change, Direction, Spec, schema_change
from spec_diff.resolve import MAX_DEPTH, as_list, as_mapping, resolve


@dataclass(frozen=True)
class Node:
    """A schema made comparable: refs resolved, ``null`` alternatives and allOf folded in."""

    schema: Mapping[str, Any]
    pointer: str
    nullable: bool
    props: Mapping[str, tuple[Any, str]]
    """Each property's raw schema and the pointer where it is defined."""
    required: frozenset[str]


@dataclass(frozen=True)
class SchemaContext:
    """Where a schema comparison happens, which decides rule ids and levels."""

    base: Spec
    rev: Spec
    where: str
    direction: Direction
    prefix: str
    """The rule id prefix for this schema, such as ``request-body``."""
    nested: str
    """The prefix for the schemas inside it, such as ``request-property``."""
    seen: frozenset[tuple[str, str]] = frozenset()
    """Pairs of pointers already compared on the way here, so that recursive schemas end."""

    def change(self, suffix: str, pointer: str, text: str) -> Change:
        """A schema-level change named by this context's prefix."""
        return schema_change(self.prefix, suffix, self.where, pointer, text)

    def inside(self) -> SchemaContext:
        """The context of the properties and items of this schema."""
        return replace(self, prefix=self.nested)


def types(schema: Mapping[str, Any]) -> frozenset[str]:
    """The non-null types a schema names, from ``type: x`` or ``type: [x, y]``."""
    raw = schema.get("type")
    names = [raw] if isinstance(raw, str) else [t for t in as_list(raw) if isinstance(t, str)]
    return frozenset(names) - {"null"}


def is_null(doc: Spec, schema: Any) -> bool:
    """Whether a schema accepts ``null`` alone: the null member of a nullable anyOf/oneOf."""
    resolved, _ = resolve(doc, schema, "")
    if not isinstance(resolved, Mapping):
        return False
    raw = resolved.get("type")
    return raw == "null" or raw == ["null"] or ("const" in resolved and resolved["const"] is None)


def _declares_null(schema: Mapping[str, Any]) -> bool:
    raw = schema.get("type")
    return (
        (isinstance(raw, list) and "null" in raw)
        or schema.get("nullable") is True
        or None in as_list(schema.get("enum"))
    )


def node(doc: Spec, raw: Any, pointer: str, depth: int = 0) -> Node:
    """Normalise a schema: ``anyOf: [X, {type: 'null'}]`` becomes X marked nullable."""
    schema, pointer = resolve(doc, raw, pointer)
    schema = as_mapping(schema)
    nullable = _declares_null(schema)
    for key in ("anyOf", "oneOf"):
        members = as_list(schema.get(key))
        others = [(i, m) for i, m in enumerate(members) if not is_null(doc, m)]
        if len(others) == len(members):
            continue
        nullable = True
        if len(others) == 1 and depth < MAX_DEPTH:
            index, member = others[0]
            inner = node(doc, member, f"{pointer}/{key}/{index}", depth + 1)
            outer = {k: v for k, v in schema.items() if k != key}
            return replace(inner, schema={**inner.schema, **outer}, nullable=True)
    merged, props, required = _fold_all_of(doc, schema, pointer, depth)
    return Node(merged, pointer, nullable, props, frozenset(required))


def _fold_all_of(
    doc: Spec, schema: Mapping[str, Any], pointer: str, depth: int
) -> tuple[dict[str, Any], dict[str, tuple[Any, str]], set[str]]:
    """Merge allOf members into one schema; each property keeps the pointer where it is defined."""
    merged = {key: value for key, value in schema.items() if key != "allOf"}
    props = {
        name: (sub, f"{pointer}/properties/{escape(name)}")
        for name, sub in as_mapping(schema.get("properties")).items()
    }
    required = {name for name in as_list(schema.get("required")) if isinstance(name, str)}
    for index, member in enumerate(as_list(schema.get("allOf"))):
        inner, inner_pointer = resolve(doc, member, f"{pointer}/allOf/{index}")
        if not isinstance(inner, Mapping) or depth >= MAX_DEPTH:
            continue
        inner_merged, inner_props, inner_required = _fold_all_of(
            doc, inner, inner_pointer, depth + 1
        )
        for key, value in inner_merged.items():
            merged.setdefault(key, value)
        for name, value in inner_props.items():
            props.setdefault(name, value)
        required |= inner_required
    return merged, props, required
