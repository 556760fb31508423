"""`make publish`: fill `dist/` with everything a release of the contract ships (`release/`).

python -m scripts.publish [--out DIR] [--spec FILE] [--client DIR] [--changelog FILE]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from release import client_dist, docs_page, notes
from release.bundle import BundleError
from release.publish import RELEASES, PublishError, publish
from tooling.node import ToolMissingError
from tooling.paths import ROOT


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.publish", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--spec", type=Path, default=ROOT / "openapi.yaml")
    parser.add_argument("--client", type=Path, default=ROOT / "generated")
    parser.add_argument("--changelog", type=Path, default=ROOT / "CHANGELOG.md")
    parser.add_argument(
        "--releases", type=Path, default=RELEASES, help="the published specs, <version>.yaml"
    )
    args = parser.parse_args(argv)
    try:
        files = publish(args.out, args.spec, args.client, args.changelog, args.releases)
    except (
        PublishError,
        BundleError,
        ToolMissingError,
        docs_page.DocsPageError,
        client_dist.ClientDistError,
        notes.ReleaseNotesError,
    ) as error:
        print(f"publish: {error}", file=sys.stderr)
        return 1
    listing = (f"  {path.stat().st_size:>10}  {path.name}" for path in files)
    print("\n".join([f"published {len(files)} files to {args.out}:", *listing]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
