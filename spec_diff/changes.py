"""The `Change` record, its two levels, and the rule ids every comparison names changes with.

A rule id is oasdiff's wherever oasdiff has that rule (``checker/rules.go`` at commit 4553c69d);
oasdiff's ERR and WARN map to breaking, INFO to non-breaking. Kinds of change oasdiff has no rule
for get an id starting with ``local-``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

Level = Literal["breaking", "non-breaking"]
Direction = Literal["request", "response"]
Spec = Mapping[str, Any]

BREAKING: Final[Level] = "breaking"
NON_BREAKING: Final[Level] = "non-breaking"
B, N = BREAKING, NON_BREAKING
LOCAL: Final = "local-"
"""Prefix of the project-local rule ids: kinds of change that oasdiff has no rule for."""


@dataclass(frozen=True)
class Change:
    """One classified difference: an oasdiff rule id, its level, and where it happened."""

    rule: str
    level: Level
    where: str
    """``METHOD /path`` of the operation, or ``global security`` / ``components``."""
    message: str
    """Starts with the JSON pointer of the place that changed."""


# The rule ids emitted outside schemas, with their usual level. All but the ``local-`` ones are
# oasdiff's.
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
    # security. oasdiff rates every security change INFO. The kit rates breaking what refuses a
    # client that got in before: an added scope (a token that was enough no longer is), a removed
    # alternative (its clients have no way left in), and a requirement added where anyone could
    # call. A removed or added alternative that locks nobody out is non-breaking (security.py).
    "api-security-added": B,
    "api-security-removed": B,
    "api-security-scope-added": B,
    "api-security-scope-removed": N,
    "api-global-security-added": B,
    "api-global-security-removed": B,
    "api-global-security-scope-added": B,
    "api-global-security-scope-removed": N,
    # security schemes (components). oasdiff rates these INFO; a client set up from the spec keeps
    # the token it has, so a moved URL or a changed scope list is named, not breaking. A flow
    # removed leaves the clients that used it no documented way to get a token.
    "api-security-component-added": N,
    "api-security-component-removed": B,
    "api-security-component-type-changed": B,
    "api-security-component-oauth-url-changed": N,
    "api-security-component-oauth-token-url-changed": N,
    "local-api-security-component-oauth-refresh-url-changed": N,
    "api-security-component-oauth-scope-added": N,
    "api-security-component-oauth-scope-removed": N,
    "api-security-component-oauth-scope-changed": N,
    "local-api-security-component-oauth-flow-added": N,
    "local-api-security-component-oauth-flow-removed": B,
    # components, documentation
    "api-schema-removed": N,
    # servers (oasdiff has no rule for them)
    "local-api-server-added": N,
    "local-api-server-removed": B,
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
    "exclusive-max-decreased": (B, N),
    "exclusive-max-increased": (N, B),
    "exclusive-max-set": (B, N),
    "exclusive-max-unset": (N, B),
    "exclusive-min-increased": (B, N),
    "exclusive-min-decreased": (N, B),
    "exclusive-min-set": (B, N),
    "exclusive-min-unset": (N, B),
    "max-properties-decreased": (B, N),
    "max-properties-increased": (N, B),
    "max-properties-set": (B, N),
    "max-properties-unset": (N, B),
    "min-properties-increased": (B, N),
    "min-properties-decreased": (N, B),
    "additional-properties-closed": (B, N),  # to false: unknown properties now refused
    "additional-properties-opened": (N, B),  # from false, as oasdiff's unevaluated-properties
    "const-added": (B, N),
    "const-removed": (N, B),
    "const-changed": (B, B),
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

# The prefixes a schema-level suffix is joined to, by where the schema sits, and which of the two
# levels of SCHEMA_LEVELS applies there.
SCHEMA_PREFIXES: Final[Mapping[str, Direction]] = {
    "request-body": "request",
    "request-property": "request",
    "request-parameter": "request",
    "request-parameter-property": "request",
    "response-body": "response",
    "response-property": "response",
    "response-header": "response",
}

# oasdiff's ids for prefix + schema suffix; any other combination gets a ``local-`` id (oasdiff
# has none for additionalProperties, minProperties or maxProperties).
_EXCLUSIVE_IN_REQUESTS: Final = (
    " exclusive-max-decreased exclusive-max-increased exclusive-max-set"
    " exclusive-min-increased exclusive-min-decreased exclusive-min-set"
)
_EXCLUSIVE_IN_RESPONSES: Final = " exclusive-max-increased exclusive-min-decreased"
_CONST: Final = " const-added const-removed const-changed"
OASDIFF_SCHEMA_RULES: Final = frozenset(
    f"{prefix}-{suffix}"
    for prefix, suffixes in {
        "request-body": "enum-value-removed became-enum max-length-decreased max-length-increased"
        " max-length-set min-length-increased min-length-decreased max-decreased max-increased"
        " max-set min-increased min-decreased min-set min-items-increased min-items-set"
        " type-changed type-generalized list-of-types-widened list-of-types-narrowed"
        " became-nullable became-not-nullable one-of-added one-of-removed any-of-added"
        " any-of-removed" + _EXCLUSIVE_IN_REQUESTS + _CONST,
        "request-property": "enum-value-removed enum-value-added became-enum max-length-decreased"
        " max-length-increased max-length-set min-length-increased min-length-decreased"
        " max-decreased max-increased max-set min-increased min-decreased min-set"
        " min-items-increased min-items-set pattern-added pattern-changed pattern-removed"
        " type-changed type-generalized list-of-types-widened list-of-types-narrowed"
        " became-nullable became-not-nullable one-of-added one-of-removed any-of-added"
        " any-of-removed" + _EXCLUSIVE_IN_REQUESTS + _CONST,
        "request-parameter": "enum-value-removed enum-value-added became-enum"
        " max-length-decreased max-length-increased max-length-set min-length-increased"
        " min-length-decreased max-decreased max-increased max-set min-increased min-decreased"
        " min-set max-items-decreased max-items-increased min-items-increased"
        " min-items-decreased min-items-set pattern-added pattern-changed pattern-removed"
        " type-changed type-generalized list-of-types-widened list-of-types-narrowed"
        " became-nullable became-not-nullable" + _EXCLUSIVE_IN_REQUESTS,
        "request-parameter-property": "enum-value-removed enum-value-added type-changed"
        " type-generalized list-of-types-widened list-of-types-narrowed became-nullable"
        " became-not-nullable",
        "response-body": "max-length-increased max-length-unset min-length-decreased"
        " max-increased min-decreased min-items-decreased min-items-unset type-changed"
        " type-generalized list-of-types-widened list-of-types-narrowed became-nullable"
        " became-not-nullable one-of-added one-of-removed any-of-added any-of-removed"
        + _EXCLUSIVE_IN_RESPONSES
        + _CONST,
        "response-property": "enum-value-removed enum-value-added max-length-increased"
        " max-length-unset min-length-decreased max-increased min-decreased min-items-decreased"
        " min-items-unset pattern-added pattern-changed pattern-removed type-changed"
        " type-generalized list-of-types-widened list-of-types-narrowed became-nullable"
        " became-not-nullable one-of-added one-of-removed any-of-added any-of-removed"
        + _EXCLUSIVE_IN_RESPONSES
        + _CONST,
        "response-header": "type-changed type-generalized became-nullable became-not-nullable",
    }.items()
    for suffix in suffixes.split()
)


def fixed(rule: str, where: str, pointer: str, text: str) -> Change:
    """A change of one of the `RULES`, at its usual level."""
    return Change(rule, RULES[rule], where, f"{pointer}: {text}")


def schema_change(prefix: str, suffix: str, where: str, pointer: str, text: str) -> Change:
    """A schema-level change: its id joins where the schema sits to what changed in it."""
    request_level, response_level = SCHEMA_LEVELS[suffix]
    level = request_level if SCHEMA_PREFIXES[prefix] == "request" else response_level
    rule = f"{prefix}-{suffix}"
    if rule not in OASDIFF_SCHEMA_RULES:
        rule = LOCAL + rule
    return Change(rule, level, where, f"{pointer}: {text}")


def description_changes(
    where: str, base: Mapping[str, Any], rev: Mapping[str, Any], pointer: str
) -> Iterator[Change]:
    """Edited ``summary`` or ``description`` text: reported, never breaking."""
    for key in ("summary", "description"):
        if base.get(key) != rev.get(key):
            yield fixed("local-description-changed", where, pointer, f"{key} changed")
