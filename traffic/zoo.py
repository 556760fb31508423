"""`make traffic-zoo`, the proxy proven on the bug zoo: the client script's traffic through
`make proxy` in front of each variant, the kit's findings beside `redocly drift`'s, as a table for
`traffic/README.md`.

Each variant runs as `python -m bug_zoo.serve VARIANT` (a command line: nothing of the zoo or the
server is imported here; the entry point hands over the variants' names and bugs), the proxy as
`python -m scripts.proxy`, and the client script as a user's process with `generated/` on its
path. The proxy's summary says what each side found. A variant that the traffic cannot reveal
must say why in `UNREVEALED`; one that is caught while listed there, or missed while not, fails
the run, as does any finding on the control.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tooling.paths import ROOT
from tooling.processes import Service, child_env, free_port
from tooling.reference import mint_token

CONTROL = "none"
README = ROOT / "traffic" / "README.md"
UNREVEALED = {
    "malformed_json_500": "a client sends JSON it serialised itself: never a malformed body",
    "sentinel_accepted": "a client sets the statuses its model has; the sentinel is not one",
    "ignores_auth": "every call carries a valid token, and a proxy cannot verify tokens",
    "no_permission_accepted": "every call carries a token with the permission",
    "body_limit_missing": "no ordinary call sends a body over 64 KiB",
    "unknown_id_upserted": (
        "a client updates runs it added; a run the traffic never showed missing gives the "
        "observer nothing to call an upsert"
    ),
    "plain_text_405": "a client never sends a method the API does not have",
    "no_challenge_on_401": "every call carries a valid token: no 401 to look at",
    "wrong_challenge_on_403": "every call carries a token with the permission: no 403 to look at",
    "type_only_refused": (
        "a client sends the properties it changes; a body of only `@odata.type` never goes out"
    ),
    "lenient_times": "the client refuses naive datetimes: a time without an offset never goes out",
    "impossible_dates_rolled": "a client's times are real dates: February 30 is never sent",
    "length_counts_utf16": "ordinary names are far from the length limit",
    "null_name_accepted": "the client's model has no `null` for `displayName`",
    "slash_in_ids_decoded": "the client refuses ids with a `/` before sending",
    "process_link_unchecked": (
        "a client updates a run through the process that holds it; only a wrong pairing shows it"
    ),
    "link_not_stored": (
        "it shows in a read of the linked run after the 204, and a proxy sends no requests of "
        "its own (the fuzzer's links probe does)"
    ),
    "link_ignores_flow": "a client links runs of its own flow; only another flow's run shows it",
    "host_reflected": (
        "a client sends the `Host` it reached the service by, so a reflection names where the "
        "client is; only a foreign `Host` shows it (the fuzzer's `foreign_host` probe)"
    ),
    "prefer_read_whole": (
        "ordinary calls send `Prefer: include-unknown-enum-members` alone or not at all, which "
        "this variant honours"
    ),
}
"""Variants that ordinary client traffic cannot show, and why (the fuzzer's probes show them)."""

START_SECONDS = 60.0
SCRIPT_SECONDS = 120.0


@dataclass(frozen=True)
class VariantRun:
    """What the proxy's report said about one variant's traffic."""

    variant: str
    bug: str
    kit: dict[str, int] = field(default_factory=dict)
    """Failures of the kit's checks and spec validation, by rule."""
    drift: dict[str, int] = field(default_factory=dict)
    """drift's failures by rule (errors on responses, or on accepted requests)."""
    drift_notes: dict[str, int] = field(default_factory=dict)
    exit_status: int | None = None
    error: str | None = None

    @property
    def caught(self) -> bool:
        return bool(self.kit) or bool(self.drift)

    @property
    def as_expected(self) -> bool:
        if self.error is not None:
            return False
        if self.variant == CONTROL:
            return not self.caught and self.exit_status == 0
        return self.caught == (self.variant not in UNREVEALED)


def _wait_for_port(port: int, service: Service, timeout: float = START_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not service.running:
            raise RuntimeError(f"{service.name} exited:\n{service.log_tail()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{service.name} did not listen within {timeout:.0f} s")


def _counts(findings: list[dict[str, Any]], drift: bool, severity: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in findings:
        if (finding["source"] == "drift") == drift and finding["severity"] == severity:
            counts[finding["rule"]] = counts.get(finding["rule"], 0) + 1
    return counts


def run_variant(variant: str, bug: str, reports: Path) -> VariantRun:
    """Serve `variant`, drive the client script through the proxy, and read the proxy's report."""
    directory = reports / variant
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "proxy-summary.json").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="traffic-zoo-") as state:
        port, proxy_port = free_port(), free_port()
        server = Service(
            "server",
            [
                sys.executable,
                "-m",
                "bug_zoo.serve",
                variant,
                "--port",
                str(port),
                "--state-dir",
                state,
            ],
            port=port,
            log_path=directory / "server.log",
            ready_path="/beta",
        )
        proxy = Service(
            "proxy",
            [
                sys.executable,
                "-m",
                "scripts.proxy",
                "--port",
                str(proxy_port),
                "--target-url",
                f"http://127.0.0.1:{port}/beta",
                "--reports-dir",
                str(directory),
            ],
            port=proxy_port,
            log_path=directory / "proxy.log",
            stop_timeout=120,
        )
        try:
            with server:
                token = mint_token(Path(state))
                proxy.launch()
                _wait_for_port(proxy_port, proxy)
                script = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "traffic.client_script",
                        "--base-url",
                        f"http://127.0.0.1:{proxy_port}/beta",
                        "--token",
                        token,
                    ],
                    cwd=ROOT,
                    env=child_env(
                        {"PYTHONPATH": os.pathsep.join([str(ROOT / "generated"), str(ROOT)])}
                    ),
                    capture_output=True,
                    text=True,
                    timeout=SCRIPT_SECONDS,
                    check=False,
                )
                (directory / "client.log").write_text(script.stdout + script.stderr, "utf-8")
                status = proxy.stop(signal.SIGINT)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            proxy.stop()
            return VariantRun(variant, bug, error=f"{type(error).__name__}: {error}")
    if script.returncode != 0:
        return VariantRun(variant, bug, error=f"client script: {script.stderr[-500:]}")
    summary_path = directory / "proxy-summary.json"
    if not summary_path.exists():
        return VariantRun(variant, bug, error=f"no proxy summary; see {directory}/proxy.log")
    findings = json.loads(summary_path.read_text(encoding="utf-8"))["findings"]
    return VariantRun(
        variant,
        bug,
        kit=_counts(findings, drift=False, severity="failure"),
        drift=_counts(findings, drift=True, severity="failure"),
        drift_notes=_counts(findings, drift=True, severity="note"),
        exit_status=status,
    )


def _rules(counts: dict[str, int]) -> str:
    return ", ".join(f"`{rule}` ({n})" for rule, n in sorted(counts.items())) or "-"


def table(runs: Sequence[VariantRun]) -> str:
    """The README table: per variant, the kit's failures beside drift's, and why if unseen."""
    lines = [
        "| variant | bug | the kit (checks and spec validation) | `redocly drift` | "
        "not shown by this traffic because |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        reason = UNREVEALED.get(run.variant, "")
        kit = run.error or _rules(run.kit)
        drift = _rules(run.drift)
        if run.drift_notes:
            drift += f"; notes: {_rules(run.drift_notes)}"
        lines.append(f"| `{run.variant}` | {run.bug} | {kit} | {drift} | {reason} |")
    caught = sum(1 for run in runs if run.variant != CONTROL and run.kit)
    drift_caught = sum(1 for run in runs if run.variant != CONTROL and run.drift)
    variants = sum(1 for run in runs if run.variant != CONTROL)
    lines += [
        "",
        f"The kit reports {caught} of {variants} variants, `redocly drift` {drift_caught}; "
        f"{len(UNREVEALED)} cannot show in ordinary client traffic (last column).",
    ]
    return "\n".join(lines)


START_MARK = "<!-- traffic-zoo:start (make traffic-zoo) -->"
END_MARK = "<!-- traffic-zoo:end -->"


def write_table(readme: Path, text: str) -> None:
    """Put `text` between the README's markers."""
    content = readme.read_text(encoding="utf-8")
    head, _, rest = content.partition(START_MARK)
    _, _, tail = rest.partition(END_MARK)
    if not rest:
        raise ValueError(f"{readme} has no {START_MARK!r}")
    readme.write_text(f"{head}{START_MARK}\n{text}\n{END_MARK}{tail}", encoding="utf-8")


class UnknownVariantError(ValueError):
    """A variant was asked for that is not among those known."""


def prove(
    bugs: Mapping[str, str],
    chosen: Sequence[str] = (),
    reports: Path = Path("reports") / "traffic-zoo",
    *,
    write: bool = False,
    readme: Path = README,
) -> bool:
    """Run each variant of `chosen` (by default every one of `bugs`, which maps each known
    variant, the control among them, to its bug) and say how each went, then print the table;
    `write` also puts it into `readme`. True when every variant went as expected.

    Raises `UnknownVariantError` before running any when `chosen` names one `bugs` does not.
    """
    names = list(chosen) or list(bugs)
    unknown = sorted(set(names) - set(bugs))
    if unknown:
        raise UnknownVariantError(f"unknown variant(s): {', '.join(unknown)}")
    runs = []
    for name in names:
        run = run_variant(name, bugs[name], reports)
        verdict = "as expected" if run.as_expected else "NOT AS EXPECTED"
        print(
            f"{name}: kit {run.kit or '-'}; drift {run.drift or '-'}; {verdict}"
            + (f"; {run.error}" if run.error else ""),
            flush=True,
        )
        runs.append(run)
    text = table(runs)
    print(text)
    if write:
        write_table(readme, text)
        print(f"wrote {readme}")
    return all(run.as_expected for run in runs)
