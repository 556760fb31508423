"""`python -m traffic.client_script`: what a real integration does, through the generated client.

The traffic that proves `make proxy` on the bug zoo. Run as a user's process with `generated/`
on `PYTHONPATH` (nothing of the kit imports it). In order, one client per integration, each
call with its own `client-request-id`:

1. add two runs to the process of the pinned run (Add run, 204, the new run in `Location`);
2. update the first as it progresses: running with statistics, then completed;
3. two integrations race to update the second run, both holding the `ETag` of the same version
   and sending it as `If-Match`: the second's request goes out after the first's answer (the race
   as it is lost; overlapping exchanges would leave a passive observer no order to judge by);
4. the integration that keeps processes in order: it updates the first run through the process
   it was added to, links the second run into the first run's process by reference (the URL an
   SDK configured for Graph writes: the run at the contract's production server), and updates
   the second run through that process;
5. two bad requests, each a mistake clients make: a status the API does not have, and the run
   sent back whole as an update (its read-only `id` included), each beside a valid new name;
6. one more update of the first run, without a name (a refused request must have changed
   nothing), and the README's curl example: a time at full precision (7 fractional digits),
   which a Python `datetime` cannot carry, sent as raw JSON through the client's own httpx;
7. a create with an `Idempotency-Key`, sent again with the same key and body, as a client retries
   after an answer it never got (a timeout, a reset connection): one run, one `Location`.

Prints one line per call (operation, status) and exits 0 once every call got an answer; a call
whose answer the client cannot read is printed as such, and the script goes on.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Sequence
from typing import Any

import httpx
from industrydata_runs_client import AuthenticatedClient
from industrydata_runs_client.api.industry_data_run import add_run, update_process_run, update_run
from industrydata_runs_client.models import RunCreate, RunReference, RunUpdate

from fuzzing.facts import contract

TIMEOUT = httpx.Timeout(30.0)


class Integration:
    """One caller: a client of its own, numbering its `client-request-id`s."""

    def __init__(self, name: str, base_url: str, token: str) -> None:
        self.name = name
        # Retries off: one call, one exchange for the observer (step 6 retries by hand).
        self.client = AuthenticatedClient(base_url, token=token, timeout=TIMEOUT, retries=None)
        self.calls = 0

    def request_id(self) -> str:
        self.calls += 1
        return f"{self.name}-{self.calls}"

    def add(
        self, flow: str, run: str, body: dict[str, Any], idempotency_key: str | None = None
    ) -> str | None:
        """Add a run (with `idempotency_key`, safe to send again), or link the one a reference
        body (`@odata.id`) names; the run's id, from `Location`, or None."""
        kwargs: dict[str, Any] = {}
        if idempotency_key is not None:
            kwargs["idempotency_key"] = idempotency_key
        model = RunReference if "@odata.id" in body else RunCreate
        try:
            response = add_run.sync_detailed(
                flow,
                run,
                client=self.client,
                body=model.from_dict(body),
                client_request_id=self.request_id(),
                **kwargs,
            )
        except (ValueError, KeyError, TypeError) as error:
            print(f"{self.name}: add run: the client raised {error!r}", flush=True)
            return None
        location = response.headers.get("location", "")
        print(f"{self.name}: add run -> {response.status_code} {location}", flush=True)
        return location.rstrip("/").rsplit("/", 1)[-1] if location else None

    def update(
        self,
        flow: str,
        run: str,
        body: dict[str, Any],
        if_match: str | None = None,
        process_of: str | None = None,
    ) -> str | None:
        """Update a run (with `process_of`, through the process of that run); the `ETag` of the
        answer, or None."""
        kwargs: dict[str, Any] = {"if_match": if_match} if if_match is not None else {}
        kwargs |= {"client": self.client, "client_request_id": self.request_id()}
        try:
            if process_of is None:
                response = update_run.sync_detailed(
                    flow, run, body=RunUpdate.from_dict(body), **kwargs
                )
            else:
                response = update_process_run.sync_detailed(
                    flow, process_of, run, body=RunUpdate.from_dict(body), **kwargs
                )
        except (ValueError, KeyError, TypeError) as error:
            # A client that cannot read an answer fails as a user's would; the traffic goes on.
            print(f"{self.name}: update {run}: the client raised {error!r}", flush=True)
            return None
        etag = response.headers.get("etag")
        print(f"{self.name}: update {run} -> {response.status_code} {etag or ''}", flush=True)
        return etag

    def raw_update(self, flow: str, run: str, body: dict[str, Any]) -> None:
        """An update the model cannot express, sent as JSON through the client's httpx."""
        path = f"/industryData/incomingFlows/{flow}/runs/{run}"
        response = self.client.get_httpx_client().patch(
            path, json=body, headers={"client-request-id": self.request_id()}
        )
        print(f"{self.name}: raw update {run} -> {response.status_code}", flush=True)

    def close(self) -> None:
        self.client.get_httpx_client().close()


def run_script(base_url: str, token: str, flow: str, parent: str) -> None:
    importer = Integration("roster-import", base_url, token)
    other = Integration("roster-retry", base_url, token)
    try:
        started = "2026-11-24T02:00:00.123456Z"
        first = importer.add(
            flow,
            parent,
            {
                "displayName": "Nightly roster import",
                "startDateTime": started,
                "status": "running",
                "statistics": {"recordsRead": 0},
            },
        )
        second = importer.add(
            flow,
            parent,
            {
                "displayName": "Nightly roster export",
                "startDateTime": started,
                "status": "running",
                "statistics": {"recordsRead": 0},
            },
        )
        if first is None or second is None:
            return
        importer.update(flow, first, {"status": "running", "statistics": {"recordsRead": 1250}})
        importer.update(
            flow,
            first,
            {
                "status": "completed",
                "endDateTime": "2026-11-24T02:41:37.5Z",
                "statistics": {"recordsRead": 1250, "recordsWritten": 1248},
            },
        )
        version = importer.update(flow, second, {"displayName": "Nightly roster export (2)"})
        if version is not None:
            importer.update(flow, second, {"statistics": {"recordsRead": 10}}, if_match=version)
            other.update(flow, second, {"status": "failed"}, if_match=version)
        importer.update(
            flow, first, {"displayName": "Nightly roster import (checked)"}, None, parent
        )
        production = contract().server_urls()[0]
        reference = f"{production}/industryData/incomingFlows/{flow}/runs/{second}"
        if importer.add(flow, first, {"@odata.id": reference}) is not None:
            importer.update(flow, second, {"statistics": {"recordsRead": 20}}, None, first)
        importer.raw_update(flow, first, {"displayName": "Renamed by mistake", "status": "paused"})
        whole = {
            "@odata.type": "#microsoft.graph.industryData.run",
            "id": first,
            "displayName": "Renamed by mistake",
            "status": "completed",
        }
        importer.raw_update(flow, first, whole)
        importer.update(flow, first, {"statistics": {"recordsRead": 1300, "recordsWritten": 1290}})
        importer.raw_update(flow, first, {"endDateTime": "2026-11-24T02:41:37.5000001Z"})
        key = f'"{uuid.uuid4()}"'
        nightly = {
            "displayName": "Nightly roster import (retried)",
            "startDateTime": started,
            "status": "running",
            "statistics": {"recordsRead": 0},
        }
        for _ in ("sent", "sent again"):
            importer.add(flow, parent, nightly, idempotency_key=key)
    finally:
        importer.close()
        other.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m traffic.client_script", description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--flow", default="demo-flow")
    parser.add_argument("--run", default="demo-run", help="the run whose process gets new runs")
    args = parser.parse_args(argv)
    run_script(args.base_url, args.token, args.flow, args.run)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
