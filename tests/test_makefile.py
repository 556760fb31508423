"""The Makefile reads as a table of entry points: each target is one line of prerequisites and one
recipe, the kit's own commands run as `$(RUN)<name>`, a thin `scripts/<name>.py`, and `make help`
lists every target."""

from __future__ import annotations

import ast
import re
import subprocess
from dataclasses import dataclass

import pytest

from tooling.paths import ROOT

MAKEFILE = ROOT / "Makefile"
SCRIPTS = ROOT / "scripts"
ENTRY_POINTS = sorted(path.stem for path in SCRIPTS.glob("*.py") if path.stem != "__init__")
RULE = re.compile(r"^(?P<target>[^\s:#=][^:=]*):(?!=)\s*(?P<prerequisites>.*)$")
# An entry point's run: optional `NAME=value` settings, then `$(RUN)<name>` and its arguments.
ENTRY_RUN = re.compile(r"^@?(?:[A-Z_]+=\S+ )*\$\(RUN\)(?P<name>[a-z_]+)(?: |$)")
# pytest is a tool like ruff: `make test` runs it as the suite runs it (tests/test_suite_order.py).
TOOL_RUNS_ON_PY = {"test": "$(PY) -m pytest "}
NAME_MAIN = "raise SystemExit(main())"


@dataclass(frozen=True)
class Rule:
    target: str
    prerequisites: list[str]
    recipe: list[str]


def _rules(text: str) -> dict[str, Rule]:
    """The Makefile's rules by target, with backslash-continued lines joined as make joins them."""
    lines = re.sub(r"\\\n\s*", " ", text).splitlines()
    rules: dict[str, Rule] = {}
    current: Rule | None = None
    for line in lines:
        if line.startswith("\t") and current is not None:
            current.recipe.append(line.strip())
            continue
        current = None
        match = RULE.match(line)
        if match:
            current = Rule(match["target"], match["prerequisites"].split(), [])
            rules[current.target] = current
    return rules


RULES = _rules(MAKEFILE.read_text(encoding="utf-8"))
PHONY = RULES[".PHONY"].prerequisites
RUNS = {
    target: match["name"]
    for target in PHONY
    for match in [ENTRY_RUN.match(RULES[target].recipe[0]) if RULES[target].recipe else None]
    if match
}


def _make(*args: str) -> str:
    done = subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_make_help_lists_every_target_and_only_targets() -> None:
    listed = re.findall(r"^  ([a-z-]+): ", _make("help"), flags=re.MULTILINE)
    assert sorted(listed) == sorted(PHONY)
    assert all(target in RULES for target in listed)


def test_each_target_is_one_line_of_prerequisites_and_at_most_one_recipe_line() -> None:
    long = {target: RULES[target].recipe for target in PHONY if len(RULES[target].recipe) > 1}
    assert long == {}


def test_every_target_that_runs_python_runs_its_own_entry_point() -> None:
    for target in PHONY:
        recipe = " ".join(RULES[target].recipe)
        if target in TOOL_RUNS_ON_PY:
            assert recipe.startswith(TOOL_RUNS_ON_PY[target]), target
        elif "$(PY)" in recipe or "$(RUN)" in recipe or "python" in recipe:
            assert RUNS.get(target) == target.replace("-", "_"), (target, recipe)
    assert sorted(RUNS.values()) == ENTRY_POINTS, "a script without a target, or the reverse"


@pytest.mark.parametrize("target", sorted(RUNS))
def test_the_recipe_runs_the_script_as_a_module(target: str) -> None:
    ran = _make("--dry-run", target).splitlines()[-1]
    assert re.match(rf"^(?:[A-Z_]+=\S+ )*\S+/python -m scripts\.{RUNS[target]}(?: |$)", ran), ran


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_each_entry_point_is_thin(name: str) -> None:
    """Arguments, one call into the kit, an exit status: no logic of its own to test apart."""
    tree = ast.parse((SCRIPTS / f"{name}.py").read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"scripts/{name}.py says nothing of what it runs"
    *body, guard = tree.body[1:]
    defined = [node for node in body if isinstance(node, ast.FunctionDef | ast.ClassDef)]
    assert [node.name for node in defined] == ["main"], f"scripts/{name}.py defines {defined}"
    for node in body:
        assert isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef) or (
            isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Constant)
        ), f"scripts/{name}.py: {ast.unparse(node)}"
    main = defined[0]
    assert isinstance(main, ast.FunctionDef)
    assert ast.unparse(main.args) == "argv: Sequence[str] | None=None", name
    assert main.returns is not None
    assert ast.unparse(main.returns) == "int", name
    logic = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.For, ast.While)
    inner = [
        ast.unparse(node).splitlines()[0]
        for node in ast.walk(main)
        if isinstance(node, logic) and node is not main
    ]
    assert inner == [], f"scripts/{name}.py: logic that belongs in a package"
    assert ast.unparse(guard) == f"if __name__ == '__main__':\n    {NAME_MAIN}", name


def test_no_package_is_a_make_targets_command_of_its_own() -> None:
    """`python -m <package>` is left to the process the kit's tools and tests start by command,
    the server (`tooling/reference.py`); what `make` runs is `scripts/<name>.py`."""
    assert sorted(path.parent.name for path in ROOT.glob("*/__main__.py")) == ["reference_server"]


def help_entries(text: str) -> list[tuple[str, str]]:
    """(target, its text with continuation lines joined) for each entry `make help` prints."""
    entries: list[tuple[str, str]] = []
    for line in text.splitlines():
        entry = re.match(r"^  ([a-z-]+): (.*)$", line)
        if entry:
            entries.append((entry[1], entry[2].strip()))
        elif line.strip() and entries:
            target, said = entries[-1]
            entries[-1] = (target, f"{said} {line.strip()}")
    return entries


def readme_target_table() -> list[tuple[str, str]]:
    """(target, text) for each row of the README's table of make targets."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Make targets\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `make ([a-z-]+)` \| (.*) \|$", section, flags=re.MULTILINE)


def test_the_readmes_table_of_targets_is_make_help() -> None:
    """The README says of each target what `make help` says, in the same order: one text, so
    neither can drift from the other (issue 24)."""
    assert readme_target_table() == help_entries(_make("help"))
