"""`make rules`: the rule table of `fuzzing/README.md`, from `openapi.yaml` and
`docs/decisions.md`, and the variant tables of `bug_zoo/README.md` (`bug_zoo.rule_table`).

    python -m scripts.rules [--write | --check]

`--write` (as `make rules` runs it) replaces the tables in the READMEs; `--check` exits 1 when a
README's table is stale; with neither, the rule table is printed.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bug_zoo.rule_table import run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.rules", description=__doc__)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write the table into the README")
    action.add_argument("--check", action="store_true", help="exit 1 when the README's is stale")
    args = parser.parse_args(argv)
    return run("write" if args.write else "check" if args.check else "print")


if __name__ == "__main__":
    raise SystemExit(main())
