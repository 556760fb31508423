"""Several workers share the schemathesis process: `ast.parse` runs one call at a time."""

from __future__ import annotations

import ast
import sys
import threading
import time
from typing import Any

import pytest

from fuzzing import parse_lock


def test_parses_from_two_threads_take_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    # As on the Python the project runs (3.11), whatever Python runs the test.
    monkeypatch.setattr(parse_lock, "_FIXED_IN", (sys.version_info.major + 1, 0))
    at_once = 0
    most = 0

    def slow_parse(*args: Any, **kwargs: Any) -> ast.Module:
        nonlocal at_once, most
        at_once += 1
        most = max(most, at_once)
        time.sleep(0.05)
        at_once -= 1
        return ast.Module(body=[], type_ignores=[])

    monkeypatch.setattr(ast, "parse", slow_parse)
    parse_lock.serialize_ast_parsing()
    parse_lock.serialize_ast_parsing()  # a second call changes nothing
    threads = [threading.Thread(target=ast.parse, args=("x = 1",)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1
    assert getattr(ast.parse, "serialized", False)
