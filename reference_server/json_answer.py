"""`JsonAnswer`: Starlette's `JSONResponse` with its encoder built once.

`json.dumps` with any option builds a new `JSONEncoder` (and its C scanner) on every call; this one
has the very options `JSONResponse.render` passes, so an answer's bytes are the same, for the
cost of the encoding alone.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse

# `JSONResponse.render`'s options, exactly.
ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))


class JsonAnswer(JSONResponse):
    """A JSON answer, encoded as `JSONResponse` encodes it."""

    def render(self, content: Any) -> bytes:
        return ENCODER.encode(content).encode("utf-8")
