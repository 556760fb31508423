"""`make fuzz-conforming`: the fuzzing harness against every conforming variant of the zoo,
servers that differ from the reference only where the contract allows; each must pass
(`bug_zoo.runner`, `bug_zoo/README.md`).

    python -m scripts.fuzz_conforming

Settings as for `make fuzz-zoo`. Exit 1 when one of them failed.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bug_zoo.runner import fuzz_suite


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.fuzz_conforming", description=__doc__)
    parser.parse_args(argv)
    return fuzz_suite("conforming")


if __name__ == "__main__":
    raise SystemExit(main())
