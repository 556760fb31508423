"""How much the bench measures: the full budgets of `make bench`, or the smoke budgets of the tests.

The smoke budgets run every section end to end so the bench cannot rot: one round, no warm-up,
wrk stopping after a few answers, one example per operation. Their figures mean nothing and the
test that runs them never looks at a time; `bench.run` runs the sections side by side then.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.wrk import Load


@dataclass(frozen=True)
class Budget:
    smoke: bool
    generation_pairs: int  # alternating `make generate` / bare generator runs
    server_rounds: int  # rounds of one load run per target and operation
    server_load: Load
    warmup_seconds: float  # per target and operation, before the rounds, not recorded
    profile_seconds: float
    fuzz_runs: int
    fuzz_max_examples: int  # FUZZ_MAX_EXAMPLES of `make fuzz`
    fuzz_max_time: int  # FUZZ_MAX_TIME
    client_pairs: int  # alternating batches: generated client, raw httpx
    client_calls: int  # calls per batch

    @property
    def mode(self) -> str:
        return "smoke" if self.smoke else "full"


FULL = Budget(
    smoke=False,
    generation_pairs=5,
    server_rounds=3,
    server_load=Load(connections=16, threads=2, seconds=5),
    warmup_seconds=2,
    profile_seconds=5,
    fuzz_runs=2,
    fuzz_max_examples=25,
    fuzz_max_time=120,
    client_pairs=40,
    client_calls=50,
)

SMOKE = Budget(
    smoke=True,
    generation_pairs=1,
    server_rounds=1,
    server_load=Load(connections=4, threads=1, seconds=1, requests=20),
    warmup_seconds=0,
    profile_seconds=1,
    fuzz_runs=1,
    fuzz_max_examples=1,
    fuzz_max_time=120,  # a bound only: one example per operation ends far sooner
    client_pairs=1,
    client_calls=5,
)
