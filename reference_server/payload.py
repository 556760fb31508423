"""Request bodies: the Content-Type rule and a strict JSON parser, free of any web framework.

Strict means: UTF-8 only, no duplicate member names (which member would win is unspecified in
RFC 8259), no NaN/Infinity, no nesting deep enough to exhaust the parser's stack (`statistics`
has a tighter bound, its schema's `x-max-depth`), and nothing the contract core calls
unkeepable (`contract.validators.unkeepable`, D38): no number past the range of a double,
written as a decimal or as an integer literal (most JSON libraries would keep it as infinity),
and no lone surrogates (they cannot be stored as text or sent back as UTF-8).
"""

from __future__ import annotations

import json
from typing import Any

from contract.validators import unkeepable


class PayloadError(ValueError):
    """The body cannot be used; the message says why, for the caller."""


def content_type_problem(value: str | None) -> str | None:
    """Why `value` is not `application/json` (parameters allowed, charset only UTF-8), or None."""
    if value is None or not value.strip():
        return "The request has no Content-Type; send 'Content-Type: application/json'."
    media_type, *params = value.split(";")
    shown = (
        value
        if len(value) <= 100 and value.isprintable()
        else value[:100].encode("ascii", "replace").decode() + "..."
    )
    if media_type.strip().lower() != "application/json":
        return f"Content-Type must be 'application/json', not '{shown}'."
    for param in params:
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset" and raw.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            return f"The request body must be UTF-8, not '{shown}'."
    return None


def _reject_constant(name: str) -> Any:
    raise PayloadError(f"The request body is not valid JSON: {name} is not a JSON number.")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise PayloadError(f"The request body names member '{key[:100]}' twice.")
        result[key] = value
    return result


# Built once: `json.loads` with any option builds a new decoder (and its C scanner) per call.
DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)


def parse_json(body: bytes) -> Any:
    """The JSON value of `body`, or `PayloadError`."""
    if not body.strip():
        raise PayloadError("The request body is empty; send a JSON object.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("The request body is not valid UTF-8.") from None
    try:
        if text.startswith("\ufeff"):  # what `json.loads` refuses before decoding
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        value = DECODER.decode(text)
    except PayloadError:
        raise
    except RecursionError:
        raise PayloadError("The request body is nested too deeply.") from None
    except json.JSONDecodeError as exc:
        raise PayloadError(
            f"The request body is not valid JSON: {exc.msg} at character {exc.pos}."
        ) from None
    except ValueError:
        # For example an integer literal longer than Python converts (thousands of digits).
        raise PayloadError("The request body has a number this service cannot read.") from None
    problem = unkeepable(value)
    if problem is not None:
        # The contract core's verdict (D38), as the fuzzer and the traffic checker read it.
        raise PayloadError(f"The request body has {problem}.")
    return value
