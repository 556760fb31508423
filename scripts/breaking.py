"""`make breaking`: compare openapi.yaml with the last published spec (`spec_diff/`).

Prints every difference with its oasdiff rule id and level, then a summary. Exits 1 when a change
would break existing clients and ``info.version`` did not raise its major number; 0 otherwise;
2 when a spec cannot be read.

    python -m scripts.breaking [--base published/openapi.yaml] [--revision openapi.yaml]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from spec_diff.gate import SpecError, judge, read_spec

EXIT_OK: Final = 0
EXIT_BREAKING: Final = 1
EXIT_UNREADABLE: Final = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.breaking",
        description="Fail when openapi.yaml breaks clients of the last published spec.",
    )
    parser.add_argument("--base", type=Path, default=Path("published/openapi.yaml"))
    parser.add_argument("--revision", type=Path, default=Path("openapi.yaml"))
    args = parser.parse_args(argv)
    try:
        base, revision = read_spec(args.base), read_spec(args.revision)
    except SpecError as error:
        print(f"breaking: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"comparing {args.base} (published) with {args.revision}")
    verdict = judge(base, revision)
    print("\n".join(verdict.lines))  # every change, then the verdict: never empty
    return EXIT_OK if verdict.passed else EXIT_BREAKING


if __name__ == "__main__":
    raise SystemExit(main())
