"""`make token`: print a dev token that a dev-mode server accepts.

    python -m scripts.token [--no-permission] [--application] [--state-dir DIR] [--lifetime S]

The flags (`make token TOKEN_FLAGS=...`) are those of `python -m reference_server.token`, which
parses them and mints the token with the dev key of the state folder (`STATE_DIR`, as the
server's).
"""

from __future__ import annotations

from collections.abc import Sequence

from reference_server.token import main as mint


def main(argv: Sequence[str] | None = None) -> int:
    return mint(argv)


if __name__ == "__main__":
    raise SystemExit(main())
