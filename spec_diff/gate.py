"""The breaking-change gate: the changes from the published spec to this one, and the verdict.

A breaking change passes only with a higher major `info.version`, so that a breaking release is
always a deliberate, visible major version. The changes are the spec's (`diff_specs`) and, when
given, the generated client's public API (`client_api`): a renamed enum member breaks client code
even where the spec's diff sees nothing that breaks a request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract.loading import SpecLoadError, load_spec
from spec_diff import BREAKING, Change, diff_specs


class SpecError(Exception):
    """A spec file that is missing, is not YAML, repeats a key, or is not a mapping."""


@dataclass(frozen=True)
class GateVerdict:
    """What the gate found: every change, the report's lines, and whether the change may ship."""

    changes: list[Change]
    lines: list[str]
    passed: bool


def read_spec(path: Path) -> Mapping[str, Any]:
    """Read one spec with the kit's one loader, every way it can be unreadable a `SpecError`."""
    try:
        return load_spec(path).data
    except SpecLoadError as error:
        raise SpecError(str(error)) from error


def major_version(spec: Mapping[str, Any]) -> int | None:
    """The semver major of ``info.version``, or None when it has none."""
    info = spec.get("info")
    version = str(info.get("version", "")) if isinstance(info, Mapping) else ""
    head = version.strip().lstrip("vV").split(".", 1)[0]
    return int(head) if head.isdigit() else None


def format_change(change: Change, width: int) -> str:
    """One report line: level, rule id, operation, then the place and what happened."""
    return f"{change.level:<13} {change.rule:<{width}}  {change.where}  {change.message}"


def judge(
    base: Mapping[str, Any], revision: Mapping[str, Any], client: Sequence[Change] = ()
) -> GateVerdict:
    """Every change from `base` to `revision` (and of their clients' API, `client`), one line
    each, then the verdict's lines."""
    changes = diff_specs(base, revision)
    changes = [
        *(change for change in changes if change.level == BREAKING),
        *client,
        *(change for change in changes if change.level != BREAKING),
    ]
    width = max((len(change.rule) for change in changes), default=0)
    lines = [format_change(change, width) for change in changes]
    breaking = sum(change.level == BREAKING for change in changes)
    lines.append(f"{breaking} breaking, {len(changes) - breaking} non-breaking change(s)")
    if not breaking:
        return GateVerdict(changes, lines, passed=True)
    old, new = major_version(base), major_version(revision)
    if old is not None and new is not None and new > old:
        lines.append(f"breaking changes allowed: the major version went up from {old} to {new}")
        return GateVerdict(changes, lines, passed=True)
    shown = "?" if old is None else old, "?" if new is None else new
    lines.append(
        f"FAIL: breaking changes need a higher major info.version "
        f"(published major {shown[0]}, revision major {shown[1]})"
    )
    return GateVerdict(changes, lines, passed=False)
