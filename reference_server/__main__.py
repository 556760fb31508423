"""`python -m reference_server`: the server as a process of its own (`reference_server.command`)."""

from __future__ import annotations

from reference_server.command import main

if __name__ == "__main__":
    raise SystemExit(main())
