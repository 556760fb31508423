"""A server setting its type cannot read stops `make serve` with one line naming the variable
and the value, not a Python conversion message."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.commands import environment, run_module
from tooling.server_env import SERVER_ENV, SERVER_VARIABLES, Variable

NUMERIC = [variable for variable in SERVER_VARIABLES if variable.cast in (int, float)]


def test_every_numeric_setting_says_what_it_wants() -> None:
    assert {variable.name for variable in NUMERIC} >= {"PORT", "WORKERS"}
    assert all(variable.kind != "text" for variable in NUMERIC)


@pytest.mark.parametrize("variable", NUMERIC, ids=lambda variable: variable.name)
def test_a_numeric_setting_that_is_not_a_number_is_named_with_its_value(
    variable: Variable[Any],
) -> None:
    name, kind = variable.name, variable.kind
    env = environment(without=SERVER_ENV, extra={name: "abc"})
    done = run_module("scripts.serve", "--dev", timeout=60, env=env)
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.endswith(f"cannot start: {name} must be {kind}, not 'abc'"), line
    assert "invalid literal" not in done.stderr
