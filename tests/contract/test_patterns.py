"""Patterns read as ECMA-262 reads them: `$` ends the string, and nothing else changes."""

from __future__ import annotations

import pytest

from contract.patterns import EcmaValidator, python_pattern


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("^a$", "a", True),
        ("^a$", "a\n", False),
        ("^(a|b)$", "b\n", False),
        ("^[$]+$", "$$", True),
        ("^\\$x$", "$x", True),
        ("^a", "a\n", True),
        ("^[^/]+$", "x\ny", True),
    ],
)
def test_dollar_ends_the_string(pattern: str, value: str, matches: bool) -> None:
    assert bool(python_pattern(pattern).search(value)) is matches


def test_the_validator_refuses_a_final_newline_python_would_let_through() -> None:
    schema = {"type": "string", "pattern": "^[0-9]{4}Z$"}
    validator = EcmaValidator(schema)
    assert validator.is_valid("2026Z")
    assert not validator.is_valid("2026Z\n")
    [error] = validator.iter_errors("2026Z\n")
    assert "does not match" in error.message
    assert EcmaValidator({"pattern": "^a$"}).is_valid(42)  # `pattern` judges strings only
