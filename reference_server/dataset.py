"""The data file the server loads at start: inbound flows, their runs, and process links.

```json
{"incomingFlows": [{"id": "demo-flow", "runs": [
    {"id": "demo-run", "displayName": "...", "startDateTime": "...Z", "endDateTime": null,
     "status": "running", "blockingError": null, "statistics": {}, "processRuns": ["..."]}]}]}
```
Each run must be what the API would return (checked against the spec's `run` schema), so loaded
data can never make the server answer outside its contract.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reference_server.conformance import ServedContract
from reference_server.resource import run_odata_type
from reference_server.storage.base import RUN_FIELDS, FlowRecord, RunRecord


class DataFileError(ValueError):
    """The data file is not in the expected shape."""


def read_dataset(path: Path, spec: ServedContract) -> list[FlowRecord]:
    try:
        document: Any = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFileError(f"cannot read data file {path}: {exc}") from exc
    flows = document.get("incomingFlows") if isinstance(document, dict) else None
    if not isinstance(flows, list):
        raise DataFileError(f"{path}: expected an object with an 'incomingFlows' list")
    odata_type = run_odata_type(spec)
    records = []
    for flow in flows:
        if not isinstance(flow, dict) or not isinstance(flow.get("id"), str):
            raise DataFileError(f"{path}: every inbound flow needs a string 'id'")
        runs = []
        for run in flow.get("runs", []):
            if not isinstance(run, dict):
                raise DataFileError(f"{path}: runs of '{flow['id']}' must be objects")
            links = run.get("processRuns", [])
            resource = {
                "@odata.type": odata_type,
                **{k: v for k, v in run.items() if k != "processRuns"},
            }
            problems = spec.check_schema("run", resource)
            if problems or not isinstance(links, list):
                raise DataFileError(
                    f"{path}: run '{run.get('id')}' of '{flow['id']}' is not a valid run: "
                    + "; ".join(problems or ["processRuns must be a list of ids"])
                )
            runs.append(
                RunRecord(
                    id=run["id"],
                    fields={k: run[k] for k in RUN_FIELDS},
                    process_runs=tuple(str(link) for link in links),
                )
            )
        records.append(FlowRecord(id=flow["id"], runs=tuple(runs)))
    return records
