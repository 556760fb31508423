"""`make fuzz`: pre-flight, then schemathesis and the probes side by side, against `TARGET_URL`
or, when unset, a reference server started for the run (`fuzzing.runner`, `fuzzing/README.md`).

    python -m scripts.fuzz

Every setting is an environment variable (`TARGET_*`, `FUZZ_*`). Exit 0 when the target keeps the
contract, 1 when it breaks it, 2 when the run cannot start as set up.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from fuzzing.runner import main as fuzz


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.fuzz", description=__doc__)
    parser.parse_args(argv)
    return fuzz()


if __name__ == "__main__":
    raise SystemExit(main())
