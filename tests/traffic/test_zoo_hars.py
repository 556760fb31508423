"""What ordinary client traffic shows of each bug zoo variant, proven on recorded traffic.

Every variant of `bug_zoo/variants/` has its line in `traffic/zoo_expected.py`. For each one the
client script's traffic shows, `make check-traffic` over the HAR `make traffic-zoo` recorded in
front of it fails, naming the rules its line names; the control's HAR passes. The HARs are
judged once per session (one offline check each, no server) and must be recordings of the
current client script and variant.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bug_zoo.catalog import NAMES
from scripts.check_traffic import main as check_traffic
from traffic.redocly_drift import NOT_ASKED
from traffic.zoo import CONTROL, FIXTURES, recorded, recording_digest
from traffic.zoo_expected import EXPECTED, Shown, Unseen, missing

SHOWN = sorted(name for name, expected in EXPECTED.items() if isinstance(expected, Shown))
Verdict = tuple[int, dict[str, Any]]


def test_every_bug_variant_has_one_line_saying_what_traffic_shows_of_it() -> None:
    assert missing(NAMES) == [], "add a line for each to traffic/zoo_expected.py"
    assert sorted(set(EXPECTED) - set(NAMES)) == [], "lines for variants that do not exist"
    for name, expected in EXPECTED.items():
        if isinstance(expected, Unseen):
            assert expected.why.strip(), f"{name}: say why traffic cannot show it"
        else:
            assert expected.rules, f"{name}: name the rules its failures name"


def test_a_variant_without_a_line_is_reported() -> None:
    assert missing([*NAMES, "a_new_bug", CONTROL]) == ["a_new_bug"]


@pytest.fixture(scope="session")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    """`make check-traffic --no-drift` over each recorded HAR, once: exit status and summary by
    variant. The rules named are the kit's; `redocly drift` (seconds a file, Node) is proven on
    two HARs by `test_check_traffic`."""
    judged = {}
    for variant in (CONTROL, *SHOWN):
        har = FIXTURES / f"{variant}.har"
        if har.exists():
            reports = tmp_path_factory.mktemp(variant)
            status = check_traffic([str(har), "--reports-dir", str(reports), "--no-drift"])
            summary = json.loads((reports / "traffic-summary.json").read_text(encoding="utf-8"))
            judged[variant] = (status, summary)
    return judged


def _failed_rules(summary: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in summary["findings"] if f["severity"] == "failure"}


@pytest.mark.parametrize("variant", SHOWN)
def test_check_traffic_fails_the_variants_traffic_naming_its_rules(
    variant: str, verdicts: dict[str, Verdict]
) -> None:
    assert variant in verdicts, f"no HAR: python -m scripts.traffic_zoo --record {variant}"
    status, summary = verdicts[variant]
    assert status == 1
    expected = EXPECTED[variant]
    assert isinstance(expected, Shown)
    assert set(expected.rules) <= _failed_rules(summary)


def test_check_traffic_passes_the_controls_traffic(verdicts: dict[str, Verdict]) -> None:
    status, summary = verdicts[CONTROL]
    assert (status, summary["failures"], _failed_rules(summary)) == (0, 0, set())
    assert summary["drift"]["error"] == NOT_ASKED  # --no-drift: the kit's checks alone


@pytest.mark.parametrize("variant", [CONTROL, *SHOWN])
def test_each_har_records_the_current_client_script_and_variant(variant: str) -> None:
    assert recorded().get(variant) == recording_digest(variant), (
        f"stale or missing: python -m scripts.traffic_zoo --record {variant}"
    )


def test_only_variants_the_traffic_shows_are_recorded() -> None:
    hars = sorted(path.stem for path in Path(FIXTURES).glob("*.har"))
    assert hars == sorted([CONTROL, *SHOWN])
