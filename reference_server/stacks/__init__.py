"""The HTTP servers the app can run on (`SERVER_STACK`): one module here per stack.

A stack is a module whose name is the stack's, `-` written `_` (`uvicorn_uvloop.py` serves
`uvicorn-uvloop`), defining `run(settings)`: serve `create_app` on `settings.host` and `.port` in
`settings.workers` processes until SIGTERM or SIGINT (`reference_server.serving` has what they
share). The names are read from the folder without importing a stack, since the settings check
`SERVER_STACK` against them before any stack's server library is wanted.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from tooling.discovery import module_names

if TYPE_CHECKING:
    from reference_server.settings import ServerSettings


def stacks() -> tuple[str, ...]:
    """Every stack of the folder by name, sorted."""
    return tuple(name.replace("_", "-") for name in module_names(__name__))


STACKS = stacks()


def runner(stack: str) -> Callable[[ServerSettings], None]:
    """The `run` of stack `stack`; `ValueError` when there is no such stack."""
    if stack not in stacks():
        raise ValueError(f"no stack {stack!r} (known: {', '.join(stacks())})")
    module = importlib.import_module(f"{__name__}.{stack.replace('-', '_')}")
    return cast("Callable[[ServerSettings], None]", module.run)
