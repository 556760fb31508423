"""How a broken request is told: jsonschema errors as sentences naming the property.

The server's checks (`spec`) find what is wrong; this says it, in the words the OData error
bodies carry, and keeps an error body small however much is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from jsonschema import ValidationError

MAX_DETAILS = 64
MAX_MESSAGE = 4096
MAX_TARGET = 1024


@dataclass(frozen=True)
class Violation:
    """One way a request breaks the spec: a sentence for people and what it is about."""

    message: str
    target: str | None = None


def short(value: object, limit: int = 60) -> str:
    """A value as JSON for a sentence, cut to `limit` characters: what a client sent may be huge."""
    text = json.dumps(value, ensure_ascii=True, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, marked with `...`."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


_ARTICLE_TYPES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}


def _type_phrase(value: object) -> str:
    names = value if isinstance(value, list) else [value]
    return " or ".join(_ARTICLE_TYPES.get(str(n), str(n)) for n in names)


def reason_of(error: ValidationError) -> str:
    """What is wrong with the value, as the end of a sentence about it."""
    kind = error.validator
    expected: Any = error.validator_value
    if kind == "type":
        return f"must be {_type_phrase(expected)}"
    if kind == "enum":
        allowed = ", ".join(str(v) for v in expected)
        return f"has an invalid value: {short(error.instance)}; allowed: {allowed}"
    if kind == "const":
        return f"must be {short(expected)}"
    if kind == "format":
        return f"is not a valid {expected}: {short(error.instance)}"
    if kind == "pattern":
        return f"does not have the expected form: {short(error.instance)}"
    if kind == "maxLength":
        return f"is longer than {expected} characters"
    if kind == "minLength":
        return f"is shorter than {expected} character{'s' if expected != 1 else ''}"
    if kind == "maxProperties":
        return f"has more than {expected} members"
    if kind == "minProperties":
        return f"must have at least {expected} member{'s' if expected != 1 else ''}"
    if kind == "maxItems":
        return f"has more than {expected} items"
    if kind in ("anyOf", "oneOf"):
        alternatives = [
            e
            for e in error.context or ()
            if not (e.validator == "type" and e.validator_value == "null")
        ]
        allows_null = len(alternatives) < len(error.context or ())
        if alternatives:
            deepest = max(alternatives, key=lambda e: len(e.relative_path))
            reason = reason_of(deepest) if not deepest.relative_path else "has an invalid member"
            return reason + (" (or it may be null)" if allows_null else "")
        return f"has an invalid value: {short(error.instance)}"
    return error.message if len(error.message) < 200 else f"breaks the {kind} rule"


def violations_of(error: ValidationError, subject: str, prefix: str) -> list[Violation]:
    """Turn one jsonschema error into violations naming the property (`subject` 'Property')."""
    path = [str(p) for p in error.absolute_path]
    if error.validator == "anyOf" and error.context and isinstance(error.instance, dict):
        # An object under anyOf (blockingError: publicError or null): report what is wrong
        # inside the object branch, unless the branch refused the object as a whole.
        inner = [
            e for e in error.context if not (e.validator == "type" and e.validator_value == "null")
        ]
        if inner and not any(e.validator == "type" and not e.relative_path for e in inner):
            return [v for e in inner for v in violations_of(e, subject, prefix)]
    if error.validator == "oneOf" and error.context and isinstance(error.instance, dict):
        # An object that may take one of several shapes (Add run's body: a run to create or a
        # reference to link): report what is wrong against the shape it comes closest to, the
        # one with the fewest problems (the first of those on a tie).
        branches: dict[object, list[ValidationError]] = {}
        for inner_error in error.context:
            branches.setdefault(inner_error.relative_schema_path[0], []).append(inner_error)
        closest = min(branches.values(), key=len)
        return [v for e in closest for v in violations_of(e, subject, prefix)]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        extra = sorted(k for k in error.instance if k not in known)
        return [
            Violation(
                f"{subject} '{'/'.join([*path, k])}' is not allowed here.",
                prefix + "/".join([*path, k]),
            )
            for k in extra
        ]
    if error.validator == "required" and isinstance(error.instance, dict):
        required: Any = error.validator_value
        missing = [k for k in required if k not in error.instance]
        return [
            Violation(
                f"{subject} '{'/'.join([*path, k])}' is required.", prefix + "/".join([*path, k])
            )
            for k in missing
        ]
    if not path:
        if subject == "Property":
            if error.validator == "type":
                return [Violation("The request body must be a JSON object.")]
            if error.validator == "minProperties":
                return [
                    Violation(
                        "The request body must name at least one member: a property to change, "
                        "or '@odata.type' alone to change nothing."
                    )
                ]
            return [Violation(f"The request body {reason_of(error)}.")]
        return [Violation(f"{subject} {reason_of(error)}.", prefix.rstrip("/") or None)]
    name = "/".join(path)
    return [Violation(f"{subject} '{name}' {reason_of(error)}.", prefix + name)]


def finished(violations: list[Violation]) -> list[Violation]:
    """Each violation once, at most `MAX_DETAILS`, each clipped: an error body stays small."""
    seen: set[Violation] = set()
    unique = [v for v in violations if not (v in seen or seen.add(v))]  # type: ignore[func-returns-value]
    return [
        Violation(
            clip(v.message, MAX_MESSAGE), None if v.target is None else clip(v.target, MAX_TARGET)
        )
        for v in unique[:MAX_DETAILS]
    ]
