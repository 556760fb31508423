"""Each storage engine behind the `RunStore` interface: loading, merging, links, preconditions.

The tests that take `store` run on SQLite and on PostgreSQL (`store_url`, in tests/conftest.py).
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

import reference_server.storage
from reference_server.storage import engine_for, engines, open_store
from reference_server.storage.base import (
    FlowRecord,
    IdempotencyKey,
    KeyAnsweredError,
    KeyedAnswer,
    KeyInFlightError,
    KeyReusedError,
    LinkedRunMissingError,
    NotFoundError,
    Precondition,
    PreconditionFailedError,
    RunRecord,
    RunStore,
)
from reference_server.storage.buckets import open_buckets
from reference_server.storage.sqlite import SqliteStore
from tests.support.dropped import dropped_module
from tests.support.postgres import fresh_database_url

FIELDS: dict[str, object] = {
    "displayName": "Run",
    "startDateTime": "2026-11-24T02:00:00Z",
    "endDateTime": None,
    "status": "running",
    "blockingError": None,
    "statistics": {},
}
DATA = [
    FlowRecord(
        id="flow",
        runs=(
            RunRecord(id="parent", fields=FIELDS, process_runs=("child",)),
            RunRecord(id="child", fields=FIELDS),
            RunRecord(id="loner", fields=FIELDS),
        ),
    )
]


@pytest.fixture
def store(store_url: str) -> Iterator[RunStore]:
    with open_store(store_url) as opened:
        opened.load(DATA)
        yield opened


def test_load_is_idempotent_and_never_overwrites(store: RunStore) -> None:
    store.update_run("flow", "parent", {"displayName": "changed"})
    assert store.load(DATA) == 0
    run = store.get_run("flow", "parent")
    assert run is not None
    assert run.fields["displayName"] == "changed"
    assert store.process_runs("flow", "parent") == ["child"]


def test_load_refuses_a_link_to_a_missing_run(tmp_path: Path) -> None:
    bad = [FlowRecord(id="f", runs=(RunRecord(id="a", fields=FIELDS, process_runs=("ghost",)),))]
    with SqliteStore(tmp_path / "runs.sqlite3") as store, pytest.raises(ValueError, match="ghost"):
        store.load(bad)


def test_update_merges_top_level_properties_and_bumps_the_version(store: RunStore) -> None:
    updated = store.update_run("flow", "parent", {"status": "completed", "statistics": {"n": 1}})
    assert updated.fields == {**FIELDS, "status": "completed", "statistics": {"n": 1}}
    assert updated.version == 2
    assert store.get_run("flow", "parent") == updated
    unchanged = store.update_run("flow", "parent", {"status": "completed"})
    assert unchanged.version == 2


def test_update_through_a_process_needs_the_link(store: RunStore) -> None:
    assert store.update_run("flow", "child", {"status": "failed"}, process_of="parent").version == 2
    with pytest.raises(NotFoundError, match="not linked"):
        store.update_run("flow", "loner", {"status": "failed"}, process_of="parent")
    with pytest.raises(NotFoundError, match="ghost"):
        store.update_run("flow", "child", {"status": "failed"}, process_of="ghost")
    loner = store.get_run("flow", "loner")
    assert loner is not None
    assert loner.version == 1


@pytest.mark.parametrize(
    ("flow", "run", "missing"), [("nope", "parent", "nope"), ("flow", "nope", "nope")]
)
def test_unknown_flow_or_run_is_not_found(
    store: RunStore, flow: str, run: str, missing: str
) -> None:
    with pytest.raises(NotFoundError, match=missing):
        store.update_run(flow, run, {"status": "failed"})
    with pytest.raises(NotFoundError, match=missing):
        store.create_linked_run(flow, run, "new", FIELDS)
    assert store.get_run("flow", "new") is None


def test_create_linked_run_stores_and_links(store: RunStore) -> None:
    created = store.create_linked_run("flow", "parent", "new", FIELDS)
    assert created.version == 1
    assert store.get_run("flow", "new") == created
    assert store.process_runs("flow", "parent") == ["child", "new"]
    assert store.is_linked("flow", "parent", "new")
    assert not store.is_linked("flow", "loner", "new")


def test_link_run_links_an_existing_run_once_and_changes_nothing_else(store: RunStore) -> None:
    before = store.get_run("flow", "loner")
    linked = store.link_run("flow", "parent", "loner")
    assert linked == before
    assert store.link_run("flow", "parent", "loner") == before  # a retry: the same, no 2nd link
    assert store.process_runs("flow", "parent") == ["child", "loner"]
    assert store.get_run("flow", "loner") == before
    assert store.update_run("flow", "loner", {"status": "failed"}, process_of="parent").version == 2


@pytest.mark.parametrize(
    ("flow", "run", "linked", "error"),
    [
        ("nope", "parent", "loner", NotFoundError),
        ("flow", "nope", "loner", NotFoundError),
        ("flow", "parent", "ghost", LinkedRunMissingError),
    ],
)
def test_link_run_to_or_of_a_missing_run_stores_nothing(
    store: RunStore, flow: str, run: str, linked: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as raised:
        store.link_run(flow, run, linked)
    assert (type(raised.value) is LinkedRunMissingError) == (error is LinkedRunMissingError)
    assert store.process_runs("flow", "parent") == ["child"]
    assert store.get_run("flow", "ghost") is None


def test_a_run_is_never_linked_into_its_own_process(store: RunStore) -> None:
    with pytest.raises(ValueError, match="own process"):
        store.link_run("flow", "loner", "loner")
    assert store.process_runs("flow", "loner") == []


def test_precondition_guards_the_update(store: RunStore) -> None:
    with pytest.raises(PreconditionFailedError, match='"1"'):
        store.update_run(
            "flow", "parent", {"status": "failed"}, precondition=Precondition(frozenset({"7"}))
        )
    run = store.get_run("flow", "parent")
    assert run is not None
    assert run.fields["status"] == "running"
    ok = store.update_run(
        "flow", "parent", {"status": "failed"}, precondition=Precondition(frozenset({"1"}))
    )
    assert ok.version == 2
    assert (
        store.update_run(
            "flow", "parent", {"status": "completed"}, precondition=Precondition(any=True)
        ).version
        == 3
    )


def test_snapshot_round_trips_through_load(store: RunStore, tmp_path: Path) -> None:
    store.create_linked_run(
        "flow", "loner", "extra", {**FIELDS, "statistics": {"k": [1, "\u00e9"]}}
    )
    snapshot = store.snapshot()
    with SqliteStore(tmp_path / "copy.sqlite3") as copy:
        copy.load(snapshot)
        assert copy.snapshot() == snapshot


def test_concurrent_merges_lose_no_update(store: RunStore) -> None:
    # Three writers, each owning one property, each writing 200 times: with an atomic merge each
    # property ends at its writer's last value; a read-modify-write race puts back a stale one
    # (a racy store fails this every time in trials).
    names, rounds = ("displayName", "status", "statistics"), 200

    def writer(name: str) -> None:
        for i in range(rounds):
            store.update_run("flow", "parent", {name: f"{name}-{i}"})

    threads = [threading.Thread(target=writer, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run = store.get_run("flow", "parent")
    assert run is not None
    assert {n: run.fields[n] for n in names} == {n: f"{n}-{rounds - 1}" for n in names}
    assert run.version == 1 + len(names) * rounds


def test_two_connections_share_one_database(store: RunStore, store_url: str) -> None:
    with open_store(store_url) as other:
        other.update_run("flow", "parent", {"status": "failed"})
    run = store.get_run("flow", "parent")
    assert run is not None
    assert run.fields["status"] == "failed"


def test_open_store_picks_the_engine_by_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(f"sqlite:///{tmp_path}/a.sqlite3") as store:
        assert isinstance(store, SqliteStore)
        assert store.path == tmp_path / "a.sqlite3"
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///rel/b.sqlite3") as store:
        assert isinstance(store, SqliteStore)
        assert store.path == Path("rel/b.sqlite3")
    assert (tmp_path / "rel" / "b.sqlite3").is_file()
    with pytest.raises(ValueError, match="no storage engine"):
        open_store("mysql://localhost/runs")


def test_an_engine_dropped_into_the_package_serves_its_scheme(tmp_path: Path) -> None:
    source = """
        from reference_server.storage.base import Engine
        from reference_server.storage.sqlite import SqliteBuckets, SqliteStore


        def _as_sqlite(url: str) -> str:
            return "sqlite" + url.removeprefix("dropped")


        ENGINE = Engine(
            schemes=("dropped",),
            runs=lambda url: SqliteStore.from_url(_as_sqlite(url)),
            buckets=lambda url: SqliteBuckets.from_url(_as_sqlite(url)),
        )
    """
    url = f"dropped:///{tmp_path / 'runs.sqlite3'}"
    engines.cache_clear()
    try:
        with dropped_module("reference_server.storage", "dropped_engine", source, tmp_path / "pkg"):
            assert engine_for(url).name == "dropped"
            with open_store(url) as store:
                assert isinstance(store, SqliteStore)
            with open_buckets(url) as buckets:
                assert buckets.take("caller", per_second=1.0, burst=1.0, now=0.0) == 0.0
            engines.cache_clear()
        with pytest.raises(ValueError, match="no storage engine for 'dropped' URLs"):
            open_store(url)
    finally:
        engines.cache_clear()


def test_every_module_that_declares_an_engine_serves_its_schemes() -> None:
    declared = {
        module.ENGINE
        for module in (
            importlib.import_module(f"reference_server.storage.{info.name}")
            for info in pkgutil.iter_modules(reference_server.storage.__path__)
        )
        if hasattr(module, "ENGINE")
    }
    assert set(engines().values()) == declared
    assert {engine.name for engine in declared} == {"sqlite", "postgresql"}
    assert set(engines()) == {"sqlite", "postgresql", "postgres"}


def test_a_server_on_sqlite_never_loads_the_postgresql_driver(tmp_path: Path) -> None:
    """Finding the engine by the URL's scheme imports only the engine named by it: psycopg costs
    a tenth of a second at every start of a server that does not use it."""
    probe = (
        "import sys\n"
        "from reference_server.storage import open_store\n"
        f"open_store({f'sqlite:///{tmp_path}/runs.sqlite3'!r}).close()\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'psycopg'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def _key(
    key: str = "k-1", fingerprint: str = "body-1", now: float = 1000.0, run: str = "new"
) -> IdempotencyKey:
    return IdempotencyKey(
        scope="caller+flow/parent",
        key=key,
        fingerprint=fingerprint,
        answer=KeyedAnswer(status=204, location=f"https://example.test/runs/{run}"),
        now=now,
        retention=60.0,
    )


def test_a_kept_key_answers_as_the_first_write_did_and_creates_nothing(
    store_url: str, store: RunStore
) -> None:
    store.create_linked_run("flow", "parent", "new", FIELDS, key=_key())
    with pytest.raises(KeyAnsweredError) as replayed:
        store.create_linked_run("flow", "parent", "again", FIELDS, key=_key(run="again"))
    assert replayed.value.answer == KeyedAnswer(204, "https://example.test/runs/new")
    assert store.get_run("flow", "again") is None
    with pytest.raises(KeyReusedError):
        store.create_linked_run("flow", "parent", "other", FIELDS, key=_key(fingerprint="body-2"))
    assert store.get_run("flow", "other") is None
    assert store.process_runs("flow", "parent") == ["child", "new"]
    # Kept on disk, not in the process.
    with open_store(store_url) as reopened, pytest.raises(KeyAnsweredError):
        reopened.create_linked_run("flow", "parent", "later", FIELDS, key=_key(run="later"))


def test_a_key_is_forgotten_after_the_retention_and_kept_per_scope(store: RunStore) -> None:
    store.create_linked_run("flow", "parent", "new", FIELDS, key=_key())
    later = _key(fingerprint="body-2", now=1000.0 + 61, run="later")
    store.create_linked_run("flow", "parent", "later", FIELDS, key=later)
    other_scope = dataclasses.replace(_key(run="elsewhere"), scope="another caller")
    store.create_linked_run("flow", "parent", "elsewhere", FIELDS, key=other_scope)
    assert store.process_runs("flow", "parent") == ["child", "new", "later", "elsewhere"]


def test_a_failed_write_keeps_no_key(store: RunStore) -> None:
    with pytest.raises(NotFoundError):
        store.create_linked_run("flow", "nobody", "new", FIELDS, key=_key())
    store.create_linked_run("flow", "parent", "new", FIELDS, key=_key(fingerprint="body-2"))
    assert store.get_run("flow", "new") is not None


def test_a_link_keeps_its_key_too(store: RunStore) -> None:
    store.link_run("flow", "parent", "loner", key=_key(run="loner"))
    with pytest.raises(KeyAnsweredError):
        store.link_run("flow", "parent", "loner", key=_key(run="loner"))
    with pytest.raises(KeyReusedError):  # the same key, now with a run body
        store.create_linked_run("flow", "parent", "new", FIELDS, key=_key(fingerprint="body-2"))
    assert store.get_run("flow", "new") is None


def test_a_key_another_transaction_is_writing_is_in_flight(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """On PostgreSQL, two transactions can hold one key at once; the second is refused, not
    run. (SQLite writes one at a time: the second waits and finds the key kept, which the
    replay tests above cover on both engines.)"""
    store_url = fresh_database_url("postgresql", request, tmp_path)

    with open_store(store_url) as store:
        store.load(DATA)
        key = _key()
        other = psycopg.connect(store_url.partition("?")[0], autocommit=True)
        with other, other.transaction():
            other.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                (f"{key.scope} {key.key}",),
            )
            with pytest.raises(KeyInFlightError):
                store.create_linked_run("flow", "parent", "new", FIELDS, key=key)
        assert store.get_run("flow", "new") is None
        store.create_linked_run("flow", "parent", "new", FIELDS, key=key)
