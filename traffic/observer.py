"""The passive observer: every exchange through the spec validation and the registered contract
checks, in the order the requests started, with a ledger of the runs seen so far and no reads.

Exchanges arrive as they end (the proxy, which says with each when the oldest request still
running started) or all at once (a HAR file). One is judged once every exchange that overlapped
it in time has ended too, so that the ledger can tell a run changed by an overlapping request
from one changed by the exchange itself.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from fuzzing.checks import CHECKS, Evidence
from fuzzing.exchange import ADD_RUN
from traffic import spec_check
from traffic.contradictions import COVERS, Inferences
from traffic.findings import FAILURE, NOTE, Finding, Tally, masked_curl, received
from traffic.passive_ledger import PassiveLedger, may_have_written
from traffic.seen import NOT_HTTP, Seen

UNDOCUMENTED_METHOD = "(undocumented method)"
SPEC_VALIDATION = "spec validation"
"""The row that counts the exchanges the spec's schemas judged; breaches go by their own rule."""


INFERENCE = "inference"
"""The source of a finding that contradicts what earlier exchanges proved (`contradictions`)."""

HTTP_FRAMING = "http_framing"
"""The rule of an answer that is not valid HTTP, which no check can judge."""


class Observer:
    """Judges the traffic it is given; `report` hears of each finding as it is made."""

    def __init__(
        self, body_dir: Path, report: Callable[[Finding, int], None] | None = None
    ) -> None:
        self.body_dir = body_dir
        self.report = report
        self.ledger = PassiveLedger()
        self.inferences = Inferences()
        """What earlier exchanges proved, against which later ones are judged."""
        self.tally = Tally()
        self.findings: list[Finding] = []
        self.operations: dict[int, str] = {}
        """The operation label of every judged exchange, by index (drift's findings join here)."""
        self.unchecked: dict[int, str] = {}
        self.undocumented: Counter[str] = Counter()
        self.exchanges = 0
        self.bases: Counter[str] = Counter()
        """The base URLs (`.../beta`) of the documented exchanges, for drift's `--server`."""
        self._oldest_open: float | None = None
        self._pending: dict[int, Seen] = {}
        self._recent: list[Seen] = []

    def finished(self, seen: Seen, oldest_open: float | None = None) -> None:
        """An exchange ended; judge every exchange that is now ready. `oldest_open`: when the
        oldest request still running then started (None: none was), as the proxy saw it."""
        self._oldest_open = oldest_open
        self._pending[seen.index] = seen
        self._recent.append(seen)
        self._judge_ready()

    def observe(self, traffic: list[Seen]) -> None:
        """Judge recorded traffic, all of it known at once (a HAR file)."""
        for seen in traffic:
            self._pending[seen.index] = seen
            self._recent.append(seen)
        self._judge_ready()

    def flush(self) -> None:
        """The traffic is over: judge what is left (requests that never ended are forgotten)."""
        self._oldest_open = None
        self._judge_ready()

    def _judge_ready(self) -> None:
        for seen in sorted(self._pending.values(), key=lambda s: (s.started, s.index)):
            if self._oldest_open is not None and self._oldest_open < seen.ended:
                break  # a request still running overlapped it: wait, and keep the order
            del self._pending[seen.index]
            self._judge(seen)
        opened = [s.started for s in self._pending.values()]
        if self._oldest_open is not None:
            opened.append(self._oldest_open)
        horizon = min(opened, default=math.inf)
        self._recent = [s for s in self._recent if s.ended > horizon or s.index in self._pending]

    def _ambiguous(self, seen: Seen) -> bool:
        """Whether another exchange on the same run overlapped it and may have written."""
        route = seen.exchange.route
        if route is None:
            return False
        for other in self._recent:
            other_route = other.exchange.route
            if (
                other.index != seen.index
                and other_route is not None
                and other_route.operation != ADD_RUN
                and (other_route.base_url, other_route.target) == (route.base_url, route.target)
                and other.overlaps(seen)
                and may_have_written(other.exchange)
            ):
                return True
        return False

    def _add(self, finding: Finding) -> None:
        self.findings.append(finding)
        count = self.tally.add(finding)
        if self.report is not None:
            self.report(finding, count)

    def _judge(self, seen: Seen) -> None:
        self.exchanges += 1
        exchange = seen.exchange
        route = exchange.route
        ambiguous = self._ambiguous(seen)
        operation, template, values = spec_check.match(exchange.method, exchange.url)
        if template is None:
            self.undocumented[f"{exchange.method} {urlsplit(exchange.url).path}"] += 1
            return
        label = (
            operation.label if operation else f"{exchange.method} {template} {UNDOCUMENTED_METHOD}"
        )
        self.operations[seen.index] = label
        if route is not None:
            self.bases[route.base_url] += 1
        curl: str | None = None

        def finding(rule: str, source: str, severity: str, message: str) -> Finding:
            nonlocal curl
            if curl is None:
                curl = masked_curl(exchange, self.body_dir)
            return Finding(
                seen.index, label, rule, source, severity, message, curl, received(exchange)
            )

        if seen.unchecked is not None:
            self.unchecked[seen.index] = seen.unchecked
            if seen.unchecked.startswith(NOT_HTTP):
                message = f"{seen.unchecked}\n{exchange.describe()}"
                self._add(finding(HTTP_FRAMING, "proxy", FAILURE, message))
            if route is not None and may_have_written(exchange):
                self.ledger.forget(route)
            return
        before = None if ambiguous else self.ledger.snapshot(exchange, seen.started)
        evidence = Evidence(exchange, before=before)

        for check in CHECKS.values():
            key = (label, check.name)
            # A check's own bug (an answer it did not expect) must not stop the others.
            try:
                verdict = check.judge(evidence)
            except Exception as error:
                self.tally.skipped[key][f"the check failed: {type(error).__name__}: {error}"] += 1
                continue
            if verdict.skipped is not None:
                self.tally.skipped[key][f"needs {verdict.skipped.value}"] += 1
                continue
            self.tally.judged[key] += 1
            if verdict.failure is not None:
                self._add(finding(check.name, "check", FAILURE, verdict.failure))
        if operation is not None:
            self.tally.judged[(label, SPEC_VALIDATION)] += 1
            for breach in spec_check.judge(operation, exchange, values):
                severity = NOTE if breach.rule == spec_check.REQUEST_BREAKS_SPEC else FAILURE
                message = f"{breach.message}\n{exchange.describe()}"
                self._add(finding(breach.rule, "spec", severity, message))
        for rule in self.inferences.applicable(seen):
            self.tally.judged[(label, rule)] += 1
        for contradiction in self.inferences.judge(seen, ambiguous=ambiguous):
            covers = ", ".join(COVERS[contradiction.rule])
            message = f"{contradiction.message}\n{exchange.describe()}\n(the contract's {covers})"
            self._add(finding(contradiction.rule, INFERENCE, FAILURE, message))
        self.inferences.learn(seen, ambiguous=ambiguous)
        self.ledger.learn(exchange, ambiguous=ambiguous, at=seen.started)

    @property
    def failures(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == FAILURE)
