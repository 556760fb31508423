"""`python -m tests.support.dying_server --after N --port P --state-dir DIR`: the reference
server (as the bug zoo's control serves it) that answers N requests and then dies, as a mock
that crashes on a fuzzed header does: the process exits before it answers request N+1, so that
request's connection is cut and every later one is refused."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from bug_zoo.catalog import CONTROL
from bug_zoo.serve import build, run

DIED = 3
"""The exit status of the process when it dies on purpose."""


def dying(app: ASGIApp, after: int) -> ASGIApp:
    """`app`, for `after` HTTP requests; the process ends at the next one."""
    answered = 0

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal answered
        if scope["type"] == "http":
            if answered >= after:
                os._exit(DIED)  # no clean stop: the connection under way is cut
            answered += 1
        await app(scope, receive, send)

    return wrapped


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.dying_server")
    parser.add_argument("--after", type=int, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    args.state_dir.mkdir(parents=True, exist_ok=True)
    inner, server = build(CONTROL, args.port, args.state_dir)
    run(dying(inner, args.after), server, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
