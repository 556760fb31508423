"""`make traffic-zoo`: the client script's traffic through `make proxy` in front of every bug-zoo
variant and the control (`traffic.zoo`).

    python -m scripts.traffic_zoo [--write] [--record] [--reports-dir DIR] [VARIANT ...]

`--write` (as `make traffic-zoo` runs it) puts the table of findings, the kit's beside
`redocly drift`'s, into `traffic/README.md`, and records as `--record` does. `--record` keeps the
HAR of each variant run whose bug the traffic shows (and the control's) in
`tests/traffic/fixtures/zoo/`, where the tests judge it with `make check-traffic`; with some
variants named, only theirs. Exit 1 when a variant did not go as its line of
`traffic/zoo_expected.py` says (shown: a failure on each rule named; unseen: no failure; no line
at all), or the control had a finding; 2 for a variant that does not exist. Reports go to
`reports/traffic-zoo/<variant>/` (the proxy's HAR, summary and JUnit, the logs). Each variant is
served from this process, on a port and with a state of its own (`bug_zoo.hosted`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from bug_zoo.catalog import NAMES, load
from bug_zoo.hosted import hosted_for_traffic
from traffic.zoo import CONTROL, FIXTURES, UnknownVariantError, prove


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.traffic_zoo", description=__doc__)
    parser.add_argument("variants", nargs="*", help=f"some of: {CONTROL}, {', '.join(NAMES)}")
    parser.add_argument("--write", action="store_true", help="update traffic/README.md")
    parser.add_argument("--record", action="store_true", help="keep the HARs for the tests")
    parser.add_argument("--reports-dir", type=Path, default=Path("reports") / "traffic-zoo")
    args = parser.parse_args(argv)
    # The zoo's catalog is read here: the traffic checks import nothing of the zoo.
    bugs = {name: load(name).bug for name in (CONTROL, *NAMES)}
    try:
        passed = prove(
            bugs,
            args.variants,
            args.reports_dir,
            write=args.write,
            fixtures=FIXTURES if args.write or args.record else None,
            serve=hosted_for_traffic,
        )
    except UnknownVariantError as error:
        parser.error(str(error))
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
