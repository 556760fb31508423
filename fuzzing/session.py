"""schemathesis and the probes against one target, side by side, and stopped together.

The probes are a few hundred cheap, decisive requests (broken JSON, tokens, `If-Match`, unknown
ids); schemathesis is thousands of generated ones. Run after it, the probes found their bugs
only minutes in; run alongside it, in seconds. They can run alongside because they change runs
of their own (`fuzzing.probes.workspace`), never the pinned runs schemathesis changes; when Add
run is too broken to give them runs, they fall back to the pinned runs and wait for
schemathesis to finish. `FUZZ_FAIL_FAST` stops both at the first failure of either.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fuzzing.config import CONFIG_PATH
from fuzzing.facts import spec_path
from fuzzing.liveness import TRANSPORT, Death, Watch
from fuzzing.probes import ProbeOutcome, ProbeSession
from fuzzing.settings import FuzzSettings
from fuzzing.target import Target
from tooling.paths import ROOT
from tooling.processes import stop

_INTERRUPT_GRACE = 60.0
_FAIL_FAST_GRACE = 10.0
_FAIL_FAST_NICENESS = 10


def schemathesis_command(target: Target, settings: FuzzSettings) -> list[str]:
    """The schemathesis CLI with the committed config and this run's budget and reports."""
    reports = settings.reports
    command = [
        sys.executable, "-m", "schemathesis.cli",
        "--config-file", str(CONFIG_PATH),
        "run", str(spec_path()),
        "--url", target.base_url,
        "--phases", settings.phases,
        "--seed", str(settings.seed),
        "--max-examples", str(settings.max_examples),
        "--workers", str(settings.workers),
        "--generation-database", "none",
        "--report", "junit,html,ndjson,json",
        "--report-junit-path", str(reports.junit),
        "--report-html-path", str(reports.html),
        "--report-ndjson-path", str(reports.events),
        "--report-json-path", str(reports.verdict),
    ]  # fmt: skip
    if settings.fail_fast:
        command += ["--max-failures", "1"]
    return command


@dataclass
class SchemathesisRun:
    """How the schemathesis process ended."""

    exit_code: int = 0
    seconds: float = 0.0
    stopped_at_time_limit: bool = False
    stopped_at_a_probe_failure: bool = False
    stopped_at_target_death: bool = False


@dataclass
class SessionResult:
    """What one session ran: schemathesis's ending and each probe's outcome."""

    schemathesis: SchemathesisRun
    outcomes: list[ProbeOutcome] = field(default_factory=list)
    probes_alongside: bool = True
    death: Death | None = None
    """When the target stopped answering, if it did: both were stopped there."""


class _Schemathesis:
    """The schemathesis process, watched by a thread that enforces the time limit and tells
    the probes to stop when it fails under `FUZZ_FAIL_FAST`."""

    def __init__(
        self, target: Target, settings: FuzzSettings, stop_probes: threading.Event
    ) -> None:
        self.settings = settings
        self.stop_probes = stop_probes
        self.result = SchemathesisRun()
        self.done = threading.Event()
        env = {
            **os.environ,
            **target.environment(),
            "FUZZ_STATUS_LOG": str(settings.reports.status_log.resolve()),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        self.started = time.monotonic()
        # Stopping at the first failure, the probes usually find it first: they get the CPU
        # before schemathesis's generation does, on a machine with few cores.
        # Its error output goes to a report and is shown when it ends, unless the harness stopped
        # it at a probe's failure or a dead target: an interrupt that lands while it is starting
        # prints a traceback (in Python's import machinery, or a Rust extension's panic) that
        # says nothing of the target. The file keeps it whole either way.
        self.errors = settings.reports.schemathesis_errors.open("w+b")
        self.process = subprocess.Popen(
            schemathesis_command(target, settings), cwd=ROOT, env=env, stderr=self.errors
        )
        if settings.fail_fast:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, self.process.pid, _FAIL_FAST_NICENESS)
        self.watcher = threading.Thread(target=self._watch, name="schemathesis", daemon=True)
        self.watcher.start()

    def _watch(self) -> None:
        try:
            self.process.wait(timeout=self.settings.max_time)
        except subprocess.TimeoutExpired:
            # An interrupted run still writes its reports; only a hung one is killed.
            self.result.stopped_at_time_limit = True
            stop(self.process, signal.SIGINT, _INTERRUPT_GRACE)
        self.result.exit_code = self.process.returncode
        self.result.seconds = time.monotonic() - self.started
        self.errors.seek(0)
        said = self.errors.read().decode("utf-8", errors="replace")
        self.errors.close()
        if said.strip() and not self.stopped_by_harness:
            sys.stderr.write(said)
            sys.stderr.flush()
        if self.settings.fail_fast and self.result.exit_code != 0:
            self.stop_probes.set()
        self.done.set()

    @property
    def stopped_by_harness(self) -> bool:
        """The harness cut it short: a probe's failure (`FUZZ_FAIL_FAST`) or a dead target. (At
        the time limit schemathesis has long started, and its output may say why it was slow.)"""
        return self.result.stopped_at_a_probe_failure or self.result.stopped_at_target_death

    def interrupt(self, target_died: bool = False) -> None:
        """Stop it early (a probe failed under `FUZZ_FAIL_FAST`, or the target stopped
        answering); it still writes its reports."""
        if self.process.poll() is None:
            if target_died:
                self.result.stopped_at_target_death = True
            else:
                self.result.stopped_at_a_probe_failure = True
            stop(self.process, signal.SIGINT, _FAIL_FAST_GRACE)

    def wait(self) -> SchemathesisRun:
        self.done.wait()
        self.watcher.join()
        return self.result


def run_session(
    target: Target, settings: FuzzSettings, on_outcome: Callable[[ProbeOutcome], None]
) -> SessionResult:
    """Start schemathesis, send the probes alongside it, and return once both have ended; or
    stop both once the target stops answering (`fuzzing.liveness`)."""
    stop_probes = threading.Event()
    schemathesis = _Schemathesis(target, settings, stop_probes)

    def died() -> None:
        stop_probes.set()
        schemathesis.interrupt(target_died=True)

    watch = Watch(target.base_url, on_death=died, token=target.token)
    watching = threading.Event()
    follower = watch.follow(settings.reports.status_log, watching)

    def heard(outcome: ProbeOutcome) -> None:
        # A probe that could not reach the target: ask whether it still answers, before the
        # outcome is told, so that a dead target's probes are not reported one by one.
        if watch.death is None and any(f.check == TRANSPORT for f in outcome.findings):
            watch.check(force=True)
        death = watch.death
        if death is None or (outcome.findings and all(f.at < death.at for f in outcome.findings)):
            on_outcome(outcome)

    probes = ProbeSession(target, settings.reports.bodies, stop=stop_probes, on_outcome=heard)
    probes.client.event_hooks = watch.hooks()
    try:
        alongside = probes.prepare()
        if alongside:
            probes.run(stop_at_first=settings.fail_fast)
        found = any(outcome.findings for outcome in probes.outcomes)
        if settings.fail_fast and found:
            schemathesis.interrupt()
        result = schemathesis.wait()
        if not alongside and not (settings.fail_fast and (found or result.exit_code != 0)):
            # Without runs of their own the probes share the pinned runs: only after schemathesis.
            stop_probes.clear()
            probes.run(stop_at_first=settings.fail_fast)
    finally:
        watching.set()
        follower.join()
        probes.close()
        schemathesis.interrupt()
    return SessionResult(result, probes.outcomes, alongside, watch.death)
