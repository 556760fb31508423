"""`make publish`: fill `dist/` with everything a release of the contract ships (`release/`).

python -m scripts.publish [--out DIR] [--spec FILE] [--client DIR] [--changelog FILE] [--record]

`--record`, in the release commit only: also copy the release's spec, notes and API changelog
into `published/` (`release/record.py`); a version already there must come out byte for byte
the same.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from release import client_dist, docs_page, notes
from release.bundle import BundleError
from release.publish import RELEASES, PublishError, publish, spec_info
from release.record import RecordError, record
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
    parser.add_argument(
        "--record",
        action="store_true",
        help="record the release in published/ (the release commit only)",
    )
    args = parser.parse_args(argv)
    recorded: list[Path] = []
    try:
        files = publish(args.out, args.spec, args.client, args.changelog, args.releases)
        if args.record:
            recorded = record(args.out, spec_info(args.spec)[0], args.releases)
    except (
        PublishError,
        BundleError,
        ToolMissingError,
        docs_page.DocsPageError,
        client_dist.ClientDistError,
        notes.ReleaseNotesError,
        RecordError,
    ) as error:
        print(f"publish: {error}", file=sys.stderr)
        return 1
    listing = (f"  {path.stat().st_size:>10}  {path.name}" for path in files)
    print("\n".join([f"published {len(files)} files to {args.out}:", *listing]))
    if recorded:
        print("\n".join(["recorded the release:", *(f"  {path}" for path in recorded)]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
