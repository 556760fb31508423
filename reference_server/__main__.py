"""`python -m reference_server`: run the reference server with uvicorn until SIGTERM or SIGINT."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Sequence
from types import FrameType

import jwt
import uvicorn

from contract.loading import SpecLoadError
from reference_server.app import create_app
from reference_server.settings import SettingsError, from_args
from reference_server.storage.base import StoreError

log = logging.getLogger("reference_server")


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    # uvicorn handles SIGTERM/SIGINT while it serves: it drains requests, runs the shutdown,
    # then re-raises the signal against the handler that was there before. That is this one,
    # so a stop by signal ends with exit status 0 instead of a traceback or a signal death.
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.signal(signal.SIGINT, _exit_cleanly)
    try:
        settings = from_args(argv)
        app = create_app(settings)
    except (SettingsError, SpecLoadError, ValueError, OSError, jwt.PyJWTError, StoreError) as exc:
        # A setting, the spec, the data file or a key set is wrong, or the database cannot be
        # reached: say which, in one line.
        log.error("cannot start: %s", exc)
        return 2
    except Exception:
        log.exception("cannot start")
        return 2
    mode = "dev mode (dev-key tokens accepted)" if settings.dev_mode else "production auth"
    log.info(
        "serving on http://%s:%d%s, %s%s",
        settings.host,
        settings.port,
        app.state.spec.base_path,
        mode,
        ", responses validated" if settings.validate_responses else "",
    )
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        access_log=False,  # the app logs one line per request itself
        log_config=None,
        server_header=False,
        timeout_graceful_shutdown=10,
    )
    uvicorn.Server(config).run()
    log.info("stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
