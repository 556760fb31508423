"""What the server section measured: the operations it drives and the figures it found."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench import wrk as bench_wrk
from bench.ceiling import STACKS
from bench.profile import Profile
from bench.stats import Summary, pair_ratios
from bench.targets import Running

FLOW_RUN = "/industryData/incomingFlows/demo-flow/runs/demo-run"


@dataclass(frozen=True)
class DrivenOperation:
    name: str
    method: str
    path: str
    body: str  # which body the wrk script sends: "update" or "add"


OPERATIONS = (
    DrivenOperation("Update run", "PATCH", FLOW_RUN, "update"),
    DrivenOperation("Add run", "POST", FLOW_RUN + "/process/runs/$ref", "add"),
)


@dataclass
class Measured:
    """Everything one run of the section found."""

    running: list[Running]
    before: str | None
    default: str | None = None  # the stack `make serve` runs by default
    loads: dict[tuple[str, str], list[bench_wrk.LoadResult]] = field(default_factory=dict)
    probes: dict[str, str] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)

    def runs(self, operation: str, key: str) -> list[bench_wrk.LoadResult]:
        return self.loads.get((operation, self.key(key)), [])

    def key(self, key: str) -> str:
        """`reference` is the server as `make serve` runs it: the default stack, all cores."""
        return f"ref-{self.default}" if key == "reference" else key

    def ratio(self, op: str, numerator: str, denominator: str) -> Summary | None:
        a, b = self.runs(op, numerator), self.runs(op, denominator)
        if not a or not b:
            return None
        return pair_ratios([r.per_second for r in a], [r.per_second for r in b])

    def median_rate(self, op: str, key: str) -> float | None:
        runs = self.runs(op, key)
        return Summary.of([r.per_second for r in runs]).median if runs else None

    def fastest_ceiling(self, op: str) -> str | None:
        """The ceiling target that reached the most requests a second for `op`."""
        rates = {f"ceiling-{stack}": self.median_rate(op, f"ceiling-{stack}") for stack in STACKS}
        known = {key: rate for key, rate in rates.items() if rate}
        return max(known, key=lambda key: known[key]) if known else None
