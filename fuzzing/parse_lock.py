"""One lock around `ast.parse` for the schemathesis workers (threads, `FUZZ_WORKERS`) of a process.

CPython 3.11 keeps the `ast` module's recursion depth in state all threads share: two threads
turning source into an AST at once can fail with "AST constructor recursion depth mismatch"
(python/cpython gh-106905). hypothesis parses the source of lambdas to describe its strategies,
and with two workers it did so in both at once: schemathesis reported a Runtime Error, which
reads as a failure of the target. One lock around `ast.parse` keeps the parses one at a time.
"""

from __future__ import annotations

import ast
import sys
import threading
from typing import Any

_LOCK = threading.Lock()
_FIXED_IN = (3, 12)


def serialize_ast_parsing() -> None:
    """Make `ast.parse` take a lock (once; on Pythons that share the state between threads)."""
    if sys.version_info >= _FIXED_IN or getattr(ast.parse, "serialized", False):
        return
    original = ast.parse

    def parse(*args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return original(*args, **kwargs)

    parse.serialized = True  # type: ignore[attr-defined]
    ast.parse = parse
