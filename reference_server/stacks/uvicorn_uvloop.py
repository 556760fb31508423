"""`uvicorn-uvloop`: uvicorn on uvloop with the httptools (llhttp) parser."""

from __future__ import annotations

from reference_server.serving import serve_with_uvicorn
from reference_server.settings import ServerSettings


def run(settings: ServerSettings) -> None:
    serve_with_uvicorn(settings, loop="uvloop", http="httptools")
