"""`make check-generated`: fail when `generated/` is not what `openapi.yaml` produces.

Regenerates into a temporary folder and compares the trees byte for byte, new files included
(`codegen/drift.py`).

    python -m scripts.check_generated
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from codegen.drift import drift_report
from codegen.generator import GenerationError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.check_generated", description=__doc__)
    parser.parse_args(argv)
    try:
        problem = drift_report()
    except GenerationError as error:
        print(f"check-generated: {error}", file=sys.stderr)
        return 1
    if problem:
        print(f"check-generated: {problem}", file=sys.stderr)
        return 1
    print("check-generated: generated/ matches openapi.yaml")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
