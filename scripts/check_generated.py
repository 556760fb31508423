"""`make check-generated`: fail when `generated/` is not what `openapi.yaml` produces.

Regenerates into a temporary folder and compares the trees byte for byte, new files included
(`codegen/drift.py`).
"""

from __future__ import annotations

import sys

from codegen.drift import drift_report
from codegen.generator import GenerationError


def main() -> int:
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
    sys.exit(main())
