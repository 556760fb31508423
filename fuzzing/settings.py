"""How `make fuzz` runs: its budget, workers, stopping rule and reports, from `FUZZ_*` variables."""

from __future__ import annotations

import os
import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fuzzing.reports import FuzzReportPaths

PHASES = "examples,coverage,fuzzing,stateful"
DEFAULT_MAX_EXAMPLES = 100
DEFAULT_MAX_TIME = 240
DEFAULT_WORKERS = 1


class FuzzSettingsError(ValueError):
    """A `FUZZ_*` variable holds a value the harness cannot use; the message says which."""


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() not in ("", "0", "false", "no")


def _number(env: Mapping[str, str], name: str, default: int, least: int) -> int:
    text = env.get(name) or str(default)
    try:
        value = int(text)
    except ValueError:
        raise FuzzSettingsError(f"{name}={text!r} is not a whole number") from None
    if value < least:
        raise FuzzSettingsError(f"{name}={value} is below {least}")
    return value


@dataclass(frozen=True)
class FuzzSettings:
    """How much to fuzz, with how many workers, and where to write."""

    seed: int
    max_examples: int
    max_time: int
    fail_fast: bool
    reports: FuzzReportPaths
    phases: str = PHASES
    workers: int = DEFAULT_WORKERS
    preflight_only: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> FuzzSettings:
        """`FuzzSettingsError` names the variable whose value cannot be used."""
        seed = env.get("FUZZ_SEED") or str(random.SystemRandom().randrange(2**31))
        return cls(
            seed=_number({"FUZZ_SEED": seed}, "FUZZ_SEED", 0, 0),
            max_examples=_number(env, "FUZZ_MAX_EXAMPLES", DEFAULT_MAX_EXAMPLES, 1),
            max_time=_number(env, "FUZZ_MAX_TIME", DEFAULT_MAX_TIME, 1),
            fail_fast=_flag(env, "FUZZ_FAIL_FAST"),
            reports=FuzzReportPaths(Path(env.get("FUZZ_REPORTS_DIR") or "reports")),
            phases=env.get("FUZZ_PHASES") or PHASES,
            workers=_number(env, "FUZZ_WORKERS", DEFAULT_WORKERS, 1),
            preflight_only=_flag(env, "FUZZ_PREFLIGHT_ONLY"),
        )
