"""What a check judges: one exchange, and what the mode that saw it can add.

Every mode has the exchange itself. Some rules need more: what was known of the run before the
request (a ledger of the runs seen so far, or a state the prober read), or a read of the run
after it (a PATCH of the harness's own). Each mode supplies what it can: schemathesis's adapter
both, the prober both, a passive observer (a proxy, a recorded HAR) a ledger but no reads. A rule
that reaches for what its mode lacks is skipped, saying what it needed, rather than guessing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from fuzzing.exchange import Exchange, Route
from fuzzing.run_ledger import Reading, Snapshot


class Need(Enum):
    """What a check may need besides the exchange; its value ends "skipped: needs ..."."""

    LEDGER = "what was known of the run before the request"
    ACTIVE_READ = "an active read"


Reader = Callable[[Route], Reading]
"""Reads the run a route addresses (with a PATCH that changes nothing) at the route's URL: an
Update process run route reads through the process, so a run not linked there is 404."""


class NeedUnmetError(Exception):
    """The mode cannot supply what a check needs here; the check is skipped, not failed."""

    def __init__(self, need: Need) -> None:
        super().__init__(f"needs {need.value}")
        self.need = need


@dataclass(frozen=True)
class Evidence:
    """One exchange, with what its mode knows of the run before it and whether it can read one.

    `before` is None where the mode cannot tell: no ledger, or one that never saw the run. A
    passive ledger says `known=False` only for a run it saw answer 404 and never saw created,
    since a run it merely never saw may well exist. `reader` is None in passive modes.
    """

    exchange: Exchange
    before: Snapshot | None = None
    reader: Reader | None = None
    declared: frozenset[Need] = field(default=frozenset(Need), repr=False)
    """What the check being run declared; the registry narrows it before each check."""

    def ledger(self) -> Snapshot:
        """What was known of the run before the request; skips the check where nothing was."""
        self._require(Need.LEDGER)
        if self.before is None:
            raise NeedUnmetError(Need.LEDGER)
        return self.before

    def read(self, route: Route) -> Reading:
        """The run `route` addresses, as it is now; skips the check in a passive mode."""
        self._require(Need.ACTIVE_READ)
        if self.reader is None:
            raise NeedUnmetError(Need.ACTIVE_READ)
        return self.reader(route)

    def _require(self, need: Need) -> None:
        # A check that used more than it declared would be offered to modes that cannot run it.
        if need not in self.declared:
            raise RuntimeError(
                f"a check used {need.value} without declaring {need} in @contract_check"
            )
