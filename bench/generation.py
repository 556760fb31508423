"""Section 1: `make generate` with nothing changed, and after a spec change against the bare
generator on the same spec.

Everything runs in a scratch copy of the repository's tracked files (with `.venv` and
`node_modules` linked in), so the bench never rewrites `generated/` of the working tree, and
starts as a fresh clone does: no stamps, no mypy cache. After one run to fill them:
- nothing changed: `make generate` again, several times; `generated/` must stay untouched;
- a spec change: a schema's description is edited (a new edit each time, so the client's model
  changes), then `make generate` and the bare generator alternate on that spec, and the ratio is
  taken within each pair.
The stages, run one by one, say where the time goes.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.budget import Budget
from bench.report import Section, Table, verdict, verdict_value
from bench.stats import Goal, Summary, pair_ratios
from codegen import generator, pipeline
from contract.linters import SPECTRAL_SCRIPT, LintTarget, redocly_lint, spectral_lint
from tooling.node import node_tool
from tooling.paths import ROOT, VENV_BIN
from tooling.stamps import digest

GOAL = Goal(2.5, upper=True)
NOOP_GOAL_SECONDS = 0.3
MAKE_GENERATE = ["make", "--no-print-directory", "generate"]
# A one-line description of a schema (not a block scalar), whose text the client's model carries.
SCHEMA_DESCRIPTION = re.compile(
    r"^(    \w+:\n      type: object\n(?:      .*\n)*?      description: )([^|>\n].*)$", re.M
)


class GenerationBenchError(RuntimeError):
    """A measured command failed: its figures would mean nothing."""


def scratch_tree(into: Path) -> Path:
    """The tracked files as they are in the working tree, with their times kept (so `make` sees
    the installs as up to date), plus links to the installed `.venv` and `node_modules`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode("utf-8")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for name in (".venv", "node_modules"):
        (into / name).symlink_to(ROOT / name, target_is_directory=True)
    return into


def bare_command(output: Path) -> list[str]:
    return [
        str(VENV_BIN / "openapi-python-client"),
        "generate",
        "--path",
        "openapi.yaml",
        "--output-path",
        str(output),
    ]


@dataclass(frozen=True)
class Timing:
    """Wall seconds, and the CPU seconds (user and system) of the processes it ran."""

    wall: float
    cpu: float


def _measured(action: Callable[[], object]) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    action()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def timed(command: Sequence[str], cwd: Path) -> Timing:
    env = {k: v for k, v in os.environ.items() if k != "FORCE"}
    # The generator's post-hooks call `ruff` by name: the pinned one, as `make generate` does.
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"

    def run() -> None:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise GenerationBenchError(
                f"{' '.join(command)} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}"
            )

    return _measured(run)


def edit_spec(spec: Path, number: int) -> None:
    """Append ` (edit N)` to the first one-line schema description of the spec."""
    text = spec.read_text(encoding="utf-8")
    found = SCHEMA_DESCRIPTION.search(text, text.index("\n  schemas:"))
    if found is None:
        raise GenerationBenchError("no one-line schema description to edit in openapi.yaml")
    line = re.sub(r" \(edit \d+\)$", "", found.group(2)) + f" (edit {number})"
    spec.write_text(text[: found.start(2)] + line + text[found.end(2) :], encoding="utf-8")


def untouched(tree: Path) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """The client's contents and every file's inode and modification time."""
    output = tree / "generated"
    stats = tuple(
        (path.relative_to(output).as_posix(), path.stat().st_ino, path.stat().st_mtime_ns)
        for path in sorted(output.rglob("*"))
    )
    return digest([output]), stats


def stages(tree: Path, work: Path, index: int) -> dict[str, Timing]:
    """The stages of `make generate` after a change, one by one (side by side in the pipeline)."""
    project = work / f"stages-{index}" / "generated"
    project.parent.mkdir(parents=True)
    validate = [sys.executable, "-m", "scripts.validate", "--force", "openapi.yaml"]
    spec = tree / "openapi.yaml"
    target = LintTarget(spec, tree, "openapi.yaml")
    return {
        "validation, all of it (as `make validate`)": timed(validate, tree),
        "of which Redocly lint": _measured(lambda: redocly_lint(target)),
        "of which Spectral lint": _measured(lambda: spectral_lint(target)),
        "of which Spectral's start-up alone (contract/spectral.cjs loading its libraries)": (
            _measured(lambda: subprocess.run(["node", str(SPECTRAL_SCRIPT)], capture_output=True))
        ),
        "of which Redocly's start-up alone (`redocly --version`)": timed(
            [str(node_tool("redocly")), "--version"], tree
        ),
        "generator with the project's config and templates, ruff": _measured(
            lambda: generator.generate_into(project, spec)
        ),
        "mypy --strict on the client, warm cache": _measured(
            lambda: pipeline.type_check(project, tree / ".cache" / "mypy-generated")
        ),
        "import smoke test": _measured(lambda: pipeline.smoke_test(project)),
    }


def measure(budget: Budget, work: Path) -> Section:
    tree = scratch_tree(work / "tree")
    load = os.getloadavg()[0]
    if budget.smoke:  # one run fewer: the first run is on an edited spec, and stands for both
        edit_spec(tree / "openapi.yaml", 1)
    first = timed(MAKE_GENERATE, tree)  # a fresh clone's first run: no stamps, no mypy cache
    before = untouched(tree)
    noop = [timed(MAKE_GENERATE, tree) for _ in range(budget.generation_pairs)]
    identical = untouched(tree) == before
    made: list[Timing] = []
    bare: list[Timing] = []
    for pair in range(budget.generation_pairs):
        if budget.smoke and pair == 0:
            made.append(first)
        else:
            edit_spec(tree / "openapi.yaml", pair + 1)
            made.append(timed(MAKE_GENERATE, tree))
        output = work / f"bare-{pair}"
        bare.append(timed(bare_command(output), tree))
        shutil.rmtree(output)
    breakdown: dict[str, list[Timing]] = {}
    for index in range(min(3, budget.generation_pairs)):
        for name, timing in stages(tree, work, index).items():
            breakdown.setdefault(name, []).append(timing)
    return report(Runs(first, noop, identical, made, bare), breakdown, load)


@dataclass(frozen=True)
class Runs:
    first: Timing
    noop: list[Timing]
    identical: bool
    made: list[Timing]
    bare: list[Timing]


def _walls(timings: list[Timing]) -> Summary:
    return Summary.of([t.wall for t in timings])


def _cpus(timings: list[Timing]) -> Summary:
    return Summary.of([t.cpu for t in timings])


def report(runs: Runs, breakdown: dict[str, list[Timing]], load: float) -> Section:
    ratio = pair_ratios([t.wall for t in runs.made], [t.wall for t in runs.bare])
    noop = _walls(runs.noop)
    section = Section(
        title="Generation: `make generate` with nothing changed, and after a spec change",
        what=(
            "In a scratch copy of the tree, first as a fresh clone (no stamps, no mypy cache): "
            f"`make generate` with nothing changed, {len(runs.noop)} run(s), each of which must "
            "leave `generated/` untouched (same bytes, inodes and modification times); then "
            f"{len(runs.made)} alternating pair(s): a schema's description edited, `make "
            "generate` (validation, and beside it the generator with the project's config and "
            "templates, ruff, then mypy --strict with its cache beside the import smoke test; "
            "swap into `generated/`), and `openapi-python-client generate` with no config on the "
            "same spec. CPU seconds are user and system time of the processes each one ran."
        ),
        verdicts=[
            verdict_value(
                "`make generate` with nothing changed",
                f"{noop.median:.2f} s, generated/ "
                + ("untouched" if runs.identical else "CHANGED"),
                f"≤ {NOOP_GOAL_SECONDS:g} s, output identical",
                runs.identical and noop.median <= NOOP_GOAL_SECONDS,
                "" if runs.identical else "a run with nothing changed rewrote generated/",
            ),
            verdict(
                "`make generate` after a spec change / bare generator",
                ratio.median,
                GOAL.show(),
                GOAL.met(ratio.median),
                _why(runs, breakdown, load),
            ),
        ],
        notes=[f"1-minute load average at the start of the section: {load:.1f}"],
    )
    section.tables.append(
        Table(
            "Median (min to max)",
            ["command", "wall seconds", "CPU seconds", "ratio per pair"],
            [
                [
                    "make generate, fresh clone (no stamps, no mypy cache)",
                    f"{runs.first.wall:.2f}",
                    f"{runs.first.cpu:.2f}",
                    "",
                ],
                ["make generate, nothing changed", noop.show(2), _cpus(runs.noop).show(2), ""],
                [
                    "make generate after a spec change",
                    _walls(runs.made).show(2),
                    _cpus(runs.made).show(2),
                    ", ".join(f"{v:.2f}" for v in ratio.values),
                ],
                [
                    "openapi-python-client generate (bare), same spec",
                    _walls(runs.bare).show(2),
                    _cpus(runs.bare).show(2),
                    "",
                ],
                ["ratio after a change", ratio.show(2, "x"), "", f"goal {GOAL.show()}"],
            ],
        )
    )
    section.tables.append(
        Table(
            "Stages of `make generate` after a change, run one by one (in the pipeline "
            "validation runs beside the client's build, Redocly and Spectral beside the other "
            "checks, mypy beside the smoke test)",
            ["stage", "wall seconds", "CPU seconds"],
            [[name, _walls(v).show(2), _cpus(v).show(2)] for name, v in breakdown.items()],
        )
    )
    section.commands = [
        " ".join(MAKE_GENERATE),
        "openapi-python-client generate --path openapi.yaml --output-path <scratch folder>",
    ]
    return section


def _why(runs: Runs, breakdown: dict[str, list[Timing]], load: float) -> str:
    cpu = {name: _cpus(timings).median for name, timings in breakdown.items()}
    wall = {name: _walls(timings).median for name, timings in breakdown.items()}
    made, bare = _cpus(runs.made).median, _cpus(runs.bare).median
    spectral = cpu.get("of which Spectral lint", 0.0)
    spectral_wall = wall.get("of which Spectral lint", 0.0)
    starts = sum(v for name, v in cpu.items() if "start-up alone" in name)
    cores = len(os.sched_getaffinity(0))
    return (
        f"after a change `make generate` needs {made:.2f} CPU seconds against the bare "
        f"generator's {bare:.2f}: on {cores} cores it cannot finish in less than 1/{cores} of "
        f"that, so the goal allows at most {GOAL.limit * bare * cores:.2f} CPU seconds even with "
        "every core free, and the longest chain must fit in the goal by itself; "
        f"that chain is Spectral, {spectral:.2f} CPU ({spectral_wall:.2f} s) on one thread, "
        "started before anything else: most of it is ajv compiling JSON Schemas (the ruleset's "
        "own definition, each rule function's options, the OpenAPI 3.1 schema and every schema "
        "with an example), then loading its modules; the CLI's rollup bundling of the ruleset "
        "is already gone (contract/spectral.cjs runs its libraries, about 0.35 CPU s less). "
        f"Starting the two Node linters costs {starts:.2f} before they read a byte of the spec. "
        "Weighed and not taken: both linters in one Node process would save one start of "
        "Node itself (`node -e 0`: 0.06 CPU s; Redocly's own start-up is loading its bundle, "
        "which one process pays all the same, and @redocly/cli ships no library API) and would "
        "put Redocly's half second on Spectral's thread, the longest chain; v8-compile-cache "
        "breaks on Node "
        "20 (it compiles the `.mjs` files that Node's `require` now loads as CommonJS), and "
        "Node 20 has no module.enableCompileCache. What stands in the way is Spectral's own "
        "work on every run and the total CPU on two cores; a linter process kept running "
        "between runs (or Node 22's compile cache) would take off the start-ups "
        f"(load {load:.1f} at the start)"
    )
