"""`make generate`: regenerate the typed client under `generated/` from `openapi.yaml`.

generate -> ruff (the generator's post-hooks) -> mypy --strict -> import smoke test, in a staging
folder; `generated/` is replaced only when every step passed (`codegen/`).
"""

from __future__ import annotations

import sys

from codegen.generator import OUTPUT, GenerationError
from codegen.pipeline import generate
from tooling.paths import ROOT


def main() -> int:
    try:
        generate()
    except GenerationError as error:
        print(f"generate: {error}", file=sys.stderr)
        return 1
    print(f"generate: wrote {OUTPUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
