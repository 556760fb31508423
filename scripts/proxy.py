"""`make proxy`: a checking reverse proxy on 127.0.0.1:PROXY_PORT in front of TARGET_URL.

Settings (environment, or the flags below): TARGET_URL (default `make serve`'s
http://127.0.0.1:8000/beta), PROXY_PORT (8010), PROXY_MAX_TIME (seconds; unset: until Ctrl-C),
TRAFFIC_REPORTS_DIR (reports/), PROXY_REWRITE_HOST=1 (send the target's own `Host`, for a
virtual-hosted target), PROXY_CAPTURE_BYTES (1 MiB: a longer body is forwarded whole and checked
not at all). Exit status: 1 when the traffic showed a contract failure, 0 when not, 2 when the
proxy could not start. See `traffic/README.md`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from starlette.config import Config

from tooling.server_env import EnvironmentValueError, Variable
from traffic.live import SETUP_ERROR, ProxySettings, run
from traffic.proxy import DEFAULT_CAPTURE_BYTES

DEFAULT_TARGET = "http://127.0.0.1:8000/beta"


def main(argv: Sequence[str] | None = None) -> int:
    env = os.environ
    # Read as the server's variables are: a value its type cannot read is named with its text.
    config = Config(environ={name: text for name, text in env.items() if text.strip()})
    try:
        port = Variable("PROXY_PORT", int, 8010, "a whole number").read(config)
        max_time = Variable("PROXY_MAX_TIME", float, None, "a number of seconds").read(config)
        capture = Variable(
            "PROXY_CAPTURE_BYTES", int, DEFAULT_CAPTURE_BYTES, "a whole number"
        ).read(config)
    except EnvironmentValueError as error:
        print(f"proxy: {error}", file=sys.stderr)
        return SETUP_ERROR
    parser = argparse.ArgumentParser(prog="python -m scripts.proxy", description=__doc__)
    parser.add_argument("--target-url", default=env.get("TARGET_URL") or DEFAULT_TARGET)
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--max-time", type=float, default=max_time)
    parser.add_argument(
        "--reports-dir", type=Path, default=Path(env.get("TRAFFIC_REPORTS_DIR") or "reports")
    )
    parser.add_argument(
        "--rewrite-host", action="store_true", default=env.get("PROXY_REWRITE_HOST") == "1"
    )
    parser.add_argument("--capture-bytes", type=int, default=capture)
    args = parser.parse_args(argv)
    parts = urlsplit(args.target_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        print(f"proxy: TARGET_URL {args.target_url!r} is not an http(s) URL", file=sys.stderr)
        return SETUP_ERROR
    return run(
        ProxySettings(
            target_url=args.target_url,
            port=args.port,
            max_time=args.max_time,
            reports_dir=args.reports_dir,
            rewrite_host=args.rewrite_host,
            capture_bytes=args.capture_bytes,
        )
    )


if __name__ == "__main__":
    raise SystemExit(main())
