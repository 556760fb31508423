"""How schemathesis runs a contract check: the evidence comes from this process's run ledger.

`hooks.before_call` snapshots what the ledger knew of each request's run; the adapter hands that
snapshot to the rule, and reads runs through the ledger, so that what a read shows is remembered
for the next request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import schemathesis

from fuzzing.checks.evidence import Evidence, Need, NeedUnmetError, Reader
from fuzzing.exchange import Exchange, Route, exchange_of
from fuzzing.run_ledger import LEDGER, Reading, read_run

if TYPE_CHECKING:
    from schemathesis import CheckContext, Response
    from schemathesis.generation.case import Case

    from fuzzing.checks.registry import ContractCheck


def _reader(exchange: Exchange, request_id: str) -> Reader:
    """Read a run where its route says, and remember it under the base URL being fuzzed.

    With several workers, another request to the same run may land while this one's check
    reads it: then the read shows that request's changes too, and the check is skipped.
    """

    def read(route: Route) -> Reading:
        reading = read_run(route.base_url, route.target, process_of=route.process_of)
        fuzzed = exchange.route
        if fuzzed is not None and LEDGER.disturbed(request_id, fuzzed.base_url, route.target):
            raise NeedUnmetError(Need.LEDGER)
        if reading.run is not None and fuzzed is not None:
            LEDGER.record(fuzzed.base_url, route.target, reading.run, reading.etag)
        return reading

    return read


def evidence_of(response: Response, case: Case[Any]) -> Evidence:
    """The exchange schemathesis recorded, the ledger's snapshot before it, and a reader."""
    exchange = exchange_of(response)
    return Evidence(exchange, before=LEDGER.snapshot(case.id), reader=_reader(exchange, case.id))


def register_with_schemathesis(check: ContractCheck) -> None:
    """Register `check` with schemathesis under `check.name`, the name its failures report."""

    def adapter(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        try:
            check(evidence_of(response, case))
        except NeedUnmetError:
            return True  # schemathesis's way to say a check was skipped, not passed
        return None

    adapter.__name__ = adapter.__qualname__ = check.name
    adapter.__doc__ = check.rule.__doc__
    schemathesis.check(adapter)
