"""The reference server's command: run it until SIGTERM or SIGINT. It is `python -m
reference_server` (how the kit's tools and tests start a server) and `make serve`
(`scripts/serve.py`, with `--dev`).

`--stack` / `SERVER_STACK` chooses the HTTP server and `--workers` / `WORKERS` the number of
processes on the port (see serving.py).
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Sequence
from types import FrameType

import jwt

from contract.loading import SpecLoadError
from reference_server.serving import configure_logging, prepare, run, worker_settings
from reference_server.settings import ServerSettingsError, from_args
from reference_server.storage.base import StoreError
from reference_server.workers import claim_port

log = logging.getLogger("reference_server")


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    # uvicorn handles SIGTERM/SIGINT while it serves: it drains requests, runs the shutdown,
    # then re-raises the signal against the handler that was there before. That is this one,
    # so a stop by signal ends with exit status 0 instead of a traceback or a signal death.
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None) -> int:
    configure_logging()
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.signal(signal.SIGINT, _exit_cleanly)
    try:
        settings = from_args(argv)
        base_path = prepare(settings)
        claim_port(settings.host, settings.port)  # one server per port (workers.py says why)
    except (
        ServerSettingsError,
        SpecLoadError,
        ValueError,
        OSError,
        jwt.PyJWTError,
        StoreError,
    ) as exc:
        # A setting, the spec, the data file or a key set is wrong, or the database cannot be
        # reached: say which, in one line.
        log.error("cannot start: %s", exc)
        return 2
    except Exception:
        log.exception("cannot start")
        return 2
    mode = "dev mode (dev-key tokens accepted)" if settings.dev_mode else "production auth"
    log.info(
        "serving on http://%s:%d%s, %s%s; %s, %d worker process%s",
        settings.host,
        settings.port,
        base_path,
        mode,
        ", responses validated" if settings.validate_responses else "",
        settings.stack,
        settings.workers,
        "" if settings.workers == 1 else "es",
    )
    run(worker_settings(settings))
    log.info("stopped")
    return 0
