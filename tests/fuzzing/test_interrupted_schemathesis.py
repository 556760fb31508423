"""schemathesis interrupted by the harness while it was still starting: Python's traceback of
that interrupt stays out of `make fuzz`'s output; any other error output is passed on."""

from __future__ import annotations

from fuzzing.session import INTERRUPTED_TRACE

STARTING = """Traceback (most recent call last):
  File "<frozen importlib._bootstrap>", line 1176, in _find_and_load
  File "<frozen site>", line 616, in <module>
  File "<frozen importlib._bootstrap_external>", line 729, in _compile_bytecode
KeyboardInterrupt
"""
REAL = """Traceback (most recent call last):
  File "schemathesis/cli/commands/run/__init__.py", line 12, in run
ValueError: the schema cannot be loaded
"""


def test_an_interrupt_while_starting_is_dropped_and_a_real_error_kept() -> None:
    said = f"warming up\n{STARTING}{REAL}done\n"
    assert INTERRUPTED_TRACE.sub("", said) == f"warming up\n{REAL}done\n"
    assert INTERRUPTED_TRACE.sub("", REAL) == REAL
