"""The rule table of fuzzing/README.md is generated, current, and every family has a bug."""

from __future__ import annotations

from fnmatch import fnmatchcase

from bug_zoo import variant_table
from bug_zoo.catalog import CONFORMING, NAMES, load
from bug_zoo.rule_table import FAMILIES, README, ZOO_README, proofs, render, run, with_table
from fuzzing.contract_rules import rules


def test_the_readme_holds_the_current_table() -> None:
    assert run("check") == 0, "run make rules"
    readme = README.read_text(encoding="utf-8")
    assert with_table(readme, render()) == readme
    assert "**0 gap(s)**" in readme


def test_a_stale_table_is_found() -> None:
    readme = README.read_text(encoding="utf-8")
    stale = readme.replace("| `D1` |", "| `D1 typed by hand` |")
    assert with_table(stale, render()) != stale


def test_every_variant_covers_rules_that_exist() -> None:
    every = rules()
    for name in (*NAMES, *CONFORMING):
        variant = load(name)
        assert variant.covers, name
        for pattern in variant.covers:
            assert any(fnmatchcase(rule.id, pattern) for rule in every), (name, pattern)


def test_every_family_of_server_rules_has_a_bug_that_breaks_it() -> None:
    proven = {rule.family for rule in rules() if rule.server and proofs(rule)}
    assert proven == set(FAMILIES)


def test_the_zoo_readme_holds_the_variants_own_rows() -> None:
    readme = ZOO_README.read_text(encoding="utf-8")
    stale = readme.replace("| `etag_frozen` | the", "| `etag_frozen` | typed by hand: the")
    assert stale != readme
    for before in (readme, stale):
        after = before
        for table in variant_table.render():
            after = with_table(after, table)
        assert after == readme
