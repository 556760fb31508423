"""uvicorn set up the one way the kit's own servers want it (the zoo, the proxy, the bench's
ceiling, test upstreams).

They log for themselves or not at all, so uvicorn writes no access log, installs no logging
config over the process's, and sends no `Server` header the checks would have to ignore. Nor
does uvicorn believe `X-Forwarded-For` / `-Proto` from its default of 127.0.0.1: a server that
wants them names its proxies (the reference server's `FORWARDED_ALLOW_IPS`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import uvicorn


def uvicorn_config(
    app: Callable[..., Any], *, port: int, host: str = "127.0.0.1", **options: Any
) -> uvicorn.Config:
    """A `uvicorn.Config` for `app` on `host:port`, quiet as above; `options` add to it."""
    options.setdefault("proxy_headers", False)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        log_config=None,
        server_header=False,
        **options,
    )
