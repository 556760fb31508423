"""`make soak`: concurrent clients against the server for a bounded time, then every write checked.

Settings: SOAK_CLIENTS, SOAK_SECONDS, and SOAK_URL with SOAK_TOKEN and DATABASE_URL to soak a
server that runs already; see `soak/`.
"""

from __future__ import annotations

from soak.run import main

if __name__ == "__main__":
    raise SystemExit(main())
