"""Comparing two schemas: types, nullability, values, bounds, patterns, properties, alternatives.

Whether a difference breaks depends on the direction: a request breaks when the schema accepts
fewer values than before, a response when it may hold more (`SCHEMA_LEVELS`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any, Final

from spec_diff.changes import Change, Spec, description_changes, fixed
from spec_diff.nodes import Node, SchemaContext, is_null, node, types
from spec_diff.resolve import MAX_DEPTH, as_list, as_mapping, resolved_mapping

# keyword, id stem, value assumed when the keyword is absent (oasdiff has no min-length-set)
_BOUNDS: Final = (
    ("maxLength", "max-length", None),
    ("minLength", "min-length", 0),
    ("maximum", "max", None),
    ("minimum", "min", None),
    ("maxItems", "max-items", None),
    ("minItems", "min-items", None),
    ("exclusiveMaximum", "exclusive-max", None),
    ("exclusiveMinimum", "exclusive-min", None),
    ("maxProperties", "max-properties", None),
    ("minProperties", "min-properties", 0),
)


def diff_schema(
    ctx: SchemaContext, base_raw: Any, rev_raw: Any, bptr: str, rptr: str
) -> Iterator[Change]:
    """Compare two schemas and, recursively, their properties, items and alternatives."""
    b = node(ctx.base, base_raw, bptr)
    r = node(ctx.rev, rev_raw, rptr)
    visit = (b.pointer, r.pointer)
    if visit in ctx.seen or len(ctx.seen) > MAX_DEPTH:
        return
    ctx = replace(ctx, seen=ctx.seen | {visit})
    wrapped = _wrapped(ctx, b, r)
    if wrapped is not None:
        yield from wrapped
        return
    yield from _nullable_changes(ctx, b, r)
    yield from _type_changes(ctx, b, r)
    yield from _enum_changes(ctx, b, r)
    yield from _const_changes(ctx, b, r)
    yield from _bound_changes(ctx, b, r)
    yield from _pattern_changes(ctx, b, r)
    yield from description_changes(ctx.where, b.schema, r.schema, r.pointer)
    yield from _additional_properties_changes(ctx, b, r)
    yield from _property_changes(ctx.inside(), b, r)
    yield from _items_changes(ctx.inside(), b, r)
    for key in ("oneOf", "anyOf"):
        yield from _variant_changes(ctx, b, r, key)


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else json.dumps(value, default=str)


def _key(value: Any) -> str:
    """A hashable stand-in for a JSON value, for set arithmetic on enums."""
    return json.dumps(value, sort_keys=True, default=str)


def _nullable_changes(ctx: SchemaContext, b: Node, r: Node) -> Iterator[Change]:
    if r.nullable and not b.nullable:
        yield ctx.change("became-nullable", r.pointer, "became nullable")
    elif b.nullable and not r.nullable:
        yield ctx.change("became-not-nullable", r.pointer, "no longer nullable")


def _type_changes(ctx: SchemaContext, b: Node, r: Node) -> Iterator[Change]:
    old, new = types(b.schema), types(r.schema)
    if not old or not new or old == new:
        return
    if old < new:
        suffix = "list-of-types-widened"
    elif new < old:
        suffix = "list-of-types-narrowed"
    elif old == {"integer"} and new == {"number"}:
        suffix = "type-generalized"
    else:
        suffix = "type-changed"
    text = f"type changed from {'/'.join(sorted(old))} to {'/'.join(sorted(new))}"
    yield ctx.change(suffix, r.pointer, text)


def _enum_changes(ctx: SchemaContext, b: Node, r: Node) -> Iterator[Change]:
    old = {_key(v): v for v in as_list(b.schema.get("enum")) if v is not None}
    new = {_key(v): v for v in as_list(r.schema.get("enum")) if v is not None}
    if not new:
        return
    if not old:
        yield ctx.change("became-enum", r.pointer, "values restricted to an enum")
        return
    for key in old.keys() - new.keys():
        yield ctx.change("enum-value-removed", r.pointer, f"enum value {_show(old[key])} removed")
    for key in new.keys() - old.keys():
        yield ctx.change("enum-value-added", r.pointer, f"enum value {_show(new[key])} added")


def _const_changes(ctx: SchemaContext, b: Node, r: Node) -> Iterator[Change]:
    had, has = "const" in b.schema, "const" in r.schema
    old, new = b.schema.get("const"), r.schema.get("const")
    if had and not has:
        yield ctx.change("const-removed", r.pointer, f"const {_show(old)} removed")
    elif has and not had:
        yield ctx.change("const-added", r.pointer, f"const {_show(new)} added")
    elif had and _key(old) != _key(new):
        text = f"const changed from {_show(old)} to {_show(new)}"
        yield ctx.change("const-changed", r.pointer, text)


def _bound_changes(ctx: SchemaContext, b: Node, r: Node) -> Iterator[Change]:
    for keyword, stem, default in _BOUNDS:
        old, new = b.schema.get(keyword, default), r.schema.get(keyword, default)
        if old == new or isinstance(old, bool) or isinstance(new, bool):
            continue
        if old is None:
            suffix = f"{stem}-set"
        elif new is None:
            suffix = f"{stem}-unset"
        elif not isinstance(old, int | float) or not isinstance(new, int | float):
            continue
        else:
            suffix = f"{stem}-{'increased' if new > old else 'decreased'}"
        text = f"{keyword} changed from {_show(old)} to {_show(new)}"
        yield ctx.change(suffix, r.pointer, text)


def _pattern_changes(ctx: SchemaContext, b: Node, r: Node) -> Iterator[Change]:
    old, new = b.schema.get("pattern"), r.schema.get("pattern")
    if old == new:
        return
    if old is None:
        yield ctx.change("pattern-added", r.pointer, f"pattern {_show(new)} added")
    elif new is None:
        yield ctx.change("pattern-removed", r.pointer, f"pattern {_show(old)} removed")
    else:
        text = f"pattern changed from {_show(old)} to {_show(new)}"
        yield ctx.change("pattern-changed", r.pointer, text)


def _additional_properties_changes(ctx: SchemaContext, b: Node, r: Node) -> Iterator[Change]:
    """``additionalProperties``: closed to ``false``, opened from it, or its schema changed."""
    named = types(b.schema) | types(r.schema)
    if named and "object" not in named:
        return  # the keyword constrains objects only
    old, new = b.schema.get("additionalProperties"), r.schema.get("additionalProperties")
    if new is False and old is not False:
        text = "additionalProperties became false: unknown properties are refused"
        yield ctx.change("additional-properties-closed", r.pointer, text)
    elif old is False and new is not False:
        text = "additionalProperties no longer false: unknown properties are allowed"
        yield ctx.change("additional-properties-opened", r.pointer, text)
    elif isinstance(old, Mapping) and isinstance(new, Mapping):
        bptr, rptr = f"{b.pointer}/additionalProperties", f"{r.pointer}/additionalProperties"
        yield from diff_schema(ctx.inside(), old, new, bptr, rptr)


def _visible(ctx: SchemaContext, schema: Any, doc: Spec) -> bool:
    """Whether a property travels in this direction: readOnly ones are never sent, and so on."""
    hidden = "readOnly" if ctx.direction == "request" else "writeOnly"
    return resolved_mapping(doc, schema).get(hidden) is not True


def _property_changes(ctx: SchemaContext, b: Node, r: Node) -> Iterator[Change]:
    old = {n: v for n, v in b.props.items() if _visible(ctx, v[0], ctx.base)}
    new = {n: v for n, v in r.props.items() if _visible(ctx, v[0], ctx.rev)}
    for name in old.keys() - new.keys():
        yield _property_removed(ctx, name, name in b.required, old[name][1])
    for name in new.keys() - old.keys():
        yield _property_added(ctx, name, name in r.required, new[name][1])
    for name in sorted(old.keys() & new.keys()):
        (bsub, bptr), (rsub, rptr) = old[name], new[name]
        yield from _requiredness_change(ctx, name, name in b.required, name in r.required, rptr)
        yield from diff_schema(ctx, bsub, rsub, bptr, rptr)


def _property_removed(ctx: SchemaContext, name: str, required: bool, pointer: str) -> Change:
    if ctx.direction == "request":
        rule = "request-property-removed"
    else:
        rule = f"response-{'required' if required else 'optional'}-property-removed"
    return fixed(rule, ctx.where, pointer, f"property '{name}' removed")


def _property_added(ctx: SchemaContext, name: str, required: bool, pointer: str) -> Change:
    kind = "required" if required else "optional"
    if ctx.direction == "request":
        rule = f"new-{kind}-request-property"
    else:
        rule = f"response-{kind}-property-added"
    return fixed(rule, ctx.where, pointer, f"{kind} property '{name}' added")


def _requiredness_change(
    ctx: SchemaContext, name: str, was: bool, now: bool, pointer: str
) -> Iterator[Change]:
    if was == now:
        return
    state = "required" if now else "optional"
    rule = f"{ctx.direction}-property-became-{state}"
    yield fixed(rule, ctx.where, pointer, f"property '{name}' became {state}")


def _items_changes(ctx: SchemaContext, b: Node, r: Node) -> Iterator[Change]:
    old, new = b.schema.get("items"), r.schema.get("items")
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        yield from diff_schema(ctx, old, new, f"{b.pointer}/items", f"{r.pointer}/items")


def _variants(doc: Spec, schema: Mapping[str, Any], key: str, pointer: str) -> dict[str, Any]:
    """Non-null oneOf/anyOf members keyed by the schema they reference, else by position."""
    found: dict[str, Any] = {}
    for index, member in enumerate(as_list(schema.get(key))):
        if is_null(doc, member):
            continue
        ref = as_mapping(member).get("$ref")
        name = ref if isinstance(ref, str) else f"#{index}"
        found[name] = (member, f"{pointer}/{key}/{index}")
    return found


def _wrapped(ctx: SchemaContext, b: Node, r: Node) -> Iterator[Change] | None:
    """A schema that became one alternative of a oneOf/anyOf, or stopped being one.

    Compared with that alternative, the other alternatives named as added (or removed): the values
    the schema accepted are still accepted, which comparing it with the wrapper's (absent)
    properties would report as every property removed. None when neither side is such a wrapper.
    """
    for key in ("oneOf", "anyOf"):
        stem = "one-of" if key == "oneOf" else "any-of"
        if key in r.schema and key not in b.schema:
            members, plain, suffix, spec = (
                _variants(ctx.rev, r.schema, key, r.pointer),
                b,
                "added",
                ctx.rev,
            )
        elif key in b.schema and key not in r.schema:
            members, plain, suffix, spec = (
                _variants(ctx.base, b.schema, key, b.pointer),
                r,
                "removed",
                ctx.base,
            )
        else:
            continue
        same = next(
            (
                name
                for name, (member, pointer) in members.items()
                if node(spec, member, pointer).pointer == plain.pointer
            ),
            None,
        )
        if same is None:
            continue
        member, pointer = members[same]
        changes = [
            ctx.change(f"{stem}-{suffix}", r.pointer, f"{key} member {name} {suffix}")
            for name in sorted(members.keys() - {same})
        ]
        changes += description_changes(ctx.where, b.schema, r.schema, r.pointer)
        changes += _nullable_changes(ctx, b, r)
        if suffix == "added":
            inner = diff_schema(ctx, plain.schema, member, plain.pointer, pointer)
        else:
            inner = diff_schema(ctx, member, plain.schema, pointer, plain.pointer)
        return iter([*changes, *inner])
    return None


def _variant_changes(ctx: SchemaContext, b: Node, r: Node, key: str) -> Iterator[Change]:
    old = _variants(ctx.base, b.schema, key, b.pointer)
    new = _variants(ctx.rev, r.schema, key, r.pointer)
    stem = "one-of" if key == "oneOf" else "any-of"
    for name in old.keys() - new.keys():
        yield ctx.change(f"{stem}-removed", r.pointer, f"{key} member {name} removed")
    for name in new.keys() - old.keys():
        yield ctx.change(f"{stem}-added", r.pointer, f"{key} member {name} added")
    for name in sorted(old.keys() & new.keys()):
        (bsub, bptr), (rsub, rptr) = old[name], new[name]
        yield from diff_schema(ctx, bsub, rsub, bptr, rptr)
