# ruff: noqa: E501  (the table keeps one line per variant, whatever its length)
"""What ordinary client traffic shows of each bug zoo variant: the rules its failures name, or
why such traffic cannot show the bug. One line per variant of `bug_zoo/variants/`.

"Ordinary client traffic" is `traffic/client_script.py`: the generated client doing what an
integration does. `make traffic-zoo` runs it through the proxy in front of every variant and
holds each to its line here (a variant `shown` must fail on every rule named, one `unseen` must
give no failure), writes the table of `traffic/README.md` with the reasons given here, and
records the HARs that `tests/traffic/test_zoo_hars.py` judges with `make check-traffic`. A
variant without a line fails those tests: a new variant gets one here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shown:
    """The traffic shows the bug: its failures name each of `rules`."""

    rules: tuple[str, ...]


@dataclass(frozen=True)
class Unseen:
    """Ordinary traffic cannot show the bug, because `why` (the fuzzer's probes show it)."""

    why: str


def shown(*rules: str) -> Shown:
    return Shown(rules)


def unseen(why: str) -> Unseen:
    return Unseen(why)


# fmt: off
EXPECTED: dict[str, Shown | Unseen] = {
    "body_limit_missing": unseen("no ordinary call sends a body over 64 KiB"),
    "client_request_id_dropped": shown("request_ids"),
    "deep_statistics_accepted": unseen("ordinary statistics are a few levels deep, far below 32"),
    "drops_null_properties": shown("response_schema"),
    "entity_id_names_collection": shown("entity_id_is_location"),
    "etag_frozen": shown("etag_tracks_changes"),
    "head_limit_missing": unseen("ordinary calls send a few headers, far below the 32 KiB cap; only a head over it shows the bug (the fuzzer's `transport` probe)"),
    "host_reflected": unseen("a client sends the `Host` it reached the service by, so a reflection names where the client is; only a foreign `Host` shows it (the fuzzer's `foreign_host` probe)"),
    "huge_numbers_as_null": unseen("a client's numbers are doubles it holds: none beyond a double's range goes out"),
    "idempotency_key_ignored": shown("replayed_key_adds_no_run"),
    "if_match_ignored": shown("if_match_honoured"),
    "ignores_auth": unseen("every call carries a valid token, and a proxy cannot verify tokens"),
    "impossible_dates_rolled": unseen("a client's times are real dates: February 30 is never sent"),
    "invalid_enum_accepted": shown("accepted_invalid_request"),
    "length_counts_utf16": unseen("ordinary names are far from the length limit"),
    "lenient_times": unseen("the client refuses naive datetimes: a time without an offset never goes out"),
    "link_ignores_flow": unseen("a client links runs of its own flow; only another flow's run shows it"),
    "link_not_stored": shown("reported_link_found"),
    "location_names_parent": shown("location_names_new_run"),
    "location_names_unsaved_id": shown("named_run_found"),
    "lone_surrogates_stored": unseen("a client's strings are text it holds: no lone surrogate goes out (the fuzzer's `hostile_text` probe)"),
    "malformed_json_500": unseen("a client sends JSON it serialised itself: never a malformed body"),
    "no_challenge_on_401": unseen("every call carries a valid token: no 401 to look at"),
    "no_content_with_body": shown("http_framing"),
    "no_permission_accepted": unseen("every call carries a token with the permission"),
    "nul_fails_in_storage": unseen("ordinary names and statistics hold no NUL character"),
    "null_name_accepted": unseen("the client's model has no `null` for `displayName`"),
    "partial_apply": shown("patch_keeps_unsent"),
    "patch_resets_unsent": shown("patch_keeps_unsent"),
    "plain_text_405": unseen("a client never sends a method the API does not have"),
    "prefer_read_whole": unseen("ordinary calls send `Prefer: include-unknown-enum-members` alone or not at all, which this variant honours"),
    "prefer_split_on_commas": unseen("ordinary calls send `Prefer: include-unknown-enum-members` alone or not at all; only a quoted value holding it shows the bug"),
    "process_link_unchecked": unseen("a client updates a run through the process that holds it; only a wrong pairing shows it"),
    "production_reference_refused": shown("reference_not_refused"),
    "reference_dot_segments_resolved": unseen("a client builds references from ids it holds: no dot segment goes out"),
    "reference_escapes_kept": unseen("a client builds references from ids it holds: no invalid percent-escape goes out"),
    "seed_type_in_responses": shown("run_odata_type_valid"),
    "sentinel_accepted": unseen("a client sets the statuses its model has; the sentinel is not one"),
    "slash_in_ids_decoded": unseen("the client refuses ids with a `/` before sending"),
    "stack_trace_in_errors": shown("no_internal_leaks"),
    "times_leave_the_years": unseen("a client's times are ordinary dates, far from years 1000 and 9999 (the fuzzer's `edge_times` probe)"),
    "truncates_fraction": shown("patch_echoes_request"),
    "type_only_refused": unseen("a client sends the properties it changes; a body of only `@odata.type` never goes out"),
    "unknown_id_upserted": unseen("a client updates runs it added; a run the traffic never showed missing gives the observer nothing to call an upsert"),
    "unknown_properties_accepted": shown("unknown_properties_rejected", "accepted_invalid_request"),
    "update_not_persisted": shown("patch_keeps_unsent"),
    "validation_422": shown("response_status"),
    "wrong_challenge_on_403": unseen("every call carries a token with the permission: no 403 to look at"),
    "wrong_content_type": shown("response_content_type"),
    "wrong_odata_type": shown("run_odata_type_valid"),
}
# fmt: on
"""Every bug variant, by name: `shown(rule, ...)` or `unseen(why)`."""


def missing(variants: list[str] | tuple[str, ...]) -> list[str]:
    """The variants of `variants` without a line in `EXPECTED` (the control needs none)."""
    return sorted(name for name in variants if name not in EXPECTED and name != "none")
