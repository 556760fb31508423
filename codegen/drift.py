"""The drift check (`make check-generated`): is `generated/` what `openapi.yaml` produces?

Regenerates into a temporary folder and compares the two trees byte for byte. Comparing folders,
not `git diff`, also catches files that were added by hand and never committed.
"""

from __future__ import annotations

import difflib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from codegen.generator import OUTPUT, generate_into, tree_files
from tooling.paths import ROOT

# Enough of each diff to see what drifted without flooding the terminal.
DIFF_LINES_PER_FILE = 40


@dataclass(frozen=True)
class Drift:
    added: list[str]
    """In the committed tree, but not generated."""
    removed: list[str]
    """Generated, but missing from the committed tree."""
    changed: list[str]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def compare(committed: dict[str, bytes], fresh: dict[str, bytes]) -> Drift:
    return Drift(
        added=sorted(committed.keys() - fresh.keys()),
        removed=sorted(fresh.keys() - committed.keys()),
        changed=sorted(
            name for name in committed.keys() & fresh.keys() if committed[name] != fresh[name]
        ),
    )


def diff_excerpt(name: str, committed: bytes, fresh: bytes) -> list[str]:
    lines = list(
        difflib.unified_diff(
            fresh.decode("utf-8", "replace").splitlines(keepends=True),
            committed.decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"generated from spec: {name}",
            tofile=f"committed: {name}",
        )
    )
    if len(lines) > DIFF_LINES_PER_FILE:
        cut = len(lines) - DIFF_LINES_PER_FILE
        lines = [*lines[:DIFF_LINES_PER_FILE], f"... {cut} more diff lines\n"]
    return lines


def report(drift: Drift, committed: dict[str, bytes], fresh: dict[str, bytes], where: str) -> str:
    out = [f"{where}/ differs from what openapi.yaml produces; run `make generate` and commit it."]
    out += [f"  added by hand (not generated): {name}" for name in drift.added]
    out += [f"  missing (generated, not present): {name}" for name in drift.removed]
    out += [f"  changed: {name}" for name in drift.changed]
    for name in drift.changed:
        out.append("".join(diff_excerpt(name, committed[name], fresh[name])).rstrip("\n"))
    return "\n".join(out)


def check(committed_tree: Path, fresh_tree: Path) -> str | None:
    """The drift report of `committed_tree` against `fresh_tree`, or None when they match."""
    committed, fresh = tree_files(committed_tree), tree_files(fresh_tree)
    drift = compare(committed, fresh)
    if not drift:
        return None
    where = (
        committed_tree.relative_to(ROOT) if committed_tree.is_relative_to(ROOT) else committed_tree
    )
    return report(drift, committed, fresh, str(where))


def drift_report(committed_tree: Path = OUTPUT) -> str | None:
    """Regenerate into a scratch folder and compare; the report, or None when nothing drifted.

    Raises `GenerationError` when the client cannot be generated at all.
    """
    with tempfile.TemporaryDirectory(prefix="check-generated-") as work:
        fresh = Path(work) / "generated"
        generate_into(fresh)
        return check(committed_tree, fresh)
