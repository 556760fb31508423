"""Probes of `Prefer` (D20): the preference the service knows is applied and said, others ignored.

schemathesis draws `Prefer` values at random, which never name `include-unknown-enum-members`;
these send it alone, among preferences the service does not know (in another case), and not at
all, to each of the workspace's runs, and once to Add run; and its name inside another
preference's quoted value (RFC 7240's `quoted-string`), which names no preference.
`preferences_honoured` judges what comes back; an update here sends only `@odata.type`, so it
changes nothing.
"""

from __future__ import annotations

from fuzzing.checks.preferences import INCLUDE_UNKNOWN
from fuzzing.facts import contract
from fuzzing.probes.prober import Prober, as_json, new_run, probe

_PREFERS = (
    (INCLUDE_UNKNOWN, "the preference alone"),
    (f"x-probe-unknown, x-probe-other=5, {INCLUDE_UNKNOWN.upper()}; x=1", "it among others"),
    ("x-probe-unknown, x-probe-other=5; x=1", "only preferences no service knows"),
    (f'x-probe-quoted="a, {INCLUDE_UNKNOWN}, b"', "its name only inside a quoted value"),
    (None, "no preference"),
)


@probe(
    order=60, covers=("D20", "header:Preference-Applied", "status:update*:200", "status:addRun:204")
)
def preferences(prober: Prober) -> None:
    """Each update with, without and beside `Prefer: include-unknown-enum-members` is a 200
    that says `Preference-Applied` exactly when it was preferred; Add run's 204 never does."""
    unchanged = as_json({"@odata.type": contract().run_odata_type})
    for url, _ in prober.runs:
        for prefer, what in _PREFERS:
            headers = {"Prefer": prefer} if prefer is not None else {}
            exchange = prober.send("PATCH", url, unchanged, headers=headers)
            prober.expect(exchange, {200}, "preferences_honoured", f"an update with {what}")
    added = prober.send(
        "POST",
        prober.add_url,
        as_json(new_run(displayName="probe: preferences")),
        headers={"Prefer": INCLUDE_UNKNOWN},
    )
    prober.expect(added, {204}, "preferences_honoured", "Add run with the preference")
