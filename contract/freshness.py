"""When `make validate` may skip its stages: the spec and everything that judges it are unchanged
since they last passed; and the run that skips them or runs them (`validate_if_changed`).

What judges the spec: the project's checks (all of `contract/`), the Node linters' configs and
pinned versions (`package-lock.json`, run as `tooling/node.py` says) and the Python validators
(`requirements.lock`). Kept apart from `contract.validate`, whose imports alone take longer than
a skipped run should.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tooling.paths import ROOT, SPEC
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


def validate_if_changed(
    spec: Path, *, force: bool = False, out: Callable[[str], None] = print
) -> bool:
    """`make validate`: every stage on `spec`, or none when it is the project's spec and neither it
    nor anything that judges it changed since every stage last passed (`force`: run them anyway).
    A pass of the project's spec is recorded for the next run. True when every stage passes."""
    record = validate_record(spec) if spec.resolve() == SPEC else None
    if record is not None and not force and validate_stamp().matches(record):
        out(
            f"validate: {spec} passes every stage (unchanged, and so are the checks, since "
            "they last ran; FORCE=1 to run them anyway)"
        )
        return True
    from contract.validate import validate  # its imports take a while: only when it runs

    if not validate(spec, out):
        return False
    if record is not None:
        validate_stamp().write(record)
    return True
