"""`make validate`: check `openapi.yaml` stage by stage, stopping at the first stage that fails.

    python -m scripts.validate [--force] [openapi.yaml]

The stages and their order are `contract.validate.STAGES`. For the project's own spec the run is
skipped when neither the spec nor anything that judges it changed since every stage last passed
(`contract.freshness`); `--force` (or `FORCE=1`) runs the stages anyway. Exit status 0 when
every stage passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from contract.freshness import validate_if_changed
from tooling.stamps import forced


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.validate", description=__doc__)
    parser.add_argument("--force", action="store_true", help="run every stage, changed or not")
    parser.add_argument("spec", nargs="?", default="openapi.yaml", type=Path)
    args = parser.parse_args(argv)
    return 0 if validate_if_changed(args.spec, force=forced(args.force)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
