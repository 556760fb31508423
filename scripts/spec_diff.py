"""Classify the differences between two OpenAPI 3.1 documents as breaking or not.

oasdiff (the Go tool) cannot be installed here, so the kit implements the checks it needs itself,
but names every kind of change with oasdiff's rule id, so that a report reads the same as oasdiff's
and the gate can later be swapped for oasdiff without relearning the vocabulary. The ids were
checked against oasdiff's checker sources (``checker/rules.go`` and the ``*Id`` constants of
``checker/check_*.go``, oasdiff/oasdiff at commit 4553c69d). oasdiff's levels map to ours as
ERR and WARN -> breaking (``oasdiff breaking`` reports both), INFO -> non-breaking.

Where oasdiff has no rule for a kind of change, the id starts with ``local-``.

Everything here is a pure function of two already-loaded documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final, Literal
from urllib.parse import unquote

Level = Literal["breaking", "non-breaking"]
Direction = Literal["request", "response"]
Spec = Mapping[str, Any]

BREAKING: Final[Level] = "breaking"
NON_BREAKING: Final[Level] = "non-breaking"
B, N = BREAKING, NON_BREAKING
LOCAL: Final = "local-"
"""Prefix of the project-local rule ids: kinds of change that oasdiff has no rule for."""

METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_MAX_DEPTH: Final = 64


@dataclass(frozen=True)
class Change:
    """One classified difference: an oasdiff rule id, its level, and where it happened."""

    rule: str
    level: Level
    where: str
    """``METHOD /path`` of the operation, or ``global security`` / ``components``."""
    message: str
    """Starts with the JSON pointer of the place that changed."""


# The rule ids this module emits with a fixed level. All but the ``local-`` ones are oasdiff's.
RULES: Final[Mapping[str, Level]] = {
    # paths and operations
    "endpoint-added": N,
    "endpoint-deprecated": N,
    "endpoint-reactivated": N,
    "api-removed-without-deprecation": B,
    "api-removed-with-deprecation": N,
    "api-path-removed-without-deprecation": B,
    "api-path-removed-with-deprecation": N,
    # parameters
    "request-parameter-removed": B,  # oasdiff WARN
    "new-required-request-parameter": B,
    "new-optional-request-parameter": N,
    "new-request-path-parameter": B,
    "request-parameter-became-required": B,
    "request-parameter-became-optional": N,
    # request bodies
    "request-body-added-required": B,
    "request-body-added-optional": N,
    "request-body-removed": B,
    "request-body-became-required": B,
    "request-body-became-optional": N,
    "request-body-media-type-added": N,
    "request-body-media-type-removed": B,
    # responses
    "response-success-status-removed": B,
    "response-success-status-added": N,
    "response-non-success-status-removed": N,
    "response-non-success-status-added": N,
    "response-media-type-removed": B,
    "response-media-type-added": N,
    "required-response-header-removed": B,
    "optional-response-header-removed": B,  # oasdiff WARN
    "response-header-added": N,
    "response-header-became-optional": B,
    "local-response-header-became-required": N,  # oasdiff has no rule for it
    # object properties
    "new-required-request-property": B,
    "new-optional-request-property": N,
    "request-property-removed": B,  # oasdiff WARN
    "request-property-became-required": B,
    "request-property-became-optional": N,
    "response-required-property-added": N,
    "response-optional-property-added": N,
    "response-required-property-removed": B,
    "response-optional-property-removed": B,  # oasdiff WARN
    "response-property-became-optional": B,
    "response-property-became-required": N,
    # security. oasdiff rates every security change INFO; the kit rates an added scope breaking,
    # since a token that was enough before is then refused.
    "api-security-added": N,
    "api-security-removed": N,
    "api-security-scope-added": B,
    "api-security-scope-removed": N,
    "api-global-security-added": N,
    "api-global-security-removed": N,
    "api-global-security-scope-added": B,
    "api-global-security-scope-removed": N,
    # components, documentation
    "api-schema-removed": N,
    "local-description-changed": N,  # oasdiff's checker has no rule for text changes
}

# Schema-level kinds of change: suffix -> (level in a request, level in a response). A request
# breaks when the schema accepts fewer values; a response breaks when it may hold more.
SCHEMA_LEVELS: Final[Mapping[str, tuple[Level, Level]]] = {
    "enum-value-removed": (B, N),
    "enum-value-added": (N, B),
    "became-enum": (B, N),
    "max-length-decreased": (B, N),
    "max-length-increased": (N, B),
    "max-length-set": (B, N),
    "max-length-unset": (N, B),
    "min-length-increased": (B, N),
    "min-length-decreased": (N, B),
    "max-decreased": (B, N),
    "max-increased": (N, B),
    "max-set": (B, N),
    "max-unset": (N, B),
    "min-increased": (B, N),
    "min-decreased": (N, B),
    "min-set": (B, N),
    "min-unset": (N, B),
    "max-items-decreased": (B, N),
    "max-items-increased": (N, B),
    "max-items-set": (B, N),
    "max-items-unset": (N, B),
    "min-items-increased": (B, N),
    "min-items-decreased": (N, B),
    "min-items-set": (B, N),
    "min-items-unset": (N, B),
    "pattern-added": (B, N),
    "pattern-changed": (B, N),
    "pattern-removed": (N, N),
    "type-changed": (B, B),
    "type-generalized": (N, B),
    "list-of-types-widened": (N, B),
    "list-of-types-narrowed": (B, N),
    "became-nullable": (N, B),
    "became-not-nullable": (B, N),
    "one-of-added": (N, B),
    "one-of-removed": (B, N),
    "any-of-added": (N, N),
    "any-of-removed": (B, N),
}

# The prefixes a schema-level suffix is joined to, by where the schema sits.
SCHEMA_PREFIXES: Final[Mapping[str, Direction]] = {
    "request-body": "request",
    "request-property": "request",
    "request-parameter": "request",
    "request-parameter-property": "request",
    "response-body": "response",
    "response-property": "response",
    "response-header": "response",
}

# oasdiff's ids for prefix + schema suffix; any other combination gets a ``local-`` id.
OASDIFF_SCHEMA_RULES: Final = frozenset(
    f"{prefix}-{suffix}"
    for prefix, suffixes in {
        "request-body": "enum-value-removed became-enum max-length-decreased max-length-increased"
        " max-length-set min-length-increased min-length-decreased max-decreased max-increased"
        " max-set min-increased min-decreased min-set min-items-increased min-items-set"
        " type-changed type-generalized list-of-types-widened list-of-types-narrowed"
        " became-nullable became-not-nullable one-of-added one-of-removed any-of-added"
        " any-of-removed",
        "request-property": "enum-value-removed enum-value-added became-enum max-length-decreased"
        " max-length-increased max-length-set min-length-increased min-length-decreased"
        " max-decreased max-increased max-set min-increased min-decreased min-set"
        " min-items-increased min-items-set pattern-added pattern-changed pattern-removed"
        " type-changed type-generalized list-of-types-widened list-of-types-narrowed"
        " became-nullable became-not-nullable one-of-added one-of-removed any-of-added"
        " any-of-removed",
        "request-parameter": "enum-value-removed enum-value-added became-enum"
        " max-length-decreased max-length-increased max-length-set min-length-increased"
        " min-length-decreased max-decreased max-increased max-set min-increased min-decreased"
        " min-set max-items-decreased max-items-increased min-items-increased"
        " min-items-decreased min-items-set pattern-added pattern-changed pattern-removed"
        " type-changed type-generalized list-of-types-widened list-of-types-narrowed"
        " became-nullable became-not-nullable",
        "request-parameter-property": "enum-value-removed enum-value-added type-changed"
        " type-generalized list-of-types-widened list-of-types-narrowed became-nullable"
        " became-not-nullable",
        "response-body": "max-length-increased max-length-unset min-length-decreased"
        " max-increased min-decreased min-items-decreased min-items-unset type-changed"
        " type-generalized list-of-types-widened list-of-types-narrowed became-nullable"
        " became-not-nullable one-of-added one-of-removed any-of-added any-of-removed",
        "response-property": "enum-value-removed enum-value-added max-length-increased"
        " max-length-unset min-length-decreased max-increased min-decreased min-items-decreased"
        " min-items-unset pattern-added pattern-changed pattern-removed type-changed"
        " type-generalized list-of-types-widened list-of-types-narrowed became-nullable"
        " became-not-nullable one-of-added one-of-removed any-of-added any-of-removed",
        "response-header": "type-changed type-generalized became-nullable became-not-nullable",
    }.items()
    for suffix in suffixes.split()
)

# keyword, id stem, value assumed when the keyword is absent (oasdiff has no min-length-set)
_BOUNDS: Final = (
    ("maxLength", "max-length", None),
    ("minLength", "min-length", 0),
    ("maximum", "max", None),
    ("minimum", "min", None),
    ("maxItems", "max-items", None),
    ("minItems", "min-items", None),
)


def diff_specs(base: Spec, revision: Spec) -> list[Change]:
    """Every classified difference from ``base`` to ``revision``, breaking ones first.

    A component shared by several responses of one operation is reported once for it.
    """
    changes = dict.fromkeys(
        [
            *_path_changes(base, revision),
            *_global_security_changes(base, revision),
            *_component_changes(base, revision),
        ]
    )
    return sorted(changes, key=lambda change: change.level != BREAKING)


def has_breaking(changes: list[Change]) -> bool:
    """Whether any change would break an existing client."""
    return any(change.level == BREAKING for change in changes)


# --- JSON helpers -------------------------------------------------------------------------------


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _esc(token: object) -> str:
    """Escape one JSON pointer token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def _lookup(doc: Spec, pointer: str) -> Any:
    """The value at a JSON pointer, or None when nothing is there."""
    node: Any = doc
    for raw in pointer.split("/")[1:]:
        token = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _resolve(doc: Spec, node: Any, pointer: str) -> tuple[Any, str]:
    """Follow local ``$ref``s, so that a change is reported where it was made.

    OpenAPI 3.1 allows keywords next to ``$ref``; they are laid over the target.
    """
    for _ in range(_MAX_DEPTH):
        ref = node.get("$ref") if isinstance(node, Mapping) else None
        if not isinstance(ref, str) or not ref.startswith("#/"):
            break
        target = _lookup(doc, ref[1:])
        if target is None:
            break
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        node = {**target, **siblings} if siblings and isinstance(target, Mapping) else target
        pointer = unquote(ref[1:])
    return node, pointer


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else json.dumps(value, default=str)


def _key(value: Any) -> str:
    """A hashable stand-in for a JSON value, for set arithmetic on enums."""
    return json.dumps(value, sort_keys=True, default=str)


# --- schemas ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """A schema made comparable: refs resolved, ``null`` alternatives and allOf folded in."""

    schema: Mapping[str, Any]
    pointer: str
    nullable: bool
    props: Mapping[str, tuple[Any, str]]
    required: frozenset[str]


@dataclass(frozen=True)
class _Ctx:
    """Where a schema comparison happens, which decides rule ids and levels."""

    base: Spec
    rev: Spec
    where: str
    direction: Direction
    prefix: str
    nested: str
    seen: frozenset[tuple[str, str]] = frozenset()


def _types(schema: Mapping[str, Any]) -> frozenset[str]:
    raw = schema.get("type")
    names = [raw] if isinstance(raw, str) else [t for t in _list(raw) if isinstance(t, str)]
    return frozenset(names) - {"null"}


def _is_null(doc: Spec, schema: Any) -> bool:
    resolved, _ = _resolve(doc, schema, "")
    if not isinstance(resolved, Mapping):
        return False
    raw = resolved.get("type")
    return raw == "null" or raw == ["null"] or ("const" in resolved and resolved["const"] is None)


def _declares_null(schema: Mapping[str, Any]) -> bool:
    raw = schema.get("type")
    return (
        (isinstance(raw, list) and "null" in raw)
        or schema.get("nullable") is True
        or None in _list(schema.get("enum"))
    )


def _node(doc: Spec, raw: Any, pointer: str, depth: int = 0) -> _Node:
    """Normalise a schema: ``anyOf: [X, {type: 'null'}]`` becomes X marked nullable."""
    schema, pointer = _resolve(doc, raw, pointer)
    schema = _mapping(schema)
    nullable = _declares_null(schema)
    for key in ("anyOf", "oneOf"):
        members = _list(schema.get(key))
        others = [(i, m) for i, m in enumerate(members) if not _is_null(doc, m)]
        if len(others) == len(members):
            continue
        nullable = True
        if len(others) == 1 and depth < _MAX_DEPTH:
            index, member = others[0]
            inner = _node(doc, member, f"{pointer}/{key}/{index}", depth + 1)
            outer = {k: v for k, v in schema.items() if k != key}
            return replace(inner, schema={**inner.schema, **outer}, nullable=True)
    merged, props, required = _fold_all_of(doc, schema, pointer, depth)
    return _Node(merged, pointer, nullable, props, frozenset(required))


def _fold_all_of(
    doc: Spec, schema: Mapping[str, Any], pointer: str, depth: int
) -> tuple[dict[str, Any], dict[str, tuple[Any, str]], set[str]]:
    """Merge allOf members into one schema; each property keeps the pointer where it is defined."""
    merged = {key: value for key, value in schema.items() if key != "allOf"}
    props = {
        name: (sub, f"{pointer}/properties/{_esc(name)}")
        for name, sub in _mapping(schema.get("properties")).items()
    }
    required = {name for name in _list(schema.get("required")) if isinstance(name, str)}
    for index, member in enumerate(_list(schema.get("allOf"))):
        inner, inner_pointer = _resolve(doc, member, f"{pointer}/allOf/{index}")
        if not isinstance(inner, Mapping) or depth >= _MAX_DEPTH:
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


def _schema_change(ctx: _Ctx, suffix: str, pointer: str, text: str) -> Change:
    request_level, response_level = SCHEMA_LEVELS[suffix]
    level = request_level if ctx.direction == "request" else response_level
    rule = f"{ctx.prefix}-{suffix}"
    if rule not in OASDIFF_SCHEMA_RULES:
        rule = LOCAL + rule
    return Change(rule, level, ctx.where, f"{pointer}: {text}")


def _fixed(rule: str, where: str, pointer: str, text: str) -> Change:
    return Change(rule, RULES[rule], where, f"{pointer}: {text}")


def _diff_schema(ctx: _Ctx, base_raw: Any, rev_raw: Any, bptr: str, rptr: str) -> Iterator[Change]:
    """Compare two schemas and, recursively, their properties, items and alternatives."""
    b = _node(ctx.base, base_raw, bptr)
    r = _node(ctx.rev, rev_raw, rptr)
    visit = (b.pointer, r.pointer)
    if visit in ctx.seen or len(ctx.seen) > _MAX_DEPTH:
        return
    ctx = replace(ctx, seen=ctx.seen | {visit})
    yield from _nullable_changes(ctx, b, r)
    yield from _type_changes(ctx, b, r)
    yield from _enum_changes(ctx, b, r)
    yield from _bound_changes(ctx, b, r)
    yield from _pattern_changes(ctx, b, r)
    yield from _description_change(ctx.where, b.schema, r.schema, r.pointer)
    nested = replace(ctx, prefix=ctx.nested)
    yield from _property_changes(nested, b, r)
    yield from _items_changes(nested, b, r)
    for key in ("oneOf", "anyOf"):
        yield from _variant_changes(ctx, b, r, key)


def _nullable_changes(ctx: _Ctx, b: _Node, r: _Node) -> Iterator[Change]:
    if r.nullable and not b.nullable:
        yield _schema_change(ctx, "became-nullable", r.pointer, "became nullable")
    elif b.nullable and not r.nullable:
        yield _schema_change(ctx, "became-not-nullable", r.pointer, "no longer nullable")


def _type_changes(ctx: _Ctx, b: _Node, r: _Node) -> Iterator[Change]:
    old, new = _types(b.schema), _types(r.schema)
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
    yield _schema_change(ctx, suffix, r.pointer, text)


def _enum_changes(ctx: _Ctx, b: _Node, r: _Node) -> Iterator[Change]:
    old = {_key(v): v for v in _list(b.schema.get("enum")) if v is not None}
    new = {_key(v): v for v in _list(r.schema.get("enum")) if v is not None}
    if not new:
        return
    if not old:
        yield _schema_change(ctx, "became-enum", r.pointer, "values restricted to an enum")
        return
    for key in old.keys() - new.keys():
        text = f"enum value {_show(old[key])} removed"
        yield _schema_change(ctx, "enum-value-removed", r.pointer, text)
    for key in new.keys() - old.keys():
        yield _schema_change(
            ctx, "enum-value-added", r.pointer, f"enum value {_show(new[key])} added"
        )


def _bound_changes(ctx: _Ctx, b: _Node, r: _Node) -> Iterator[Change]:
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
        yield _schema_change(ctx, suffix, r.pointer, text)


def _pattern_changes(ctx: _Ctx, b: _Node, r: _Node) -> Iterator[Change]:
    old, new = b.schema.get("pattern"), r.schema.get("pattern")
    if old == new:
        return
    if old is None:
        yield _schema_change(ctx, "pattern-added", r.pointer, f"pattern {_show(new)} added")
    elif new is None:
        yield _schema_change(ctx, "pattern-removed", r.pointer, f"pattern {_show(old)} removed")
    else:
        text = f"pattern changed from {_show(old)} to {_show(new)}"
        yield _schema_change(ctx, "pattern-changed", r.pointer, text)


def _description_change(
    where: str, base: Mapping[str, Any], rev: Mapping[str, Any], pointer: str
) -> Iterator[Change]:
    for key in ("summary", "description"):
        if base.get(key) != rev.get(key):
            yield _fixed("local-description-changed", where, pointer, f"{key} changed")


def _visible(ctx: _Ctx, schema: Any, doc: Spec) -> bool:
    """Whether a property travels in this direction: readOnly ones are never sent, and so on."""
    resolved = _mapping(_resolve(doc, schema, "")[0])
    hidden = "readOnly" if ctx.direction == "request" else "writeOnly"
    return resolved.get(hidden) is not True


def _property_changes(ctx: _Ctx, b: _Node, r: _Node) -> Iterator[Change]:
    old = {n: v for n, v in b.props.items() if _visible(ctx, v[0], ctx.base)}
    new = {n: v for n, v in r.props.items() if _visible(ctx, v[0], ctx.rev)}
    for name in old.keys() - new.keys():
        yield _property_removed(ctx, name, name in b.required, old[name][1])
    for name in new.keys() - old.keys():
        yield _property_added(ctx, name, name in r.required, new[name][1])
    for name in sorted(old.keys() & new.keys()):
        (bsub, bptr), (rsub, rptr) = old[name], new[name]
        yield from _requiredness_change(ctx, name, name in b.required, name in r.required, rptr)
        yield from _diff_schema(ctx, bsub, rsub, bptr, rptr)


def _property_removed(ctx: _Ctx, name: str, required: bool, pointer: str) -> Change:
    if ctx.direction == "request":
        rule = "request-property-removed"
    else:
        rule = f"response-{'required' if required else 'optional'}-property-removed"
    return _fixed(rule, ctx.where, pointer, f"property '{name}' removed")


def _property_added(ctx: _Ctx, name: str, required: bool, pointer: str) -> Change:
    kind = "required" if required else "optional"
    if ctx.direction == "request":
        rule = f"new-{kind}-request-property"
    else:
        rule = f"response-{kind}-property-added"
    return _fixed(rule, ctx.where, pointer, f"{kind} property '{name}' added")


def _requiredness_change(
    ctx: _Ctx, name: str, was: bool, now: bool, pointer: str
) -> Iterator[Change]:
    if was == now:
        return
    state = "required" if now else "optional"
    rule = f"{ctx.direction}-property-became-{state}"
    yield _fixed(rule, ctx.where, pointer, f"property '{name}' became {state}")


def _items_changes(ctx: _Ctx, b: _Node, r: _Node) -> Iterator[Change]:
    old, new = b.schema.get("items"), r.schema.get("items")
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        yield from _diff_schema(ctx, old, new, f"{b.pointer}/items", f"{r.pointer}/items")


def _variants(doc: Spec, schema: Mapping[str, Any], key: str, pointer: str) -> dict[str, Any]:
    """Non-null oneOf/anyOf members keyed by the schema they reference, else by position."""
    found: dict[str, Any] = {}
    for index, member in enumerate(_list(schema.get(key))):
        if _is_null(doc, member):
            continue
        ref = _mapping(member).get("$ref")
        name = ref if isinstance(ref, str) else f"#{index}"
        found[name] = (member, f"{pointer}/{key}/{index}")
    return found


def _variant_changes(ctx: _Ctx, b: _Node, r: _Node, key: str) -> Iterator[Change]:
    old = _variants(ctx.base, b.schema, key, b.pointer)
    new = _variants(ctx.rev, r.schema, key, r.pointer)
    stem = "one-of" if key == "oneOf" else "any-of"
    for name in old.keys() - new.keys():
        yield _schema_change(ctx, f"{stem}-removed", r.pointer, f"{key} member {name} removed")
    for name in new.keys() - old.keys():
        yield _schema_change(ctx, f"{stem}-added", r.pointer, f"{key} member {name} added")
    for name in sorted(old.keys() & new.keys()):
        (bsub, bptr), (rsub, rptr) = old[name], new[name]
        yield from _diff_schema(ctx, bsub, rsub, bptr, rptr)


# --- paths and operations -----------------------------------------------------------------------


def _path_key(path: str) -> str:
    """Paths match whatever their parameters are called, as in oasdiff."""
    return re.sub(r"\{[^}/]*\}", "{}", path)


def _paths(doc: Spec) -> dict[str, str]:
    return {_path_key(path): path for path in _mapping(doc.get("paths"))}


def _operations(doc: Spec, path: str) -> dict[str, Mapping[str, Any]]:
    item = _mapping(_resolve(doc, _mapping(doc.get("paths")).get(path), "")[0])
    return {m: _mapping(item[m]) for m in METHODS if isinstance(item.get(m), Mapping)}


def _path_changes(base: Spec, rev: Spec) -> Iterator[Change]:
    old, new = _paths(base), _paths(rev)
    for key, path in old.items():
        if key not in new:
            yield from _path_removed(base, path)
            continue
        yield from _operation_set_changes(base, rev, path, new[key])
    for key, path in new.items():
        if key not in old:
            for method in _operations(rev, path):
                yield _added_operation(method, path)


def _op_pointer(path: str, method: str) -> str:
    return f"/paths/{_esc(path)}/{method}"


def _where(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def _added_operation(method: str, path: str) -> Change:
    return _fixed("endpoint-added", _where(method, path), _op_pointer(path, method), "added")


def _path_removed(base: Spec, path: str) -> Iterator[Change]:
    for method, op in _operations(base, path).items():
        deprecated = op.get("deprecated") is True
        rule = f"api-path-removed-with{'' if deprecated else 'out'}-deprecation"
        yield _fixed(rule, _where(method, path), f"/paths/{_esc(path)}", "path removed")


def _operation_set_changes(base: Spec, rev: Spec, bpath: str, rpath: str) -> Iterator[Change]:
    old, new = _operations(base, bpath), _operations(rev, rpath)
    for method, op in old.items():
        if method not in new:
            deprecated = op.get("deprecated") is True
            rule = f"api-removed-with{'' if deprecated else 'out'}-deprecation"
            yield _fixed(rule, _where(method, bpath), _op_pointer(bpath, method), "removed")
    for method in new.keys() - old.keys():
        yield _added_operation(method, rpath)
    for method in sorted(old.keys() & new.keys()):
        yield from _operation_changes(base, rev, (bpath, rpath), method)


def _operation_changes(
    base: Spec, rev: Spec, paths: tuple[str, str], method: str
) -> Iterator[Change]:
    bpath, rpath = paths
    bop, rop = _operations(base, bpath)[method], _operations(rev, rpath)[method]
    where, pointer = _where(method, rpath), _op_pointer(rpath, method)
    yield from _deprecation_change(where, bop, rop, pointer)
    yield from _description_change(where, bop, rop, pointer)
    yield from _parameter_changes(base, rev, paths, method)
    yield from _request_body_changes(
        base, rev, where, (bop.get("requestBody"), rop.get("requestBody")), pointer
    )
    yield from _response_set_changes(base, rev, where, (bop, rop), pointer)
    yield from _operation_security_changes(base, rev, where, (bop, rop), pointer)


def _deprecation_change(
    where: str, bop: Mapping[str, Any], rop: Mapping[str, Any], pointer: str
) -> Iterator[Change]:
    was, now = bop.get("deprecated") is True, rop.get("deprecated") is True
    if now and not was:
        yield _fixed("endpoint-deprecated", where, pointer, "deprecated")
    elif was and not now:
        yield _fixed("endpoint-reactivated", where, pointer, "no longer deprecated")


# --- parameters ---------------------------------------------------------------------------------


def _parameters(doc: Spec, path: str, method: str) -> dict[tuple[str, str], tuple[Any, str]]:
    """Path-item and operation parameters, the latter winning, keyed so renames still match."""
    item_pointer = f"/paths/{_esc(path)}"
    item = _mapping(_resolve(doc, _lookup(doc, item_pointer), item_pointer)[0])
    slots = re.findall(r"\{([^}/]*)\}", path)
    found: dict[tuple[str, str], tuple[Any, str]] = {}
    sources = ((item, item_pointer), (_mapping(item.get(method)), f"{item_pointer}/{method}"))
    for owner, owner_pointer in sources:
        for index, raw in enumerate(_list(owner.get("parameters"))):
            param, pointer = _resolve(doc, raw, f"{owner_pointer}/parameters/{index}")
            param = _mapping(param)
            where_in, name = str(param.get("in", "")), str(param.get("name", ""))
            if where_in == "path" and name in slots:
                name = f"#{slots.index(name)}"
            elif where_in == "header":
                name = name.lower()
            found[(where_in, name)] = (param, pointer)
    return found


def _parameter_changes(
    base: Spec, rev: Spec, paths: tuple[str, str], method: str
) -> Iterator[Change]:
    old = _parameters(base, paths[0], method)
    new = _parameters(rev, paths[1], method)
    where = _where(method, paths[1])
    for key in old.keys() - new.keys():
        param, pointer = old[key]
        text = f"{key[0]} parameter '{param.get('name')}' removed"
        yield _fixed("request-parameter-removed", where, pointer, text)
    for key in new.keys() - old.keys():
        yield _parameter_added(where, *new[key])
    for key in sorted(old.keys() & new.keys()):
        yield from _parameter_diff(base, rev, where, old[key], new[key])


def _parameter_added(where: str, param: Mapping[str, Any], pointer: str) -> Change:
    location, name = param.get("in"), param.get("name")
    if location == "path":
        rule = "new-request-path-parameter"
    elif param.get("required") is True:
        rule = "new-required-request-parameter"
    else:
        rule = "new-optional-request-parameter"
    return _fixed(rule, where, pointer, f"{location} parameter '{name}' added")


def _parameter_schema(param: Mapping[str, Any], pointer: str) -> tuple[Any, str]:
    if "schema" in param:
        return param["schema"], f"{pointer}/schema"
    for media, content in _mapping(param.get("content")).items():
        return _mapping(content).get("schema"), f"{pointer}/content/{_esc(media)}/schema"
    return None, pointer


def _parameter_diff(
    base: Spec,
    rev: Spec,
    where: str,
    old: tuple[Mapping[str, Any], str],
    new: tuple[Mapping[str, Any], str],
) -> Iterator[Change]:
    (bparam, bptr), (rparam, rptr) = old, new
    was, now = bparam.get("required") is True, rparam.get("required") is True
    if was != now:
        state = "required" if now else "optional"
        text = f"parameter '{rparam.get('name')}' became {state}"
        yield _fixed(f"request-parameter-became-{state}", where, rptr, text)
    yield from _description_change(where, bparam, rparam, rptr)
    ctx = _Ctx(base, rev, where, "request", "request-parameter", "request-parameter-property")
    bschema, bschema_ptr = _parameter_schema(bparam, bptr)
    rschema, rschema_ptr = _parameter_schema(rparam, rptr)
    if bschema is not None and rschema is not None:
        yield from _diff_schema(ctx, bschema, rschema, bschema_ptr, rschema_ptr)


# --- request bodies -----------------------------------------------------------------------------


def _request_body_changes(
    base: Spec, rev: Spec, where: str, bodies: tuple[Any, Any], pointer: str
) -> Iterator[Change]:
    if bodies[0] is None and bodies[1] is None:
        return
    old, bptr = _resolve(base, bodies[0], f"{pointer}/requestBody")
    new, rptr = _resolve(rev, bodies[1], f"{pointer}/requestBody")
    if old is None or new is None:
        yield _request_body_existence(new, rptr if new is not None else bptr, where)
        return
    old, new = _mapping(old), _mapping(new)
    was, now = old.get("required") is True, new.get("required") is True
    if was != now:
        state = "required" if now else "optional"
        yield _fixed(f"request-body-became-{state}", where, rptr, f"request body became {state}")
    yield from _description_change(where, old, new, rptr)
    ctx = _Ctx(base, rev, where, "request", "request-body", "request-property")
    yield from _content_changes(ctx, (old, new), (bptr, rptr), "request-body-media-type")


def _request_body_existence(new: Any, pointer: str, where: str) -> Change:
    if new is None:
        return _fixed("request-body-removed", where, pointer, "request body removed")
    required = _mapping(new).get("required") is True
    rule = f"request-body-added-{'required' if required else 'optional'}"
    return _fixed(rule, where, pointer, "request body added")


def _content_changes(
    ctx: _Ctx,
    owners: tuple[Mapping[str, Any], Mapping[str, Any]],
    pointers: tuple[str, str],
    rule_stem: str,
) -> Iterator[Change]:
    """Media types of a request body or a response: removed, added, and their schemas."""
    old, new = _mapping(owners[0].get("content")), _mapping(owners[1].get("content"))
    bptr, rptr = pointers
    for media in old.keys() - new.keys():
        pointer = f"{bptr}/content/{_esc(media)}"
        yield _fixed(f"{rule_stem}-removed", ctx.where, pointer, f"media type {media} removed")
    for media in new.keys() - old.keys():
        pointer = f"{rptr}/content/{_esc(media)}"
        yield _fixed(f"{rule_stem}-added", ctx.where, pointer, f"media type {media} added")
    for media in sorted(old.keys() & new.keys()):
        bschema = _mapping(old[media]).get("schema")
        rschema = _mapping(new[media]).get("schema")
        if bschema is None or rschema is None:
            continue
        yield from _diff_schema(
            ctx,
            bschema,
            rschema,
            f"{bptr}/content/{_esc(media)}/schema",
            f"{rptr}/content/{_esc(media)}/schema",
        )


# --- responses ----------------------------------------------------------------------------------


def _response_set_changes(
    base: Spec,
    rev: Spec,
    where: str,
    ops: tuple[Mapping[str, Any], Mapping[str, Any]],
    pointer: str,
) -> Iterator[Change]:
    old = {str(k): v for k, v in _mapping(ops[0].get("responses")).items()}
    new = {str(k): v for k, v in _mapping(ops[1].get("responses")).items()}
    for status in old.keys() - new.keys():
        rule = f"response-{_status_kind(status)}-status-removed"
        text = f"response {status} removed"
        yield _fixed(rule, where, f"{pointer}/responses/{status}", text)
    for status in new.keys() - old.keys():
        rule = f"response-{_status_kind(status)}-status-added"
        yield _fixed(rule, where, f"{pointer}/responses/{status}", f"response {status} added")
    for status in sorted(old.keys() & new.keys()):
        yield from _response_changes(base, rev, where, (old[status], new[status]), pointer, status)


def _status_kind(status: str) -> str:
    return "success" if status.startswith("2") else "non-success"


def _response_changes(
    base: Spec, rev: Spec, where: str, raws: tuple[Any, Any], pointer: str, status: str
) -> Iterator[Change]:
    old, bptr = _resolve(base, raws[0], f"{pointer}/responses/{status}")
    new, rptr = _resolve(rev, raws[1], f"{pointer}/responses/{status}")
    old, new = _mapping(old), _mapping(new)
    yield from _description_change(where, old, new, rptr)
    yield from _header_changes(base, rev, where, (old, new), (bptr, rptr))
    ctx = _Ctx(base, rev, where, "response", "response-body", "response-property")
    yield from _content_changes(ctx, (old, new), (bptr, rptr), "response-media-type")


def _headers(doc: Spec, response: Mapping[str, Any], pointer: str) -> dict[str, tuple[Any, str]]:
    found: dict[str, tuple[Any, str]] = {}
    for name, raw in _mapping(response.get("headers")).items():
        header, header_pointer = _resolve(doc, raw, f"{pointer}/headers/{_esc(name)}")
        found[str(name).lower()] = (_mapping(header), header_pointer)
    return found


def _header_changes(
    base: Spec,
    rev: Spec,
    where: str,
    responses: tuple[Mapping[str, Any], Mapping[str, Any]],
    pointers: tuple[str, str],
) -> Iterator[Change]:
    old = _headers(base, responses[0], pointers[0])
    new = _headers(rev, responses[1], pointers[1])
    for name in old.keys() - new.keys():
        header, pointer = old[name]
        kind = "required" if header.get("required") is True else "optional"
        text = f"{kind} header '{name}' removed"
        yield _fixed(f"{kind}-response-header-removed", where, pointer, text)
    for name in new.keys() - old.keys():
        yield _fixed("response-header-added", where, new[name][1], f"header '{name}' added")
    ctx = _Ctx(base, rev, where, "response", "response-header", "response-property")
    for name in sorted(old.keys() & new.keys()):
        yield from _header_diff(ctx, name, old[name], new[name])


def _header_diff(
    ctx: _Ctx, name: str, old: tuple[Mapping[str, Any], str], new: tuple[Mapping[str, Any], str]
) -> Iterator[Change]:
    (bheader, bptr), (rheader, rptr) = old, new
    was, now = bheader.get("required") is True, rheader.get("required") is True
    if was and not now:
        text = f"header '{name}' became optional"
        yield _fixed("response-header-became-optional", ctx.where, rptr, text)
    elif now and not was:
        text = f"header '{name}' became required"
        yield _fixed("local-response-header-became-required", ctx.where, rptr, text)
    yield from _description_change(ctx.where, bheader, rheader, rptr)
    bschema, rschema = bheader.get("schema"), rheader.get("schema")
    if bschema is not None and rschema is not None:
        yield from _diff_schema(ctx, bschema, rschema, f"{bptr}/schema", f"{rptr}/schema")


# --- security -----------------------------------------------------------------------------------

_Requirements = dict[frozenset[str], dict[str, frozenset[str]]]


def _requirements(value: Any) -> _Requirements:
    """Security requirements keyed by their set of scheme names: each is one alternative."""
    found: _Requirements = {}
    for requirement in _list(value):
        schemes = {
            str(scheme): frozenset(str(scope) for scope in _list(scopes))
            for scheme, scopes in _mapping(requirement).items()
        }
        found[frozenset(schemes)] = schemes
    return found


def _security_changes(
    old: _Requirements, new: _Requirements, stem: str, where: str, pointer: str
) -> Iterator[Change]:
    for key in old.keys() - new.keys():
        text = f"security requirement {sorted(key)} removed"
        yield _fixed(f"{stem}-removed", where, pointer, text)
    for key in new.keys() - old.keys():
        yield _fixed(f"{stem}-added", where, pointer, f"security requirement {sorted(key)} added")
    for key in sorted(old.keys() & new.keys(), key=sorted):
        for scheme in sorted(key):
            for scope in sorted(new[key][scheme] - old[key][scheme]):
                text = f"scope '{scope}' added to '{scheme}'"
                yield _fixed(f"{stem}-scope-added", where, pointer, text)
            for scope in sorted(old[key][scheme] - new[key][scheme]):
                text = f"scope '{scope}' removed from '{scheme}'"
                yield _fixed(f"{stem}-scope-removed", where, pointer, text)


def _global_security_changes(base: Spec, rev: Spec) -> Iterator[Change]:
    old, new = _requirements(base.get("security")), _requirements(rev.get("security"))
    yield from _security_changes(old, new, "api-global-security", "global security", "/security")


def _operation_security_changes(
    base: Spec,
    rev: Spec,
    where: str,
    ops: tuple[Mapping[str, Any], Mapping[str, Any]],
    pointer: str,
) -> Iterator[Change]:
    """Compare what an operation effectively requires, when either side declares its own."""
    bop, rop = ops
    if "security" not in bop and "security" not in rop:
        return  # both inherit the global requirements, which are compared once
    old = _requirements(bop.get("security", base.get("security")))
    new = _requirements(rop.get("security", rev.get("security")))
    yield from _security_changes(old, new, "api-security", where, f"{pointer}/security")


# --- components ---------------------------------------------------------------------------------


def _component_changes(base: Spec, rev: Spec) -> Iterator[Change]:
    old = _mapping(_mapping(base.get("components")).get("schemas"))
    new = _mapping(_mapping(rev.get("components")).get("schemas"))
    for name in sorted(old.keys() - new.keys()):
        pointer = f"/components/schemas/{_esc(name)}"
        yield _fixed("api-schema-removed", "components", pointer, f"schema '{name}' removed")
