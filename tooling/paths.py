"""Where the repository and its installed tools are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository's root folder."""

SPEC = ROOT / "openapi.yaml"
"""The contract: the one file everything else reads."""

VENV_BIN = ROOT / ".venv" / "bin"
"""The project's pinned Python tools (`make install`)."""

NODE_BIN = ROOT / "node_modules" / ".bin"
"""The project's pinned Node.js tools (`npm ci` from `package-lock.json`)."""
