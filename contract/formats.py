"""The one format checker: what `format` means wherever the kit validates a value.

jsonschema's default checker skips a format whose optional package is missing (`uri` needs
rfc3987), reads `uuid` as anything `uuid.UUID` parses (hex without dashes, braces, a `urn:`
prefix) and lets `date-time` end in a newline (rfc3339_validator's `$` is Python's). The server,
the fuzzer, the traffic checker and the example validator each chose otherwise before this
module, and so disagreed on the same value. Here each format is what its RFC says and what the
generated client and schemathesis refuse: RFC 3339 date-times with nothing after them, canonical
8-4-4-4-12 UUIDs, an absolute URI with a scheme and no whitespace, and OpenAPI's `int32` and
`int64` ranges. The other formats of JSON Schema 2020-12 keep jsonschema's checks.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]

STRING_FORMATS = ("date-time", "uuid", "uri")
"""The formats that apply to strings only (a compiled validator is given these as functions)."""

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def _date_time(value: object) -> bool:
    # rfc3339_validator's `$` lets a final newline through, as Python's does (contract.patterns).
    return not isinstance(value, str) or (
        bool(validate_rfc3339(value)) and not value.endswith("\n")
    )


def _uuid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36 and all(value[i] == "-" for i in (8, 13, 18, 23))


def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        scheme = urlsplit(value).scheme
    except ValueError:  # an unclosed `[` of an IPv6 host
        return False
    return bool(_SCHEME.fullmatch(scheme)) and not any(c.isspace() for c in value)


def _integer_range(bits: int) -> Callable[[object], bool]:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def check(value: object) -> bool:
        return not isinstance(value, int) or isinstance(value, bool) or low <= value <= high

    return check


@cache
def format_checker() -> FormatChecker:
    """Draft 2020-12's format checks with `date-time`, `uuid` and `uri` as above, plus `int32`
    and `int64`. One instance: jsonschema reads it and never changes it."""
    checker = FormatChecker(list(Draft202012Validator.FORMAT_CHECKER.checkers))
    checker.checks("date-time")(_date_time)
    checker.checks("uuid")(_uuid)
    checker.checks("uri")(_uri)
    checker.checks("int32")(_integer_range(32))
    checker.checks("int64")(_integer_range(64))
    return checker
