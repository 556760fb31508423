"""`make fuzz-zoo`: the fuzzing harness against every bug-zoo variant, each of which must be
caught, and the control, which must pass (`bug_zoo.runner`, `bug_zoo/README.md`).

    python -m scripts.fuzz_zoo [bugs|conforming|all]

`conforming` is `make fuzz-conforming`; `all` runs both suites at once. Settings:
`FUZZ_ZOO_VARIANTS`, `FUZZ_ZOO_WORKERS`, `FUZZ_ZOO_CONTROL` and the harness's `FUZZ_*`. Exit 1
when a variant did not go as expected.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bug_zoo.runner import SUITES, fuzz_suite


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.fuzz_zoo", description=__doc__)
    parser.add_argument("suite", nargs="?", choices=SUITES, default="bugs")
    args = parser.parse_args(argv)
    return fuzz_suite(args.suite)


if __name__ == "__main__":
    raise SystemExit(main())
