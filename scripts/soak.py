"""`make soak`: concurrent clients against the server for a bounded time, then every write checked.

    python -m scripts.soak

Settings: SOAK_CLIENTS, SOAK_SECONDS, and SOAK_URL with SOAK_TOKEN and DATABASE_URL to soak a
server that runs already; see `soak/`. Exit 1 when a write was lost or a check failed.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from soak.run import main as soak


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.soak", description=__doc__)
    parser.parse_args(argv)
    return soak()


if __name__ == "__main__":
    raise SystemExit(main())
