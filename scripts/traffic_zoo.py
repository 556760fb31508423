"""`python -m scripts.traffic_zoo [--write] [VARIANT ...]`: the client script's traffic through
`make proxy` in front of every bug-zoo variant and the control; `--write` puts the table of
findings (the kit's beside `redocly drift`'s) into `traffic/README.md`. Exit 1 when a variant
that such traffic can reveal was missed, or the control had a finding. Reports go to
`reports/traffic-zoo/<variant>/` (the proxy's HAR, summary and JUnit, the logs).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from bug_zoo.catalog import NAMES, load
from tooling.paths import ROOT
from traffic.zoo import CONTROL, run_variant, table, write_table

README = ROOT / "traffic" / "README.md"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.traffic_zoo", description=__doc__)
    parser.add_argument("variants", nargs="*", help=f"some of: {CONTROL}, {', '.join(NAMES)}")
    parser.add_argument("--write", action="store_true", help="update traffic/README.md")
    parser.add_argument("--reports-dir", type=Path, default=Path("reports") / "traffic-zoo")
    args = parser.parse_args(argv)
    chosen = args.variants or [CONTROL, *NAMES]
    unknown = sorted(set(chosen) - {CONTROL, *NAMES})
    if unknown:
        parser.error(f"unknown variant(s): {', '.join(unknown)}")
    runs = []
    for name in chosen:
        run = run_variant(name, load(name).bug, args.reports_dir)
        verdict = "as expected" if run.as_expected else "NOT AS EXPECTED"
        print(
            f"{name}: kit {run.kit or '-'}; drift {run.drift or '-'}; {verdict}"
            + (f"; {run.error}" if run.error else ""),
            flush=True,
        )
        runs.append(run)
    text = table(runs)
    print(text)
    if args.write:
        write_table(README, text)
        print(f"wrote {README}")
    return 0 if all(run.as_expected for run in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
