"""`python -m reference_server.token`: print a dev token that a dev-mode server accepts.

The token is signed with the dev key of the state folder (created on first use), so run it with the
same `--state-dir` / `STATE_DIR` as the server.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from reference_server.auth import PERMISSION, mint_dev_token
from reference_server.settings import DEV_AUDIENCE, DEV_ISSUER, production_token_settings
from tooling.server_env import (
    JWKS_FILE,
    JWKS_URL,
    STATE_DIR,
    TOKEN_AUDIENCE,
    TOKEN_ISSUER,
    server_config,
)


def main(argv: Sequence[str] | None = None) -> int:
    config = server_config(os.environ)
    parser = argparse.ArgumentParser(prog="python -m reference_server.token", description=__doc__)
    parser.add_argument(
        "--no-permission",
        action="store_true",
        help=f"leave out {PERMISSION}; the server then answers 403",
    )
    parser.add_argument(
        "--application",
        action="store_true",
        help="grant the permission as an application permission (roles) instead of scp",
    )
    parser.add_argument("--state-dir", type=Path, default=STATE_DIR.read(config))
    parser.add_argument("--lifetime", type=int, default=3600, help="seconds until it expires")
    args = parser.parse_args(argv)
    mixed = production_token_settings(
        TOKEN_ISSUER.read(config), JWKS_FILE.read(config), JWKS_URL.read(config)
    )
    if mixed:
        # A dev-key token is for a dev-mode server, which will not start beside these either.
        sys.stderr.write(
            "dev tokens are for a dev-mode server, which never runs beside production token "
            f"settings: unset {', '.join(mixed)}\n"
        )
        return 2
    claims: dict[str, object] = {}
    if args.application:
        claims = {"scp": None, "roles": [] if args.no_permission else [PERMISSION]}
    token = mint_dev_token(
        args.state_dir,
        issuer=TOKEN_ISSUER.read(config) or DEV_ISSUER,
        audience=TOKEN_AUDIENCE.read(config) or DEV_AUDIENCE,
        permission=not args.no_permission,
        lifetime=args.lifetime,
        claims=claims,
    )
    sys.stdout.write(token + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
