"""JSON values compared as the contract compares them, and shown short in failure messages.

Python's `==` takes `True` for `1`, a float for an int of another value when the float is the
int's nearest double, and a time string for another spelling of the same instant for a different
value; the checks need JSON equality, numbers compared by value (D35), and times compared as
instants to 100 ns.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from fuzzing.exact_json import ExactNumber
from fuzzing.facts import contract
from fuzzing.ticks import is_utc, ticks


def _denoted(number: int | float) -> Decimal | int:
    """The value a JSON number denotes: its text's, where it was read from JSON (`exact_json`)."""
    if isinstance(number, ExactNumber):
        return number.exact
    return number if isinstance(number, int) else Decimal(number)


def _double(number: int | float) -> float | None:
    """The finite double a number rounds to, or None beyond the double range."""
    try:
        double = float(number)
    except OverflowError:
        return None
    return double if math.isfinite(double) else None


def same_number(left: int | float, right: int | float) -> bool:
    """Whether two JSON numbers are the same as D35 asks a service to keep them: the same
    value, in whatever spelling (`1e2`, `100`, `100.0`), or values that round to the same double.

    The same value rounds to the same double, so within the double range the doubles decide;
    beyond it (`1e400`, an integer that long) only the same value will do.
    """
    double, other = _double(left), _double(right)
    if double is not None or other is not None:
        return double == other
    return _denoted(left) == _denoted(right)


def json_equal(left: Any, right: Any) -> bool:
    """JSON equality: `true` is not `1`, numbers are equal by `same_number` (`1` is `1.0`),
    objects ignore order, arrays do not."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return same_number(left, right)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(json_equal, left, right))
    return type(left) is type(right) and bool(left == right)


def short(value: Any, limit: int = 200) -> str:
    """`repr(value)`, cut at `limit` characters with the full length said."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def mismatch(name: str, sent: Any, returned: Any) -> str | None:
    """Why `returned` is not what `sent` asked property `name` to hold, or None if it is."""
    if name in contract().time_properties and isinstance(sent, str):
        if not isinstance(returned, str):
            return f"`{name}`: sent {sent!r}, got {returned!r}"
        if not is_utc(returned):
            return f"`{name}`: sent {sent!r}, got {returned!r}, which is not in UTC (`Z`)"
        if ticks(sent) != ticks(returned):
            return f"`{name}`: sent {sent!r}, got {returned!r}: not the same instant to 100 ns"
        return None
    if not json_equal(sent, returned):
        return f"`{name}`: sent {short(sent)}, got {short(returned)}"
    return None


def unchanged(name: str, before: Any, after: Any) -> bool:
    """Whether a property kept its value: the same JSON, or for a time, the same instant."""
    if json_equal(before, after):
        return True
    if name in contract().time_properties and isinstance(before, str) and isinstance(after, str):
        instant = ticks(before)
        return instant is not None and instant == ticks(after)
    return False


def properties(run: dict[str, Any]) -> dict[str, Any]:
    """A run's properties: its members less OData control information and annotations.

    Names holding `@` (`@odata.etag`, `@odata.type`, `status@odata.type`) describe the run or
    the response rather than hold its data: OData may leave them out or change them freely.
    """
    return {name: value for name, value in run.items() if "@" not in name}


def mismatches(expected: dict[str, Any], run: dict[str, Any], missing: str) -> list[str]:
    """Why `run` does not hold each property of `expected` (its `@odata.type` aside).

    `missing` says that a property is absent from `run`; `{name}` in it stands for the property.
    """
    problems = []
    for name, value in expected.items():
        if name == "@odata.type":
            continue
        if name not in run:
            problems.append(missing.format(name=name))
            continue
        problem = mismatch(name, value, run[name])
        if problem is not None:
            problems.append(problem)
    return problems
