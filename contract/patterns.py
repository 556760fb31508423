"""JSON Schema's `pattern` read as ECMA-262 reads it, for the kit's jsonschema validators.

JSON Schema patterns are ECMA-262 regular expressions, where `$` (without the multiline flag)
matches only at the end of the string. jsonschema applies them with Python's `re.search`, whose
`$` also matches before a final newline: `"2026-11-24T02:00:00Z\n"` passes `^...Z$` there, and
nowhere else (schemathesis, JavaScript and the generated client's users all refuse it). The
validators built here spell each such `$` as Python's `\\Z`, so that the server, the fuzzer and
the tools agree on what a pattern allows.

This module imports nothing of the kit but jsonschema, so the server and the fuzzer may use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, cast

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.protocols import Validator


@lru_cache(maxsize=512)
def python_pattern(pattern: str) -> re.Pattern[str]:
    r"""`pattern` compiled for Python with ECMA-262's `$`: every `$` outside a class is `\Z`."""
    out: list[str] = []
    escaped = in_class = False
    for character in pattern:
        if escaped:
            out.append(character)
            escaped = False
        elif character == "\\":
            out.append(character)
            escaped = True
        elif in_class:
            out.append(character)
            in_class = character != "]"
        elif character == "[":
            out.append(character)
            in_class = True
        elif character == "$":
            out.append(r"\Z")
        else:
            out.append(character)
    return re.compile("".join(out))


def _pattern(
    validator: Validator, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not python_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# `extend` makes a class with Draft 2020-12's interface, one keyword changed; typed as such.
EcmaValidator = cast(
    type[Draft202012Validator],
    validators.extend(Draft202012Validator, {"pattern": _pattern}),  # type: ignore[no-untyped-call]
)
"""Draft 2020-12, with `pattern` as ECMA-262 reads it."""
