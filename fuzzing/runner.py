"""`make fuzz` (`scripts/fuzz.py`): pre-flight, then schemathesis and the probes side by side,
against one target. Exit 0 when the target keeps the contract, 1 when it breaks it, 2 when the
run cannot start as set up (the spec, a setting, or the target as the pre-flight found it).

The target is `TARGET_URL` (with `TARGET_TOKEN`, `TARGET_TOKEN_NO_PERMISSION` and the
`TARGET_*_ID`s of existing resources), or when unset the reference server, started here on a
free port with a fresh state and stopped afterwards. `FUZZ_SEED` makes a run repeatable;
`FUZZ_MAX_EXAMPLES` (per operation and phase) and `FUZZ_MAX_TIME` (seconds) bound it;
`FUZZ_PHASES` narrows the four phases for quick runs; `FUZZ_WORKERS` runs schemathesis with
that many workers; `FUZZ_FAIL_FAST=1` stops at the first failure of either (the bug zoo's mode);
`FUZZ_PREFLIGHT_ONLY=1` runs the pre-flight alone. Reports go to `FUZZ_REPORTS_DIR` (`reports/`).
"""

from __future__ import annotations

import os
import re
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from contract.loading import SpecLoadError
from fuzzing.contract_rules import gaps
from fuzzing.facts import contract
from fuzzing.liveness import ATTEMPTS as LIVENESS_TRIES
from fuzzing.liveness import TRANSPORT, Death
from fuzzing.preflight import SetupError, preflight
from fuzzing.reports import (
    Failure,
    StatusTable,
    probe_failures,
    schemathesis_failures,
    write_probes_junit,
    write_summary,
)
from fuzzing.server import REFERENCE_SERVER, local_target
from fuzzing.session import run_session
from fuzzing.settings import FuzzSettings
from fuzzing.summary import build, heading, print_failures, print_probe, print_verdict
from fuzzing.target import Target
from tooling.processes import ProcessError

SETUP_EXIT = 2
"""The exit status of a run that could not start: set-up, not the target's contract."""


@contextmanager
def target_for_run(settings: FuzzSettings) -> Iterator[tuple[Target, str]]:
    """`TARGET_URL` when set; otherwise the reference server, for the length of the run."""
    if os.environ.get("TARGET_URL"):
        target = Target.from_env()
        yield target, target.base_url
        return
    print("Starting the reference server (TARGET_URL is unset) ...", flush=True)
    with local_target(REFERENCE_SERVER, settings.reports.server_log) as target:
        yield target, "embedded reference server"


def _contract_failures(
    settings: FuzzSettings, started: float, exit_code: int, stopped_early: bool
) -> list[Failure]:
    failures = schemathesis_failures(settings.reports, started)
    # Stopped at the time limit, schemathesis exits "interrupted": that is the budget, not a
    # failure. The status table still says whether what ran reached every operation. Stopped
    # because the target stopped answering, the one failure is that (`_after_death`).
    if exit_code != 0 and not failures and not stopped_early:
        failures.append(
            Failure(
                check="schemathesis",
                source="schemathesis",
                operation="",
                message=f"schemathesis exited with {exit_code} (see its output above)",
                curl="",
            )
        )
    return failures


def fuzz(settings: FuzzSettings, started: float | None = None) -> dict[str, Any]:
    """One whole run; returns the summary it also writes to `fuzz-summary.json`.

    `SetupError` (from the pre-flight) ends it before any fuzzing.
    """
    started = time.time() if started is None else started
    settings.reports.clear()
    with target_for_run(settings) as (target, label):
        heading(f"pre-flight: {label}")
        checked = preflight(target)
        for fact in checked.facts:
            print(f"  {fact}")
        print(f"  passed in {checked.seconds:.2f} s", flush=True)
        if settings.preflight_only:
            return {"target": label, "passed": True, "preflight_only": True}
        heading(
            f"schemathesis ({settings.workers} worker(s)) and the probes against {label}: "
            f"seed {settings.seed}, {settings.max_examples} examples per operation, time limit "
            f"{settings.max_time} s, phases {settings.phases}"
        )
        session = run_session(target, settings, on_outcome=print_probe)
    st, death = session.schemathesis, session.death
    # Stopped by the harness (its time limit, a probe's failure under FUZZ_FAIL_FAST, a dead
    # target), schemathesis's exit status is the harness's doing, not a finding of its own.
    stopped_early = st.stopped_at_time_limit or st.stopped_at_a_probe_failure or death is not None
    failures = _contract_failures(settings, started, st.exit_code, stopped_early)
    failures += probe_failures(session.outcomes, started)
    if death is not None:
        failures = _after_death(failures, death, started, settings)
    seconds = time.time() - started
    table = StatusTable.read(settings.reports.status_log)
    heading("statuses schemathesis saw, per operation")
    print(table.render())
    # Whether the run reached every operation's success and chained Add run to an update: the
    # stateful phase is what gets there (Update run's ids come from Add run's links), so a run
    # narrowed to other phases (`FUZZ_PHASES`) is not held to it.
    reached = death is None and not (settings.fail_fast and failures)
    if reached and "stateful" in settings.phases.split(","):
        coverage = [f"{operation} never answered 2xx" for operation in table.without_2xx()]
        if table.chained == 0:
            coverage.append(
                "no run added by schemathesis was then updated (no add-then-update chain)"
            )
        failures += [
            Failure(check="coverage", source="status table", operation="", message=text, curl="")
            for text in coverage
        ]
    write_probes_junit(session.outcomes, settings.reports.probes_junit)
    failures.sort(key=lambda failure: failure.seconds if failure.seconds is not None else seconds)
    summary = build(
        label=label,
        settings=settings,
        started=started,
        seconds=seconds,
        st=st,
        table=table,
        outcomes=session.outcomes,
        probes_alongside=session.probes_alongside,
        failures=failures,
        gaps=len(gaps()),
        death=death,
    )
    write_summary(settings.reports.summary, summary)
    if st.stopped_at_time_limit:
        print(f"\nNote: schemathesis was stopped at the time limit ({settings.max_time} s).")
    if failures:
        heading(f"FAILED: {len(failures)} failure(s)")
        print_failures(failures)
    print_verdict(summary, settings.reports, session.outcomes)
    return summary


_NO_ANSWER = re.compile(
    r"ConnectError|ConnectionError|Connection (refused|reset|aborted)|Timeout|RemoteProtocolError"
    r"|ReadError|Network Error|Max retries exceeded",
    re.IGNORECASE,
)
DEAD_TARGET = "target_stopped_answering"


def _after_death(
    failures: list[Failure], death: Death, started: float, settings: FuzzSettings
) -> list[Failure]:
    """The failures found before the target stopped answering, and that one: nothing after it
    (a probe that could not connect, schemathesis's network errors) counts against it."""
    at = max(0.0, death.at - started)
    kept = [
        failure
        for failure in failures
        if not _NO_ANSWER.search(failure.message)
        and failure.check not in (TRANSPORT, "run_readable")
        and (failure.source == "schemathesis" or (failure.seconds or 0.0) < at)
    ]
    last, first = death.last_answered, death.first_unanswered
    lines = [
        f"The target stopped answering {at:.1f} s into the run ({death.error}): "
        f"{death.unanswered} request(s) got no answer, nor did {LIVENESS_TRIES} tries of the "
        "harness's own. schemathesis and the probes were stopped there; nothing after it is "
        "counted against the target.",
        f"Last answered: {last.describe()} -> {death.last_status}" if last else "",
        f"First unanswered (the request it may have died on): {first.describe()}" if first else "",
    ]
    bodies = settings.reports.bodies
    request = first or last
    return [
        *kept,
        Failure(
            check=DEAD_TARGET,
            source="liveness watch",
            operation=f"{request.method} {request.url}" if request else "",
            message="\n".join(line for line in lines if line),
            curl=request.curl(bodies) if request else "",
            seconds=at,
        ),
    ]


def _cannot_start(paragraph: str) -> int:
    """Print why the run cannot start, as one paragraph and no traceback; the set-up status."""
    text = textwrap.fill(f"make fuzz cannot start: {paragraph}", width=100)
    print(f"\n{text}", file=sys.stderr, flush=True)
    return SETUP_EXIT


def main() -> int:
    started = time.time()
    try:
        contract()  # the loader's verdict first: schemathesis would read a repeated key silently
        settings = FuzzSettings.from_env()
    except (SpecLoadError, ValueError) as error:  # FuzzSettingsError is a ValueError too
        print(f"cannot fuzz: {error}", file=sys.stderr)
        return SETUP_EXIT
    try:
        summary = fuzz(settings, started)
    except SetupError as error:
        write_summary(settings.reports.summary, {"passed": False, "setup_error": str(error)})
        return _cannot_start(str(error))
    except ProcessError as error:
        print(f"cannot fuzz: the embedded reference server did not start: {error}", file=sys.stderr)
        return SETUP_EXIT
    if summary.get("preflight_only"):
        print("\nPre-flight passed: the target is reachable and set up as the harness needs.")
    return 0 if summary["passed"] else 1
