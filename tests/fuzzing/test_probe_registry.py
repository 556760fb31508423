"""The probes are found in their package: a probe is one decorated function, placed by `order`."""

from __future__ import annotations

from pathlib import Path

from fuzzing.probes import PROBES, SETUP, discover
from fuzzing.probes.prober import Probe
from tests.support.dropped import dropped_module
from tooling.discovery import import_all


def test_a_probe_dropped_into_the_package_runs_at_its_order(tmp_path: Path) -> None:
    source = '''
        from fuzzing.probes.prober import Prober, probe


        @probe(order=15, covers=("D15",))
        def dropped_probe(prober: Prober) -> None:
            """A probe of a family that no list names."""
    '''
    with dropped_module("fuzzing.probes", "dropped_family", source, tmp_path):
        found = [probe.name for probe in discover()]
    assert found == [PROBES[0].name, "dropped_probe", *(probe.name for probe in PROBES[1:])]
    assert "dropped_probe" not in [probe.name for probe in discover()]


def test_every_probe_of_the_package_runs_once_after_the_setup() -> None:
    declared = {
        value
        for module in import_all("fuzzing.probes")
        for value in vars(module).values()
        if isinstance(value, Probe)
    }
    assert declared == {SETUP, *PROBES}
    assert len(PROBES) == len({probe.name for probe in PROBES})
    assert SETUP not in PROBES


def test_the_probes_run_in_their_declared_order() -> None:
    assert [probe.order for probe in PROBES] == sorted(probe.order for probe in PROBES)
    assert len({probe.order for probe in PROBES}) == len(PROBES), "two probes share an order"
