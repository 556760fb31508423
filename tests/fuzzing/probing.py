"""The probes alone, as `make fuzz` runs them but without schemathesis alongside."""

from __future__ import annotations

from pathlib import Path

from fuzzing.probes import ProbeOutcome, ProbeSession
from fuzzing.target import Target


def run_probes(target: Target, body_dir: Path) -> list[ProbeOutcome]:
    """Every probe against `target`, one after the other, nothing else running alongside."""
    session = ProbeSession(target, body_dir)
    try:
        session.prepare()
        return session.run()
    finally:
        session.close()
