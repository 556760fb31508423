"""Checks of this API's contract that schemathesis does not have, one registration each.

A check is one function of an `Evidence` under `@contract_check`, named as its failures report
it. It returns when the exchange keeps the rule and fails with an `AssertionError` that says
what was sent, what came back and what the contract wants. `@contract_check(Need.LEDGER)` or
`(Need.ACTIVE_READ)` declares what it uses beyond the exchange, so that a mode that cannot
supply it (a passive observer cannot read a run) reports the check as skipped.

The decorator registers the check with schemathesis and in `CHECKS`, where the probes find it.
Rules live in a module per family: `runs` (what requests do to runs), `values` (what a request
may set), `responses` (what every response keeps, a run's type among it), `answers` (what a
successful answer holds), `refusals` (what a refusal says), `versions` (`ETag`s and `If-Match`
across requests), `preferences` (`Prefer` and `Preference-Applied`), `retries` (a create
sent again with an `Idempotency-Key`). Importing this package
imports every module of it, in name order: a new family is one new module, registered by its
decorators, and `CHECKS` runs in that order.
"""

from __future__ import annotations

from fuzzing.checks.evidence import Evidence, Need, NeedUnmetError, Reader
from fuzzing.checks.registry import CHECKS, ContractCheck, Verdict, contract_check, runnable
from tooling.discovery import import_all

__all__ = [
    "CHECKS",
    "ContractCheck",
    "Evidence",
    "Need",
    "NeedUnmetError",
    "Reader",
    "Verdict",
    "contract_check",
    "runnable",
]

import_all(__name__)
