"""`make check-traffic HAR=file.har`: the proxy's checks over a recorded HAR 1.2 file, offline.

The entries are judged in the order their requests started, as the proxy judges live traffic,
with the same ledger, checks, spec validation and drift, into the same reports.
"""

from __future__ import annotations

from pathlib import Path

from traffic import har
from traffic.conclusion import conclude, printer
from traffic.observer import Observer
from traffic.reports import TrafficOutcome, TrafficReportPaths


def check(path: Path, reports_dir: Path, *, drift: bool = True) -> TrafficOutcome:
    """Judge the HAR file at `path` (with `redocly drift` unless `drift` is False); raises
    `HarError` for a file that is not one."""
    traffic = har.read(path)
    paths = TrafficReportPaths(reports_dir, "traffic")
    observer = Observer(paths.bodies, report=printer)
    print(f"check-traffic: {len(traffic)} exchange(s) from {path}", flush=True)
    observer.observe(traffic)
    return conclude(observer, path, paths, source=str(path), drift=drift)
