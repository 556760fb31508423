"""Section 1: `make generate` end to end against the bare generator on the same spec.

Both run in a scratch copy of the repository's tracked files (with `.venv` and `node_modules`
linked in), so the bench never rewrites `generated/` of the working tree. The runs alternate,
`make generate` then the bare generator, and the ratio is taken within each pair. A breakdown
of `make generate` into its stages says where the difference goes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.budget import Budget
from bench.report import Section, Table, verdict
from bench.stats import Goal, Summary, pair_ratios
from codegen import generator, pipeline
from tooling.paths import ROOT, VENV_BIN

GOAL = Goal(1.3, upper=True)
MAKE_GENERATE = ["make", "--no-print-directory", "generate"]


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


def timed(command: Sequence[str], cwd: Path) -> float:
    env = dict(os.environ)
    # The generator's post-hooks call `ruff` by name: the pinned one, as `make generate` does.
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise GenerationBenchError(
            f"{' '.join(command)} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return seconds


def _stage(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def stages(tree: Path, work: Path, index: int) -> dict[str, float]:
    """The stages of `make generate`, one by one, as `codegen.pipeline` runs them."""
    project = work / f"stages-{index}" / "generated"
    project.parent.mkdir(parents=True)
    validate = [sys.executable, "-m", "scripts.validate", "openapi.yaml"]
    return {
        "validate (spec checks, examples, Redocly, Spectral)": timed(validate, tree),
        "generator with the project's config and templates, ruff": _stage(
            lambda: generator.generate_into(project, tree / "openapi.yaml")
        ),
        "mypy --strict on the client": _stage(lambda: pipeline.type_check(project)),
        "import smoke test": _stage(lambda: pipeline.smoke_test(project)),
    }


def measure(budget: Budget, work: Path) -> Section:
    tree = scratch_tree(work / "tree")
    made: list[float] = []
    bare: list[float] = []
    for pair in range(budget.generation_pairs):
        made.append(timed(MAKE_GENERATE, tree))
        output = work / f"bare-{pair}"
        bare.append(timed(bare_command(output), tree))
        shutil.rmtree(output)
    breakdown: dict[str, list[float]] = {}
    for index in range(min(3, budget.generation_pairs)):
        for name, seconds in stages(tree, work, index).items():
            breakdown.setdefault(name, []).append(seconds)
    return report(made, bare, breakdown)


def report(made: list[float], bare: list[float], breakdown: dict[str, list[float]]) -> Section:
    ratio = pair_ratios(made, bare)
    made_s, bare_s = Summary.of(made), Summary.of(bare)
    stage_medians = {name: Summary.of(v).median for name, v in breakdown.items()}
    extra = sorted(
        ((n, s) for n, s in stage_medians.items() if not n.startswith("generator")),
        key=lambda item: -item[1],
    )
    why = (
        f"the bare generator takes {bare_s.median:.2f} s; `make generate` adds "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in extra)
        + ": the checks `make generate` runs by design around the generator (validation "
        "before it; mypy --strict and an import test of the client after it), each of them "
        "costing about as much as the generator itself"
    )
    section = Section(
        title="Generation: `make generate` against the bare generator",
        what=(
            "Wall time of `make generate` end to end (validation, generation with the project's "
            "config and templates, ruff, mypy --strict, import smoke test, swap into "
            "`generated/`) against `openapi-python-client generate` with no config on the same "
            f"`openapi.yaml`, {len(made)} alternating pair(s), in a scratch copy of the tree."
        ),
        verdicts=[
            verdict(
                "`make generate` / bare generator",
                ratio.median,
                GOAL.show(),
                GOAL.met(ratio.median),
                why,
            )
        ],
    )
    section.tables.append(
        Table(
            "Seconds, median (min to max)",
            ["command", "seconds", "ratio per pair"],
            [
                ["make generate", made_s.show(2), ", ".join(f"{v:.2f}" for v in ratio.values)],
                ["openapi-python-client generate (bare)", bare_s.show(2), ""],
                ["ratio", ratio.show(2, "x"), f"goal {GOAL.show()}"],
            ],
        )
    )
    section.tables.append(
        Table(
            "Stages of `make generate`, run one by one, seconds",
            ["stage", "seconds"],
            [[name, Summary.of(v).show(2)] for name, v in breakdown.items()],
        )
    )
    section.commands = [
        " ".join(MAKE_GENERATE),
        "openapi-python-client generate --path openapi.yaml --output-path <scratch folder>",
    ]
    return section
