"""The server under test: where it is, how to authenticate, and which resources it holds."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from fuzzing.exchange import RunKey

DEMO_FLOW_ID = "demo-flow"
DEMO_RUN_ID = "demo-run"
DEMO_PROCESS_RUN_ID = "demo-process-run"


def _segment(value: str) -> str:
    return quote(value, safe="")


def run_url(base_url: str, key: RunKey) -> str:
    """Where run `key` is updated (and, with a PATCH that changes nothing, read)."""
    flow, run = key
    return f"{base_url}/industryData/incomingFlows/{_segment(flow)}/runs/{_segment(run)}"


def process_run_url(base_url: str, key: RunKey, process_of: str) -> str:
    """Where run `key` is updated through the process of run `process_of` of its flow."""
    flow, run = key
    return f"{run_url(base_url, (flow, process_of))}/process/runs/{_segment(run)}"


@dataclass(frozen=True)
class Target:
    """A server to fuzz, with the ids of a run and of a run linked into its process."""

    base_url: str
    token: str
    token_no_permission: str | None = None
    flow_id: str = DEMO_FLOW_ID
    run_id: str = DEMO_RUN_ID
    process_run_id: str = DEMO_PROCESS_RUN_ID

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Target:
        """The target `TARGET_URL` (base URL including `/beta`) and its `TARGET_*` settings name."""
        return cls(
            base_url=env["TARGET_URL"].rstrip("/"),
            token=env.get("TARGET_TOKEN", ""),
            token_no_permission=env.get("TARGET_TOKEN_NO_PERMISSION") or None,
            flow_id=env.get("TARGET_FLOW_ID") or DEMO_FLOW_ID,
            run_id=env.get("TARGET_RUN_ID") or DEMO_RUN_ID,
            process_run_id=env.get("TARGET_PROCESS_RUN_ID") or DEMO_PROCESS_RUN_ID,
        )

    def environment(self) -> dict[str, str]:
        """The `TARGET_*` variables that describe this target to the schemathesis process."""
        env = {
            "TARGET_URL": self.base_url,
            "TARGET_TOKEN": self.token,
            "TARGET_FLOW_ID": self.flow_id,
            "TARGET_RUN_ID": self.run_id,
            "TARGET_PROCESS_RUN_ID": self.process_run_id,
        }
        if self.token_no_permission:
            env["TARGET_TOKEN_NO_PERMISSION"] = self.token_no_permission
        return env

    def run_url(self, run_id: str, flow_id: str | None = None) -> str:
        return run_url(self.base_url, (flow_id if flow_id is not None else self.flow_id, run_id))

    def process_run_url(self, run_id: str, process_run_id: str) -> str:
        return process_run_url(self.base_url, (self.flow_id, process_run_id), run_id)

    def add_run_url(self, run_id: str, flow_id: str | None = None) -> str:
        return f"{self.run_url(run_id, flow_id)}/process/runs/$ref"
