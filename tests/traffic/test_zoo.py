"""`make traffic-zoo` (`traffic.zoo.prove`): the client script's traffic through the proxy in front
of zoo variants, each judged as the table of `traffic/README.md` says, and the table written."""

from __future__ import annotations

from pathlib import Path

import pytest

from bug_zoo.catalog import NAMES, load
from bug_zoo.hosted import hosted_for_traffic
from traffic.zoo import (
    CONTROL,
    END_MARK,
    README,
    START_MARK,
    UnknownVariantError,
    VariantRun,
    prove,
)

CAUGHT = "patch_resets_unsent"
"""A variant the client's ordinary traffic shows, by a rule no schema states."""


def _bugs() -> dict[str, str]:
    return {name: load(name).bug for name in (CONTROL, *NAMES)}


def test_an_unknown_variant_is_refused_before_any_runs(tmp_path: Path) -> None:
    with pytest.raises(UnknownVariantError, match="unknown variant\\(s\\): no_such_bug"):
        prove(_bugs(), [CAUGHT, "no_such_bug"], tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_control_passes_a_revealed_bug_is_caught_and_the_table_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"before\n{START_MARK}\nold table\n{END_MARK}\nafter\n", encoding="utf-8")

    passed = prove(
        _bugs(),
        [CONTROL, CAUGHT],
        tmp_path / "reports",
        write=True,
        readme=readme,
        serve=hosted_for_traffic,  # as `make traffic-zoo` serves them
    )

    output = capsys.readouterr().out
    assert passed, output
    assert f"{CONTROL}: kit -; drift -; as expected" in output
    assert f"{CAUGHT}: kit {{'patch_keeps_unsent': 1}}; drift -; as expected" in output
    written = readme.read_text(encoding="utf-8")
    assert written.startswith(f"before\n{START_MARK}\n| variant |")
    assert written.endswith(f"{END_MARK}\nafter\n")
    assert "old table" not in written
    assert f"| `{CAUGHT}` | {load(CAUGHT).bug} | `patch_keeps_unsent` (1) | - |  |" in written
    assert (tmp_path / "reports" / CAUGHT / "proxy-summary.json").exists()


def test_the_readme_holds_the_table_between_the_marks_the_writer_looks_for() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.count(START_MARK) == 1
    assert text.index(START_MARK) < text.index(END_MARK)


def test_each_run_is_held_to_its_line_of_zoo_expected() -> None:
    # Shown: every rule the line names must be among the kit's failures; more may be.
    assert VariantRun(CAUGHT, "", kit={"patch_keeps_unsent": 1, "other": 2}).as_expected
    assert not VariantRun(CAUGHT, "", kit={"other": 2}).as_expected
    # Unseen: no failure at all; a failure means the line is wrong.
    assert VariantRun("ignores_auth", "").as_expected
    assert not VariantRun("ignores_auth", "", kit={"request_ids": 1}).as_expected
    # No line: never as expected, whatever the traffic showed.
    assert not VariantRun("a_new_bug", "", kit={"request_ids": 1}).as_expected
    assert not VariantRun("a_new_bug", "").as_expected
