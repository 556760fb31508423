"""Per-caller rate limits: token buckets in the database, 429 with Retry-After, no fresh burst on
restart, off by default in dev mode."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from reference_server.auth import Principal
from reference_server.ratelimit import PRODUCTION_PER_MINUTE, RateLimit, RateLimiter, caller_key
from reference_server.settings import ServerSettings, ServerSettingsError, from_args
from reference_server.storage.buckets import open_buckets, take_one
from tests.support.api import ODATA_TYPE, assert_odata_error, run_path
from tests.support.postgres import ENGINES, fresh_database_url
from tests.support.server_process import ServerProcess

# One token per two minutes after the burst: nothing refills while a test runs.
SLOW = {"RATE_LIMIT_PER_MINUTE": "0.5", "RATE_LIMIT_BURST": "3"}


def test_the_limit_is_off_in_dev_mode_and_on_in_production_unless_set() -> None:
    assert RateLimit.from_settings(ServerSettings(dev_mode=True)) is None
    production = RateLimit.from_settings(ServerSettings(dev_mode=False))
    assert production == RateLimit(per_minute=PRODUCTION_PER_MINUTE, burst=100)
    assert RateLimit.from_settings(ServerSettings(dev_mode=False, rate_limit_per_minute=0)) is None
    assert RateLimit.from_settings(
        ServerSettings(dev_mode=True, rate_limit_per_minute=30)
    ) == RateLimit(per_minute=30, burst=5)
    assert RateLimit.from_settings(
        ServerSettings(dev_mode=True, rate_limit_per_minute=0.5, rate_limit_burst=7)
    ) == RateLimit(per_minute=0.5, burst=7)


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"RATE_LIMIT_PER_MINUTE": "fast"}, "must be a number"),
        ({"RATE_LIMIT_PER_MINUTE": "-1"}, "between 0"),
        ({"RATE_LIMIT_PER_MINUTE": "nan"}, "between 0"),
        ({"RATE_LIMIT_PER_MINUTE": "60", "RATE_LIMIT_BURST": "0"}, "RATE_LIMIT_BURST"),
        ({"RATE_LIMIT_BURST": "2.5"}, "whole number"),
    ],
)
def test_bad_rate_limit_settings_stop_the_start(env: dict[str, str], words: str) -> None:
    with pytest.raises(ServerSettingsError, match=words):
        from_args(["--dev"], env).check()


def test_callers_are_told_apart_by_subject_and_a_caller_without_one_has_no_bucket() -> None:
    alice = caller_key(Principal(subject="alice", grant="delegated"))
    assert alice == caller_key(Principal(subject="alice", grant="application"))
    assert alice != caller_key(Principal(subject="bob", grant="delegated"))
    assert "alice" not in alice
    with pytest.raises(ValueError, match="no bucket"):
        caller_key(Principal(subject="", grant="application"))


def test_bucket_arithmetic() -> None:
    assert take_one(3.0, 100.0, 100.0, per_second=1.0, burst=3.0) == (2.0, 0.0)
    tokens, wait = take_one(0.25, 100.0, 100.0, per_second=0.5, burst=3.0)
    assert (tokens, wait) == (0.25, 1.5)
    assert take_one(0.0, 100.0, 110.0, per_second=1.0, burst=3.0) == (2.0, 0.0)  # capped
    assert take_one(0.0, 100.0, 90.0, per_second=1.0, burst=3.0) == (0.0, 1.0)  # clock went back


def test_buckets_are_durable_and_shared_between_connections(store_url: str) -> None:
    now = 1_000_000.0
    with open_buckets(store_url) as first:
        waits = [first.take("k", per_second=0.1, burst=2, now=now) for _ in range(3)]
        assert waits[:2] == [0.0, 0.0]
        assert waits[2] == pytest.approx(10.0)
    with open_buckets(store_url) as second:  # as after a restart, or from another process
        assert second.take("k", per_second=0.1, burst=2, now=now + 1) == pytest.approx(9.0)
        assert second.take("other", per_second=0.1, burst=2, now=now + 1) == 0.0
        assert second.take("k", per_second=0.1, burst=2, now=now + 10) == 0.0


def _bucket_keys(url: str) -> set[str]:
    """The keys of the rows kept in the bucket table, read past the store."""
    if url.startswith("sqlite"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///").split("?")[0])) as db:
            return {row[0] for row in db.execute("SELECT key FROM rate_limit_buckets")}
    import psycopg

    with psycopg.connect(url.split("?")[0]) as db:
        return {row[0] for row in db.execute("SELECT key FROM rate_limit_buckets")}


def test_buckets_full_again_are_pruned_and_the_rest_kept(store_url: str) -> None:
    """A bucket untouched for twice the time it takes to fill holds nothing a new one would not:
    its row goes, so callers who came once (a new token each) fill no table."""
    rate = {"per_second": 1.0, "burst": 10.0}  # full again 10 s after the last take
    with open_buckets(store_url) as buckets:
        for index in range(5):
            assert buckets.take(f"once-{index}", now=1000.0, **rate) == 0.0
        assert buckets.take("steady", now=1015.0, **rate) == 0.0
        assert _bucket_keys(store_url) == {*(f"once-{i}" for i in range(5)), "steady"}
        # 26 s after the first five, 11 after "steady" (and after the last prune, a window ago).
        assert buckets.take("steady", now=1026.0, **rate) == 0.0
        assert _bucket_keys(store_url) == {"steady"}
        # What was pruned answers as a new bucket would: full.
        assert [buckets.take("once-0", now=1026.0, **rate) for _ in range(10)] == [0.0] * 10
        assert buckets.take("once-0", now=1026.0, **rate) > 0


def test_concurrent_takes_grant_exactly_the_burst(store_url: str) -> None:
    burst, threads_count, takes = 10, 6, 5
    granted: list[float] = []
    lock = threading.Lock()
    stores = [open_buckets(store_url) for _ in range(2)]  # two "processes"
    try:

        def take(index: int) -> None:
            for _ in range(takes):
                wait = stores[index % 2].take("shared", per_second=1e-6, burst=burst, now=5.0)
                with lock:
                    granted.append(wait)

        threads = [threading.Thread(target=take, args=(i,)) for i in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for store in stores:
            store.close()
    assert sum(1 for wait in granted if wait == 0.0) == burst
    assert len(granted) == threads_count * takes


def test_the_limiter_rounds_the_wait_up_to_whole_seconds(tmp_path: Path) -> None:
    clock = [1000.0]
    with open_buckets(f"sqlite:///{tmp_path / 'b.sqlite3'}") as buckets:
        limiter = RateLimiter(RateLimit(per_minute=40, burst=1), buckets, clock=lambda: clock[0])
        assert limiter.retry_after("k") == 0
        assert limiter.retry_after("k") == 2  # 1.5 s to the next token
        clock[0] += 1.6
        assert limiter.retry_after("k") == 0


def _read(client: httpx.Client, token: str) -> httpx.Response:
    """A PATCH that changes nothing: one request, no write."""
    return client.patch(
        run_path(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        json={"@odata.type": ODATA_TYPE},
    )


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_over_the_burst_is_429_and_a_restart_hands_out_no_fresh_burst(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = fresh_database_url(engine, request, tmp_path)
    with (
        ServerProcess(env={"DATABASE_URL": url, **SLOW}, workers=2) as server,
        server.client() as client,
    ):
        alice, bob = server.token(sub="alice"), server.token(sub="bob")
        assert [_read(client, alice).status_code for _ in range(3)] == [200] * 3
        refused = _read(client, alice)
        error = assert_odata_error(refused, 429, "TooManyRequests")
        retry_after = int(refused.headers["Retry-After"])
        assert 1 <= retry_after <= 120
        assert f"Retry after {retry_after} seconds" in error["message"]
        assert _read(client, bob).status_code == 200  # another caller has a bucket of its own
        # A new token of the same subject is the same caller.
        assert _read(client, server.token(sub="alice")).status_code == 429

        server.kill()  # the harshest restart: no chance to save anything at the end
        server.start()
        assert _read(client, alice).status_code == 429
        assert [_read(client, bob).status_code for _ in range(3)] == [200, 200, 429]


@pytest.fixture(scope="module")
def limited() -> Iterator[ServerProcess]:
    """One rate-limited server for the tests that neither restart it nor share a caller."""
    with ServerProcess(env=SLOW, workers=2) as server:
        yield server


@pytest.mark.slow
def test_requests_that_fail_auth_are_not_counted(limited: ServerProcess) -> None:
    server = limited
    with server.client() as client:
        for _ in range(5):
            assert _read(client, "not-a-token").status_code == 401
        assert _read(client, server.token(sub="carol")).status_code == 200
        # The spec and docs are outside the API's base path and never limited.
        for _ in range(5):
            assert httpx.get(server.root_url + "/openapi.json").status_code == 200


@pytest.mark.slow
def test_a_new_token_for_every_request_escapes_no_limit(limited: ServerProcess) -> None:
    """The issue's case: tokens that leave `sub` out are refused, and an app's tokens, each new,
    share the bucket of the `oid` they name."""
    server = limited
    with server.client() as client:
        nameless = [_read(client, server.token(sub=None, nonce=str(n))) for n in range(5)]
        assert [response.status_code for response in nameless] == [401] * 5
        assert_odata_error(nameless[0], 401, "InvalidAuthenticationToken")
        empty = _read(client, server.token(sub="", nonce="empty"))
        assert empty.status_code == 401
        app = [_read(client, server.token(sub=None, oid="app-1", nonce=str(n))) for n in range(4)]
        assert [response.status_code for response in app] == [200, 200, 200, 429]
