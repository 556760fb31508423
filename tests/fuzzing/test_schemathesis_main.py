"""schemathesis as the harness starts it (`python -m fuzzing.schemathesis_main`)."""

from __future__ import annotations

import sys
import types

import pytest

from fuzzing import schemathesis_main
from fuzzing.session import schemathesis_command
from fuzzing.settings import FuzzSettings
from fuzzing.target import Target


class _Interrupted(types.ModuleType):
    """A `schemathesis.cli` whose import is cut short by SIGINT, as under `FUZZ_FAIL_FAST`."""

    def __getattr__(self, name: str) -> object:
        raise KeyboardInterrupt


def test_an_interrupt_while_starting_ends_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "schemathesis.cli", _Interrupted("schemathesis.cli"))
    assert schemathesis_main.main() == schemathesis_main.INTERRUPTED
    assert capsys.readouterr() == ("", "")


def test_the_harness_starts_schemathesis_through_it() -> None:
    command = schemathesis_command(
        Target(base_url="http://127.0.0.1:1/beta", token="t"), FuzzSettings.from_env({})
    )
    assert command[1:3] == ["-m", "fuzzing.schemathesis_main"]
