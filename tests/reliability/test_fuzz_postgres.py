"""`make fuzz` on PostgreSQL: the embedded reference server takes `DATABASE_URL` from the
environment, and the whole harness passes against it."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.support.commands import environment, run_module
from tests.support.postgres import PostgresCluster


@pytest.mark.slow
@pytest.mark.heavy
def test_make_fuzz_passes_against_a_postgresql_backed_server(
    postgres: PostgresCluster, tmp_path: Path
) -> None:
    url = postgres.create_database()
    env = environment(
        without_prefixes=("TARGET_", "FUZZ_"),
        extra={
            "DATABASE_URL": url,
            "FUZZ_SEED": "8",
            # Small (the full budget runs on SQLite in `make fuzz`), but not 3: Hypothesis also
            # draws from the literals of the project's own modules, so what a seed generates
            # shifts with any code change, and 3 stateful scenarios now and then never update a
            # run they added (the harness's add-then-update coverage rule). 10 costs seconds.
            "FUZZ_MAX_EXAMPLES": "10",
            "FUZZ_REPORTS_DIR": str(tmp_path / "reports"),
        },
    )
    result = run_module("scripts.fuzz", env=env, timeout=280)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    assert " 0 failure(s)" in output
    # The runs the fuzzer added are in PostgreSQL: the server used DATABASE_URL.
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM runs").fetchone()
    assert row is not None
    assert row[0] > 2  # more than the two runs of the demo data
