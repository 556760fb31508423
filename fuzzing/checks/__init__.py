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
across requests), `preferences` (`Prefer` and `Preference-Applied`); importing this package
registers them all.
"""

from __future__ import annotations

from fuzzing.checks.answers import updated_run_matches_schema
from fuzzing.checks.evidence import Evidence, Need, NeedUnmetError, Reader
from fuzzing.checks.preferences import preferences_honoured
from fuzzing.checks.refusals import auth_challenges, retry_after_given
from fuzzing.checks.registry import CHECKS, ContractCheck, Verdict, contract_check, runnable
from fuzzing.checks.responses import (
    errors_are_odata,
    no_body_on_204,
    no_internal_leaks,
    request_ids,
    run_odata_type_valid,
)
from fuzzing.checks.runs import (
    created_run_holds_request,
    linked_run_reachable,
    location_names_new_run,
    patch_echoes_request,
    patch_keeps_unsent,
    rejected_request_changed_nothing,
    unknown_id_not_upserted,
)
from fuzzing.checks.values import sentinel_status_rejected, unknown_properties_rejected
from fuzzing.checks.versions import etag_tracks_changes, if_match_honoured

__all__ = [
    "CHECKS",
    "ContractCheck",
    "Evidence",
    "Need",
    "NeedUnmetError",
    "Reader",
    "Verdict",
    "auth_challenges",
    "contract_check",
    "created_run_holds_request",
    "errors_are_odata",
    "etag_tracks_changes",
    "if_match_honoured",
    "linked_run_reachable",
    "location_names_new_run",
    "no_body_on_204",
    "no_internal_leaks",
    "patch_echoes_request",
    "patch_keeps_unsent",
    "preferences_honoured",
    "rejected_request_changed_nothing",
    "request_ids",
    "retry_after_given",
    "run_odata_type_valid",
    "runnable",
    "sentinel_status_rejected",
    "unknown_id_not_upserted",
    "unknown_properties_rejected",
    "updated_run_matches_schema",
]
