"""When `make validate` may skip its stages: the spec and everything that judges it are unchanged
since they last passed.

What judges the spec: the project's checks (all of `contract/`), the Node linters' configs and
pinned versions (`package-lock.json`, run as `tooling/node.py` says) and the Python validators
(`requirements.lock`). Kept apart from `contract.validate`, whose imports alone take longer than
a skipped run should.
"""

from __future__ import annotations

from pathlib import Path

from tooling.paths import ROOT
from tooling.stamps import Stamp, digest

STAMPS = ROOT / ".cache" / "stamps"
CONTRACT = Path(__file__).resolve().parent
JUDGES = (
    CONTRACT,
    ROOT / "redocly.yaml",
    ROOT / ".spectral.yaml",
    ROOT / "package-lock.json",
    ROOT / "requirements.lock",
    ROOT / "tooling" / "node.py",
)


def _byproduct(relative: Path) -> bool:
    return "__pycache__" in relative.parts or relative.suffix == ".pyc"


def validate_record(spec: Path) -> dict[str, str]:
    """What a passing run of every stage on `spec` is recorded as: contents only, so a copy of a
    workspace with its stamps is as fresh as the original."""
    return {"inputs": digest([spec, *JUDGES], skip=_byproduct)}


def validate_stamp(stamps: Path = STAMPS) -> Stamp:
    return Stamp(stamps / "validate.json")
