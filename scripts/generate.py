"""`make generate`: validate `openapi.yaml` and regenerate the typed client under `generated/`.

    python -m scripts.generate [--force]

Nothing to do, and done at once, when the spec, the generator's config, templates and pinned
tools are unchanged and `generated/` is as last generated (`codegen.freshness`); otherwise the
validation and the client's build run side by side, and `generated/` is replaced only when both
passed (`codegen.pipeline`). `--force` (or `FORCE=1`) runs every stage anyway.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from codegen.generator import GenerationError
from codegen.pipeline import run
from tooling.stamps import forced


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.generate", description=__doc__)
    parser.add_argument("--force", action="store_true", help="run every stage, changed or not")
    args = parser.parse_args(argv)
    try:
        return 0 if run(force=forced(args.force)) else 1
    except GenerationError as error:
        print(f"generate: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
