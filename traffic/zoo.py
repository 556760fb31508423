"""`make traffic-zoo`, the proxy proven on the bug zoo: the client script's traffic through
`make proxy` in front of each variant, the kit's findings beside `redocly drift`'s, as a table for
`traffic/README.md`.

Nothing of the zoo or the server is imported here: the entry point hands over the variants'
names and bugs, and how to serve one (`Serving`; `scripts/traffic_zoo.py` hosts each in its own
process, `bug_zoo.hosted`; by default each runs as `python -m bug_zoo.serve VARIANT`). The proxy
runs as `python -m scripts.proxy`, and the client script as a user's process with `generated/`
on its path. The proxy's summary says what each side found. Each variant is held to its line of
`zoo_expected.EXPECTED`: a variant shown must fail on every rule named there, one unseen must give
no failure (the line says why), the control must give no finding at all; a variant without a
line fails the run.
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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tooling.paths import ROOT
from tooling.processes import Service, child_env, free_port
from tooling.reference import mint_token
from tooling.stamps import digest
from traffic.zoo_expected import EXPECTED, Shown, Unseen

CONTROL = "none"
README = ROOT / "traffic" / "README.md"
FIXTURES = ROOT / "tests" / "traffic" / "fixtures" / "zoo"
"""Where `--record` keeps each variant's HAR, which `make check-traffic` judges in the tests."""
RECORDED = "recorded.json"
"""The digest of the client script and the variant behind each HAR there, by variant."""
CLIENT_SCRIPT = ROOT / "traffic" / "client_script.py"

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
    drift_error: str | None = None
    """Why drift did not run (the proxy's summary says), or None."""
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
        expected = EXPECTED.get(self.variant)
        if isinstance(expected, Shown):
            return set(expected.rules) <= set(self.kit)
        return isinstance(expected, Unseen) and not self.caught


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


Serving = Callable[[str, int, Path, Path], AbstractContextManager[str]]
"""How a variant is served: `(variant, port, state folder, log)` gives a block for which it
answers on `127.0.0.1:port` under `/beta`, and a dev token for it."""


@contextmanager
def served_process(variant: str, port: int, state_dir: Path, log_path: Path) -> Iterator[str]:
    """The variant as `python -m bug_zoo.serve VARIANT` serves it, and a token from
    `python -m reference_server.token` (`Serving`)."""
    command = [
        sys.executable,
        "-m",
        "bug_zoo.serve",
        variant,
        "--port",
        str(port),
        "--state-dir",
        str(state_dir),
    ]
    with Service("server", command, port=port, log_path=log_path, ready_path="/beta"):
        yield mint_token(state_dir)


def run_variant(
    variant: str, bug: str, reports: Path, serve: Serving = served_process
) -> VariantRun:
    """Serve `variant`, drive the client script through the proxy, and read the proxy's report."""
    directory = reports / variant
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "proxy-summary.json").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="traffic-zoo-") as state:
        port, proxy_port = free_port(), free_port()
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
            # The proxy starts while the server does: it needs its target only once traffic comes.
            proxy.launch()
            with serve(variant, port, Path(state), directory / "server.log") as token:
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
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    findings = summary["findings"]
    return VariantRun(
        variant,
        bug,
        kit=_counts(findings, drift=False, severity="failure"),
        drift=_counts(findings, drift=True, severity="failure"),
        drift_notes=_counts(findings, drift=True, severity="note"),
        drift_error=(summary.get("drift") or {}).get("error"),
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
        expected = EXPECTED.get(run.variant)
        reason = expected.why if isinstance(expected, Unseen) else ""
        kit = run.error or _rules(run.kit)
        drift = _rules(run.drift)
        if run.drift_notes:
            drift += f"; notes: {_rules(run.drift_notes)}"
        if run.drift_error is not None:
            drift = "not run"
        lines.append(f"| `{run.variant}` | {run.bug} | {kit} | {drift} | {reason} |")
    caught = sum(1 for run in runs if run.variant != CONTROL and run.kit)
    drift_caught = sum(1 for run in runs if run.variant != CONTROL and run.drift)
    variants = sum(1 for run in runs if run.variant != CONTROL)
    unseen = sum(1 for run in runs if isinstance(EXPECTED.get(run.variant), Unseen))
    not_run = sorted({run.drift_error for run in runs if run.drift_error is not None})
    drift_said = f"did not run ({'; '.join(not_run)})" if not_run else f"{drift_caught}"
    lines += [
        "",
        f"The kit reports {caught} of {variants} variants, `redocly drift` {drift_said}; "
        f"{unseen} cannot show in ordinary client traffic (last column; "
        "`traffic/zoo_expected.py` says which rules name each of the others).",
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


def recording_digest(variant: str) -> str:
    """What a recorded HAR of `variant` depends on: the client script and the variant's module
    (read as files: the traffic checker imports nothing of the zoo)."""
    return digest([CLIENT_SCRIPT, ROOT / "bug_zoo" / "variants" / f"{variant}.py"])


def recorded(fixtures: Path = FIXTURES) -> dict[str, str]:
    """The recording digest of each HAR under `fixtures`, by variant."""
    path = fixtures / RECORDED
    if not path.exists():
        return {}
    stamps: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return stamps


def record(runs: Sequence[VariantRun], reports: Path, fixtures: Path = FIXTURES) -> list[str]:
    """Keep the HAR of each run that went as expected and shows its bug (the control's too)
    under `fixtures`, with its recording digest; the variants recorded."""
    fixtures.mkdir(parents=True, exist_ok=True)
    stamps = recorded(fixtures)
    kept = []
    for run in runs:
        wanted = run.variant == CONTROL or isinstance(EXPECTED.get(run.variant), Shown)
        if not (wanted and run.as_expected):
            continue
        har = reports / run.variant / "proxy.har"
        (fixtures / f"{run.variant}.har").write_bytes(har.read_bytes())
        stamps[run.variant] = recording_digest(run.variant)
        kept.append(run.variant)
    text = json.dumps(dict(sorted(stamps.items())), indent=2)
    (fixtures / RECORDED).write_text(f"{text}\n", encoding="utf-8")
    return kept


class UnknownVariantError(ValueError):
    """A variant was asked for that is not among those known."""


def prove(
    bugs: Mapping[str, str],
    chosen: Sequence[str] = (),
    reports: Path = Path("reports") / "traffic-zoo",
    *,
    write: bool = False,
    readme: Path = README,
    fixtures: Path | None = None,
    serve: Serving = served_process,
) -> bool:
    """Run each variant of `chosen` (by default every one of `bugs`, which maps each known
    variant, the control among them, to its bug) and say how each went, then print the table;
    `write` also puts it into `readme`; `fixtures`, a folder, keeps there the HARs of the
    variants the traffic shows (`record`); `serve` serves each variant (a process of its own
    unless the caller, which may import the zoo, hands over another way). True when every
    variant went as expected.

    Raises `UnknownVariantError` before running any when `chosen` names one `bugs` does not.
    """
    names = list(chosen) or list(bugs)
    unknown = sorted(set(names) - set(bugs))
    if unknown:
        raise UnknownVariantError(f"unknown variant(s): {', '.join(unknown)}")
    runs = []
    for name in names:
        run = run_variant(name, bugs[name], reports, serve)
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
    if fixtures is not None:
        kept = record(runs, reports, fixtures)
        print(f"recorded the HARs of {', '.join(kept) or 'no variant'} in {fixtures}")
    return all(run.as_expected for run in runs)
