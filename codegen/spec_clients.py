"""The client of any spec, generated once per content: what `make breaking` compares.

The published release records its spec, not its client's source, so the gate generates the
client of each side with the one recipe (`generator.generate_into`) into a scratch folder and
keeps it under `.cache/clients/<digest>/`, the digest of every input the bytes depend on
(`freshness.inputs_digest`: the spec, the config, codegen/ and the pinned tools). So the
published client is generated once, and a run with nothing changed generates nothing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Final

from codegen.freshness import inputs_digest
from codegen.generator import generate_into
from tooling.paths import ROOT

CACHE: Final = ROOT / ".cache" / "clients"
KEEP: Final = 8
"""Clients kept, the most recently used: the published one and a few revisions."""


def client_for(spec: Path, cache: Path = CACHE) -> Path:
    """A folder holding the client package generated from `spec` (generated on a cache miss)."""
    folder = cache / inputs_digest(spec)
    if folder.is_dir():
        os.utime(folder)
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".client-", dir=cache))
    try:
        generate_into(scratch / "client", spec)
        try:
            os.replace(scratch / "client", folder)
        except OSError:
            if not folder.is_dir():  # not a concurrent run that got there first
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _prune(cache, keep=folder)
    return folder


def _prune(cache: Path, keep: Path) -> None:
    entries = [entry for entry in cache.iterdir() if entry.is_dir() and entry != keep]
    entries.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
    for stale in entries[KEEP - 1 :]:
        if not stale.name.startswith("."):
            shutil.rmtree(stale, ignore_errors=True)
