"""`uvicorn-asyncio`: uvicorn on asyncio's event loop with the pure-Python h11 parser."""

from __future__ import annotations

from reference_server.serving import serve_with_uvicorn
from reference_server.settings import ServerSettings


def run(settings: ServerSettings) -> None:
    serve_with_uvicorn(settings, loop="asyncio", http="h11")
