"""`make validate`: check `openapi.yaml` stage by stage, stopping at the first stage that fails.

    python -m scripts.validate [openapi.yaml]

The stages and their order are `contract.validate.STAGES`. Exit status 0 when every stage
passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from contract.validate import validate


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.validate", description=__doc__)
    parser.add_argument("spec", nargs="?", default="openapi.yaml", type=Path)
    args = parser.parse_args(argv)
    return 0 if validate(args.spec) else 1


if __name__ == "__main__":
    sys.exit(main())
