"""HTTP load from a separate process: wrk (Debian's package) with a Lua script per operation.

Every request carries a different body, so every Update run really changes the run (a PATCH that
changes nothing writes nothing) and every Add run creates a new run. wrk is closed-loop: each
connection sends its next request when the last answer came, so latencies are those of a server
kept saturated at this concurrency, not of a fixed arrival rate.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

WRK = "wrk"
MARK = "BENCH-RESULT "

# `setup` runs in wrk's main Lua state and numbers the threads; `request` runs in each thread.
SCRIPT = r"""
local token = os.getenv("BENCH_TOKEN")
local method = os.getenv("BENCH_METHOD")
local kind = os.getenv("BENCH_BODY")
local counter = 0
local threads = 0
local headers = {["Content-Type"] = "application/json"}
if token ~= nil and token ~= "" then
  headers["Authorization"] = "Bearer " .. token
end
-- BENCH_SENT=1: each request says when it was written (CLOCK_MONOTONIC, ns) for the timeline.
local clock = nil
if os.getenv("BENCH_SENT") == "1" then
  local ffi = require("ffi")
  ffi.cdef("typedef struct { long tv_sec; long tv_nsec; } bench_timespec;"
    .. "int clock_gettime(int clock, bench_timespec *now);")
  local now = ffi.new("bench_timespec")
  clock = function()
    ffi.C.clock_gettime(1, now)
    return string.format("%d%09d", tonumber(now.tv_sec), tonumber(now.tv_nsec))
  end
end
-- BENCH_MAX_REQUESTS=N (smoke runs only): wrk stops after N answers instead of at the end of its
-- duration. Only then is `response` defined: when it is, wrk hands every answer to Lua, which
-- costs it time. The thread stops at once, and SIGINT to wrk's own process ends the main thread's
-- wait; wrk then stops its other threads and reports.
local most = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "")
if most ~= nil then
  local ffi = require("ffi")
  ffi.cdef("int kill(int pid, int sig); int getpid(void);")
  local answers = 0
  function response()
    answers = answers + 1
    if answers == most then
      wrk.thread:stop()
      ffi.C.kill(ffi.C.getpid(), 2)
    end
  end
end

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function request()
  counter = counter + 1
  local name = "bench " .. tid .. "-" .. counter
  local body
  if kind == "add" then
    body = '{"displayName":"' .. name .. '","startDateTime":"2026-11-24T02:00:00.1234567Z",'
      .. '"status":"running","statistics":{"recordsRead":' .. counter .. '}}'
  else
    body = '{"displayName":"' .. name .. '","status":"running",'
      .. '"statistics":{"recordsRead":' .. counter .. '}}'
  end
  if clock ~= nil then
    headers["X-Bench-Sent"] = clock()
  end
  return wrk.format(method, nil, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,'
      .. '"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


class LoadError(RuntimeError):
    """wrk is missing, failed, or printed no result."""


@dataclass(frozen=True)
class Load:
    """How hard and how long: connections, wrk threads, seconds; and for the smoke budget, the
    answers after which wrk stops early (its figures mean nothing; it only has to run)."""

    connections: int
    threads: int
    seconds: float
    requests: int | None = None


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    status_errors: int  # answers outside 2xx/3xx
    socket_errors: int
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def errors(self) -> int:
        return self.status_errors + self.socket_errors


def wrk_available() -> bool:
    return shutil.which(WRK) is not None


def write_script(folder: Path) -> Path:
    path = folder / "bench.lua"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def command(url: str, load: Load, script: Path) -> list[str]:
    duration = max(1, round(load.seconds))
    return [
        WRK,
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]


def shown_command(method: str, body: str, load: Load) -> str:
    """The command as the report shows it (the script and the token named, not inlined)."""
    duration = max(1, round(load.seconds))
    return (
        f"BENCH_METHOD={method} BENCH_BODY={body} BENCH_TOKEN=<dev token> "
        f"wrk -t{load.threads} -c{load.connections} -d{duration}s --timeout 10s "
        "-s bench.lua <url>"
    )


def run(
    url: str,
    method: str,
    body: str,
    token: str | None,
    load: Load,
    script: Path,
    *,
    sent: bool = False,
) -> LoadResult:
    """Drive `method url` for `load.seconds`; `body` is `update` or `add` (which body to send);
    `sent`: each request carries `X-Bench-Sent`, the moment wrk wrote it (for the timeline)."""
    if not wrk_available():
        raise LoadError("wrk is not installed (make apt-packages installs Debian's wrk)")
    env = {
        "BENCH_METHOD": method,
        "BENCH_BODY": body,
        "BENCH_TOKEN": token or "",
        "BENCH_SENT": "1" if sent else "",
        "BENCH_MAX_REQUESTS": str(load.requests) if load.requests else "",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        command(url, load, script),
        capture_output=True,
        text=True,
        env=env,
        timeout=load.seconds + 60,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            raw = json.loads(line[len(MARK) :])
            return LoadResult(
                requests=int(raw["requests"]),
                seconds=raw["duration_us"] / 1e6,
                status_errors=int(raw["status_errors"]),
                socket_errors=int(raw["socket_errors"]),
                p50_ms=raw["p50_us"] / 1000,
                p99_ms=raw["p99_us"] / 1000,
            )
    raise LoadError(f"wrk printed no result (exit {done.returncode}):\n{done.stdout}{done.stderr}")
