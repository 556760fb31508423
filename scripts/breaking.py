"""The breaking-change gate: compare openapi.yaml with the last published spec.

Prints every difference with its oasdiff rule id and level, then a summary. Exits 1 when a change
would break existing clients and ``info.version`` did not raise its major number, so that a
breaking release is always a deliberate, visible major version; 0 otherwise; 2 when a spec cannot
be read.

    python -m scripts.breaking [--base published/openapi.yaml] [--revision openapi.yaml]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import yaml

from scripts.spec_diff import BREAKING, Change, diff_specs

DEFAULT_BASE: Final = Path("published/openapi.yaml")
DEFAULT_REVISION: Final = Path("openapi.yaml")
EXIT_OK: Final = 0
EXIT_BREAKING: Final = 1
EXIT_UNREADABLE: Final = 2


class SpecError(Exception):
    """A spec file that is missing or is not a YAML mapping."""


def load_spec(path: Path) -> Mapping[str, Any]:
    """Read one spec, turning every way it can be unreadable into a SpecError."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(f"cannot read {path}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise SpecError(f"{path} is not UTF-8 text: {error.reason}") from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SpecError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(data, Mapping):
        raise SpecError(f"{path} is not an OpenAPI document (a YAML mapping at the top)")
    return data


def major_version(spec: Mapping[str, Any]) -> int | None:
    """The semver major of ``info.version``, or None when it has none."""
    info = spec.get("info")
    version = str(info.get("version", "")) if isinstance(info, Mapping) else ""
    head = version.strip().lstrip("vV").split(".", 1)[0]
    return int(head) if head.isdigit() else None


def format_change(change: Change, width: int) -> str:
    """One report line: level, rule id, operation, then the place and what happened."""
    return f"{change.level:<13} {change.rule:<{width}}  {change.where}  {change.message}"


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.breaking",
        description="Fail when openapi.yaml breaks clients of the last published spec.",
    )
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE, help="the published spec")
    parser.add_argument("--revision", type=Path, default=DEFAULT_REVISION, help="the new spec")
    return parser.parse_args(argv)


def _verdict(changes: list[Change], base: Mapping[str, Any], revision: Mapping[str, Any]) -> int:
    """Print the outcome; breaking changes pass only with a raised major version."""
    breaking = sum(change.level == BREAKING for change in changes)
    print(f"{breaking} breaking, {len(changes) - breaking} non-breaking change(s)")
    if not breaking:
        return EXIT_OK
    old, new = major_version(base), major_version(revision)
    if old is not None and new is not None and new > old:
        print(f"breaking changes allowed: the major version went up from {old} to {new}")
        return EXIT_OK
    shown = "?" if old is None else old, "?" if new is None else new
    print(
        f"FAIL: breaking changes need a higher major info.version "
        f"(published major {shown[0]}, revision major {shown[1]})"
    )
    return EXIT_BREAKING


def main(argv: Sequence[str] | None = None) -> int:
    """Run the gate and return its exit code."""
    args = _parse_args(argv)
    try:
        base, revision = load_spec(args.base), load_spec(args.revision)
    except SpecError as error:
        print(f"breaking: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    changes = diff_specs(base, revision)
    print(f"comparing {args.base} (published) with {args.revision}")
    width = max((len(change.rule) for change in changes), default=0)
    for change in changes:
        print(format_change(change, width))
    return _verdict(changes, base, revision)


if __name__ == "__main__":
    sys.exit(main())
