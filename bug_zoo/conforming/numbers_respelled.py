"""Every number of an answer written in another spelling of the same value, or of its double, as
a JavaScript server writes numbers: integers as `1.25e3`, fractions as `2.5e-1`, exponents spelled
out (`1e-7` as `0.0000001`), and integers beyond 2^53 as the digits of the double they round to
(`-5.130094826541337e+16` as `-51300948265413370`). D35 asks a service to keep each
number of `statistics` at least as the double it rounds to, in any spelling.
"""

from __future__ import annotations

import json
from decimal import Decimal

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant

_EXACT_INTEGERS = Decimal(2**53)


class Number(str):
    """A JSON number as the server wrote it."""


def respelled(text: str) -> str:
    """Another spelling of the number `text` writes: its value, or the double it rounds to."""
    value = Decimal(text)
    if not value.is_finite():
        return text
    if value == value.to_integral_value():
        if abs(value) > _EXACT_INTEGERS:
            double = float(value)
            if double in (float("inf"), float("-inf")):
                return text
            return format(Decimal(repr(double)).normalize(), "f")
        return format(value.normalize(), "e")
    if "e" in text.lower():
        return format(value, "f")
    return format(value.normalize(), "e")


def written(value: object) -> str:
    """`value` (read with `Number`s) as JSON: numbers respelled, the rest as `json` writes it."""
    if isinstance(value, Number):
        return respelled(value)
    if isinstance(value, dict):
        members = (f"{json.dumps(name)}:{written(item)}" for name, item in value.items())
        return "{" + ",".join(members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(written(item) for item in value) + "]"
    return json.dumps(value)


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    try:
        body = json.loads(response.body, parse_float=Number, parse_int=Number)
    except ValueError:
        return response
    return response.with_body(written(body).encode())


VARIANT = Variant(
    name="numbers_respelled",
    bug=(
        "none: every number is written in another spelling of its value or of its double "
        "(`100` as `1e+2`, `1e-7` as `0.0000001`, big integers as the double's digits) "
        "(D35)"
    ),
    middleware=rewriting(handle),
    covers=("D7", "D35"),
)
