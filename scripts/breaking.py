"""`make breaking`: compare openapi.yaml with the last published spec (`spec_diff/`), and the
public API of the client each one generates (`codegen.spec_clients`, `spec_diff.client_api`).

Prints every difference with its oasdiff rule id and level, then a summary. Exits 1 when a change
would break existing clients (of the HTTP API or of the generated Python client) and
``info.version`` did not raise its major number; 0 otherwise; 2 when a spec cannot be read or
its client cannot be generated.

    python -m scripts.breaking [--base published/openapi.yaml] [--revision openapi.yaml]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from codegen.generator import PACKAGE, GenerationError
from codegen.spec_clients import client_for
from spec_diff.client_api import client_changes
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
    try:
        clients = client_for(args.base), client_for(args.revision)
    except GenerationError as error:
        print(f"breaking: cannot generate a client to compare: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"comparing {args.base} (published) with {args.revision}, and their clients' API")
    verdict = judge(base, revision, client_changes(*clients, PACKAGE))
    print("\n".join(verdict.lines))  # every change, then the verdict: never empty
    return EXIT_OK if verdict.passed else EXIT_BREAKING


if __name__ == "__main__":
    raise SystemExit(main())
