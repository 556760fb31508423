"""`make check-traffic HAR=file.har`: the proxy's contract checks over a recorded HAR 1.2 file.

Writes reports/traffic-junit.xml and reports/traffic-summary.json (TRAFFIC_REPORTS_DIR moves
them). `--no-drift`: the kit's checks alone, without `redocly drift` (which needs Node and takes
seconds a file). Exit status: 1 when the traffic showed a contract failure, 0 when not, 2 when
the file cannot be read. See `traffic/README.md`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from traffic.har import HarError
from traffic.offline import check

UNREADABLE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.check_traffic", description=__doc__)
    parser.add_argument("har", type=Path, nargs="?", default=os.environ.get("HAR") or None)
    parser.add_argument(
        "--reports-dir",
        type=Path,
        default=Path(os.environ.get("TRAFFIC_REPORTS_DIR") or "reports"),
    )
    parser.add_argument("--no-drift", action="store_true", help="skip redocly drift")
    args = parser.parse_args(argv)
    if args.har is None:
        print("check-traffic: name the file: make check-traffic HAR=file.har", file=sys.stderr)
        return UNREADABLE
    try:
        return check(Path(args.har), args.reports_dir, drift=not args.no_drift).exit_status
    except HarError as error:
        print(f"check-traffic: {error}", file=sys.stderr)
        return UNREADABLE


if __name__ == "__main__":
    raise SystemExit(main())
