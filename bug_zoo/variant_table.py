"""The two variant tables of `bug_zoo/README.md`, written from the variants themselves.

Each variant's module says what it does (`Variant.bug`); `make rules` writes it as the variant's
row here, so a new variant is one module and no README row can name a variant that is gone.
"""

from __future__ import annotations

from collections.abc import Sequence

from bug_zoo.catalog import CONFORMING, NAMES, load
from tooling.paths import ROOT

README = ROOT / "bug_zoo" / "README.md"
NO_BUG = "none: "
"""How a conforming variant's `bug` begins; the README says only what follows."""


def _block(suite: str, heading: tuple[str, str], names: Sequence[str], said: str = "") -> str:
    rows = [f"| `{name}` | {load(name).bug.removeprefix(said)} |" for name in names]
    return "\n".join(
        [
            f"<!-- {suite} table: made by `make rules`; edits here are lost -->",
            "",
            f"| {heading[0]} | {heading[1]} |",
            "|---|---|",
            *rows,
            "",
            f"<!-- end of the {suite} table -->",
        ]
    )


def render() -> list[str]:
    """The tables, each as the README holds it between its markers (the first and last lines)."""
    return [
        _block("bug variant", ("variant", "bug"), NAMES),
        _block(
            "conforming variant",
            ("variant", "what it does that the contract leaves free"),
            CONFORMING,
            NO_BUG,
        ),
    ]
