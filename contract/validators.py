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
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry

from contract.formats import STRING_FORMATS, format_checker
from contract.inlining import NotInlinableError, inlined
from contract.patterns import EcmaValidator
from contract.refs import Pointer, uri_of


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
    full = EcmaValidator(schema, registry=schemas, format_checker=checker)
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
