"""`python -m bench.client_driver`: time Update run calls, generated client against httpx.

Run by `bench.client` as its own process with `generated/` on `PYTHONPATH`, the way a user
runs the client; nothing in `scripts/` imports this module. Batches alternate: generated client
with a static token, the same in production set-up (a credential and retries, as the README shows
it), then raw httpx, each with one client kept open (keep-alive, one connection), the same token
and bodies of the same shape; every call changes the run. Prints one JSON line: seconds per batch.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx
from industrydata_runs_client import AuthenticatedClient
from industrydata_runs_client.api.industry_data_run import update_run
from industrydata_runs_client.client import RetryPolicy
from industrydata_runs_client.models import Run, RunStatusInput, RunUpdate

FLOW, RUN = "demo-flow", "demo-run"
PATH = f"/industryData/incomingFlows/{FLOW}/runs/{RUN}"
TIMEOUT = httpx.Timeout(30.0)


@dataclass(frozen=True)
class AccessToken:
    """azure-core's `AccessToken` shape, valid for an hour: the cached token is what is timed."""

    token: str
    expires_on: int


@dataclass(frozen=True)
class StaticCredential:
    """A `TokenCredential` that hands out one token, as `azure-identity`'s would from its cache."""

    token: str

    def get_token(self, *scopes: str) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3600)


class CallFailedError(RuntimeError):
    """A call did not return 200 with a run: its time would mean nothing."""


def generated_batch(client: AuthenticatedClient, calls: int, tag: str) -> float:
    started = time.perf_counter()
    for i in range(calls):
        body = RunUpdate(display_name=f"client {tag} {i}", status=RunStatusInput.RUNNING)
        response = update_run.sync_detailed(FLOW, RUN, client=client, body=body)
        if not isinstance(response.parsed, Run):
            raise CallFailedError(f"generated client: {response.status_code} {response.content!r}")
    return time.perf_counter() - started


def raw_batch(client: httpx.Client, calls: int, tag: str) -> float:
    started = time.perf_counter()
    for i in range(calls):
        body = {"displayName": f"raw {tag} {i}", "status": "running"}
        response = client.patch(PATH, json=body)
        if response.status_code != 200:
            raise CallFailedError(f"httpx: {response.status_code} {response.text}")
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.client_driver")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args(argv)
    generated_times: list[float] = []
    production_times: list[float] = []
    raw_times: list[float] = []
    headers = {"Authorization": f"Bearer {args.token}"}
    with (
        AuthenticatedClient(args.base_url, token=args.token, timeout=TIMEOUT) as client,
        AuthenticatedClient(
            args.base_url,
            credential=StaticCredential(args.token),
            retries=RetryPolicy(),
            raise_on_error=True,
            timeout=TIMEOUT,
        ) as production,
        httpx.Client(base_url=args.base_url, headers=headers, timeout=TIMEOUT) as raw,
    ):
        # Warm-up: connections open, imports and caches filled on both sides.
        generated_batch(client, 3, "warm-up")
        generated_batch(production, 3, "warm-up")
        raw_batch(raw, 3, "warm-up")
        for pair in range(args.pairs):
            generated_times.append(generated_batch(client, args.calls, str(pair)))
            production_times.append(generated_batch(production, args.calls, f"p{pair}"))
            raw_times.append(raw_batch(raw, args.calls, str(pair)))
    figures = {
        "generated": generated_times,
        "production": production_times,
        "raw": raw_times,
        "calls": args.calls,
    }
    json.dump(figures, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
