"""`make fuzz` on PostgreSQL: the embedded reference server takes `DATABASE_URL` from the
environment, and the whole harness passes against it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.support.postgres import PostgresCluster
from tests.support.server_process import REPO_DIR


@pytest.mark.slow
def test_make_fuzz_passes_against_a_postgresql_backed_server(
    postgres: PostgresCluster, tmp_path: Path
) -> None:
    url = postgres.create_database()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TARGET_", "FUZZ_"))}
    env.update(
        {
            "DATABASE_URL": url,
            "FUZZ_SEED": "8",
            "FUZZ_MAX_EXAMPLES": "3",  # small: the full budget runs on SQLite in `make fuzz`
            "FUZZ_REPORTS_DIR": str(tmp_path / "reports"),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "fuzzing"],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    assert " 0 failure(s)" in output
    # The runs the fuzzer added are in PostgreSQL: the server used DATABASE_URL.
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM runs").fetchone()
    assert row is not None
    assert row[0] > 2  # more than the two runs of the demo data
