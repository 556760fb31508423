"""Rules about a create sent again: Add run with an `Idempotency-Key` (the IETF HTTPAPI draft's
header) whose first request added a run is not run again within the retention window.

What the first request answered comes from the ledger of the mode (`Snapshot.keyed`): the passive
observer keeps the first answer of each key it saw, per caller and target; the probes hand theirs
in. A replay that the ledger did not see first is not judged.
"""

from __future__ import annotations

from fuzzing.checks.evidence import Evidence, Need
from fuzzing.checks.registry import contract_check
from fuzzing.checks.rule_helpers import fail
from fuzzing.comparison import json_equal
from fuzzing.run_ledger import key_slot


@contract_check(
    Need.LEDGER,
    covers=(
        "D28",
        "D29",
        "D30",
        "D32",
        "status:addRun:204",
        "status:addRun:422",
        "header:Location",
        "request:parameter.Idempotency-Key:*",
    ),
)
def replayed_key_adds_no_run(evidence: Evidence) -> None:
    """Add run sent again with an `Idempotency-Key` whose first request added a run adds none:
    with the same body it answers as the first did (status and `Location`), with another, 422.

    Refusals (any 4xx, such as 409 while the first is in flight) and server errors add nothing
    and pass; only a success is judged. "The same body" is the same JSON value (D29): member
    order aside, every value and its type counts (`true` is not `1`), numbers by value
    (D35: `1` is `1.0`, as a service that keeps doubles cannot tell them apart).
    """
    exchange = evidence.exchange
    if key_slot(exchange) is None or not 200 <= exchange.status < 300:
        return
    first = evidence.ledger().keyed
    if first is None:
        return
    key = exchange.request_header("idempotency-key")
    if not json_equal(exchange.request_json, first.body):
        fail(
            "The same Idempotency-Key with another body was run",
            exchange,
            [
                f"the key {key} first added the run at {first.location!r} with another body; "
                f"this one was answered {exchange.status} (`Location` {exchange.location!r}), "
                "where the contract answers 422 and adds nothing"
            ],
        )
    problems = []
    if exchange.status != first.status:
        problems.append(
            f"the first request was answered {first.status}, this one {exchange.status}"
        )
    if exchange.location != first.location:
        problems.append(
            f"the first request added the run at {first.location!r}; this one names "
            f"{exchange.location!r}, where a replay names the run the first answer named"
        )
    fail("A replayed Idempotency-Key was not answered as the first request was", exchange, problems)
