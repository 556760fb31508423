"""One validator per schema of the contract, the same for every reader.

A `SchemaValidator` pairs two validators of one schema: a compiled one (jsonschema-rs) that
passes valid values quickly, and jsonschema's (`EcmaValidator`: Draft 2020-12 with ECMA-262
patterns, the one format checker of `contract.formats`), which decides the rest and words every
problem. jsonschema-rs only says whether a value is valid, so the outcome and the words stay
jsonschema's as long as the compiled validator never passes a value that jsonschema refuses
(tests/contract/test_validators.py compares them value by value). It gets the same format
functions, and a schema it would judge differently keeps jsonschema alone: one that still holds a
`$ref` (not inlined), or uses a format it would not apply the same way (it checks formats on
strings only; `int32` applies to numbers).

`build` is the only place the kit makes a validator of the contract's schemas: the server, the
fuzzer, the traffic checker and the example validator all reach it through `contract.api`.

Both validators know one keyword of the kit's own, `x-max-depth` (`MAX_DEPTH`): how deeply a
free-form value (`runStatistics`) may nest, which JSON Schema cannot say without recursion.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import Any, cast

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from jsonschema.protocols import Validator
from referencing import Registry

from contract.formats import STRING_FORMATS, format_checker
from contract.inlining import NotInlinableError, inlined
from contract.patterns import EcmaValidator
from contract.refs import Pointer, uri_of

MAX_DEPTH = "x-max-depth"
"""A schema keyword of the kit: the value nests at most this many levels (`json_depth`)."""


def json_depth(value: object, limit: int | None = None) -> int:
    """How many levels `value` nests: 0 for a scalar, 1 for `{}` or `[]`, one more for each
    object or array inside; once past `limit` (if given), any number past it. Iterative: a value
    may nest deeper than Python's stack."""
    deepest = 0
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        node, level = pending.pop()
        children: Any
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        if limit is not None and deepest > limit:
            return deepest
        pending.extend((child, level + 1) for child in children)
    return deepest


def unkeepable(value: object) -> str | None:
    """Why a service could not keep `value` (parsed JSON) and return it unchanged, or None: a
    string or member name that is not Unicode text (a lone surrogate), or a number past the
    range of a double (read as infinity, or an integer no double can hold). D38 makes
    each a 400; JSON Schema cannot say it, so every reader asks here. Iterative, as `json_depth`."""
    pending: list[object] = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return "a string with an unpaired surrogate escape, which is not Unicode text"
        elif not _within_a_double(node):
            return "a number too large to store: past the range of a double"
    return None


def _within_a_double(node: object) -> bool:
    """False for a number that is, or rounds to, an infinite double (an integer up to half an
    ulp past the largest double rounds down to it); True for anything else."""
    if isinstance(node, float):
        return math.isfinite(node)
    if isinstance(node, int):
        try:
            float(node)
        except OverflowError:
            return False
    return True


def _max_depth(
    validator: Validator, limit: int, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if json_depth(instance, limit) > limit:
        yield ValidationError(f"nests deeper than {limit} levels")


# `extend` makes a class with Draft 2020-12's interface, one keyword added; typed as such.
KitValidator = cast(
    type[Draft202012Validator],
    validators.extend(EcmaValidator, {MAX_DEPTH: _max_depth}),  # type: ignore[no-untyped-call]
)
"""`EcmaValidator` with `x-max-depth`."""


class _CompiledMaxDepth:
    """`x-max-depth` for jsonschema-rs (a custom keyword: constructed once, `validate` raises)."""

    def __init__(self, parent_schema: Any, value: int, schema_path: Any) -> None:
        self.limit = value

    def validate(self, instance: Any) -> None:
        if json_depth(instance, self.limit) > self.limit:
            raise ValueError(f"nests deeper than {self.limit} levels")


class SchemaValidator:
    """One schema's validators: `fast` (compiled, or None) passes valid values quickly; `full`
    (jsonschema) decides the rest and gives the errors."""

    __slots__ = ("fast", "full")

    def __init__(self, full: Draft202012Validator, fast: Any | None) -> None:
        self.full = full
        self.fast = fast

    def _passes(self, instance: object) -> bool:
        if self.fast is None:
            return False
        try:
            return bool(self.fast.is_valid(instance))
        except (ValueError, TypeError, OverflowError):  # a value it cannot read (a huge number)
            return False

    def iter_errors(self, instance: object) -> Iterator[ValidationError]:
        if self._passes(instance):
            return iter(())
        return self.full.iter_errors(instance)

    def is_valid(self, instance: object) -> bool:
        return self._passes(instance) or self.full.is_valid(instance)


def build(document: Mapping[str, Any], schemas: Registry[Any], pointer: Pointer) -> SchemaValidator:
    """The validator of the schema at `pointer` in `document` (registered in `schemas`).

    The schema is inlined once here rather than resolved through the registry on every value; a
    schema that cannot be inlined (recursive, say) keeps its `$ref` and the registry.
    """
    schema: Any
    try:
        schema = inlined(document, pointer)
    except NotInlinableError:
        schema = {"$ref": uri_of(pointer)}
    checker = format_checker()
    full = KitValidator(schema, registry=schemas, format_checker=checker)
    return SchemaValidator(full, compiled(schema, checker))


def compiled(schema: Any, checker: FormatChecker) -> Any | None:
    """jsonschema-rs's validator for a self-contained schema, with `checker`'s format functions;
    None when the schema still has a `$ref` or a format outside `STRING_FORMATS`."""
    text = json.dumps(schema)
    formats = set(_formats_in(schema))
    if '"$ref"' in text or not formats <= set(STRING_FORMATS):
        return None

    def check(name: str) -> Any:
        return lambda value: checker.conforms(value, name)

    return jsonschema_rs.Draft202012Validator(
        schema,
        formats={name: check(name) for name in STRING_FORMATS},
        validate_formats=True,
        ignore_unknown_formats=False,
        keywords={MAX_DEPTH: _CompiledMaxDepth},
    )


def _formats_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            yield node["format"]
        for value in node.values():
            yield from _formats_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from _formats_in(item)
