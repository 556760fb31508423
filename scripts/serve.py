"""`make serve`: the reference server until Ctrl-C, as `make serve` runs it: in dev mode
(`--dev`), on 127.0.0.1:PORT.

    python -m scripts.serve [--dev] [--port N] [--stack STACK] [--workers N] [...]

The flags and their environment variables (`PORT`, `WORKERS`, `SERVER_STACK`, ...) are those of
`python -m reference_server` (README.md, `reference_server/settings.py`), which parses them.
Exit status 0 when stopped by a signal, 2 when it cannot start.
"""

from __future__ import annotations

from collections.abc import Sequence

from reference_server.command import main as serve


def main(argv: Sequence[str] | None = None) -> int:
    return serve(argv)


if __name__ == "__main__":
    raise SystemExit(main())
