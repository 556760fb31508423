"""JSON read with every number kept as the value its text denotes (D35).

Python's `json` reads `-5.130094826541337e+16` as the double nearest it, and `-51300948265413370`
as an exact integer: the same number in two spellings then compares unequal, since Python compares
a float and an int exactly. Here a number with a fraction or an exponent becomes an `ExactNumber`:
still a float (schemas, `json.dumps` and arithmetic see the double), that also knows the decimal
value it was written as, which `fuzzing.comparison` compares.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


class ExactNumber(float):
    """A JSON number with a fraction or exponent: the double it rounds to, and its text."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> ExactNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number

    @property
    def exact(self) -> Decimal:
        """The value the JSON text denotes, not rounded to a double."""
        return Decimal(self.text)

    def __repr__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple[type[ExactNumber], tuple[str]]:
        return (ExactNumber, (self.text,))


def loads(text: str | bytes) -> Any:
    """JSON as `json.loads` reads it, numbers with a fraction or exponent as `ExactNumber`s."""
    return json.loads(text, parse_float=ExactNumber)
