"""Add run with an `Idempotency-Key`: a retried create answers as the first did and adds no run
(decisions D28 to D32), on each storage engine, across a `kill -9` and restart too."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bug_zoo.store import DelegatingStore
from contract.api import ApiContract
from reference_server.app import create_app
from reference_server.auth import mint_dev_token
from reference_server.settings import from_args
from reference_server.storage import open_store
from reference_server.storage.base import JSON, IdempotencyKey, RunStore, StoredRun
from tests.support.api import add_run, add_run_path, assert_odata_error, new_run_body, run_path
from tests.support.postgres import ENGINES, fresh_database_url
from tests.support.server_process import ServerProcess


@pytest.fixture
def api(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client(headers=server.auth_headers()) as client:
        yield client


def _key() -> dict[str, str]:
    return {"Idempotency-Key": f'"{uuid.uuid4()}"'}


def _process(server: ServerProcess, parent: str) -> list[str]:
    with server.open_store() as store:
        return store.process_runs("demo-flow", parent)


def test_the_same_key_and_body_answers_as_the_first_and_adds_no_run(
    server: ServerProcess, api: httpx.Client
) -> None:
    parent = add_run(api, {}, displayName="parent of retries")
    key, body = _key(), new_run_body(displayName="retried")
    first = api.post(add_run_path(parent), headers=key, json=body)
    assert first.status_code == 204, first.text
    # The same JSON value, serialised otherwise (member order, whitespace): the same body.
    again = api.post(
        add_run_path(parent),
        headers={**key, "Content-Type": "application/json"},
        content=json.dumps(dict(reversed(body.items())), indent=2).encode(),
    )
    assert again.status_code == 204, again.text
    assert again.headers["Location"] == first.headers["Location"]
    assert _process(server, parent) == [first.headers["Location"].rsplit("/", 1)[1]]


def test_the_same_key_with_another_body_is_422_and_adds_no_run(
    server: ServerProcess, api: httpx.Client
) -> None:
    parent = add_run(api, {}, displayName="parent of a reused key")
    key = _key()
    assert api.post(add_run_path(parent), headers=key, json=new_run_body()).status_code == 204
    reused = api.post(add_run_path(parent), headers=key, json=new_run_body(displayName="other"))
    error = assert_odata_error(reused, 422, "IdempotencyKeyReused")
    assert error["target"] == "Idempotency-Key"
    assert len(_process(server, parent)) == 1


def test_a_key_is_the_callers_and_the_targets(server: ServerProcess, api: httpx.Client) -> None:
    parents = [add_run(api, {}, displayName=f"parent {n}") for n in range(2)]
    key, body = _key(), new_run_body()
    locations = {
        api.post(add_run_path(parent), headers=key, json=body).headers["Location"]
        for parent in parents
    }
    other_caller = server.auth_headers(sub="another-caller")
    locations.add(
        api.post(add_run_path(parents[0]), headers={**other_caller, **key}, json=body).headers[
            "Location"
        ]
    )
    assert len(locations) == 3
    assert len(_process(server, parents[0])) == 2


def test_a_caller_without_a_subject_keeps_its_keys_across_its_tokens(
    server: ServerProcess, api: httpx.Client
) -> None:
    """A token without `sub` (as after a refresh, each token new) is the caller its `oid` names:
    its retry with a fresh token is still a replay, not a second run (D30)."""
    parent = add_run(api, {}, displayName="parent of a subjectless caller")
    key, body = _key(), new_run_body()
    answers = [
        api.post(
            add_run_path(parent),
            headers={**server.auth_headers(sub="", oid="caller-object-id", nonce=str(n)), **key},
            json=body,
        )
        for n in range(2)
    ]
    assert [answer.status_code for answer in answers] == [204, 204]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert len(_process(server, parent)) == 1


def test_a_reference_body_takes_a_key_as_a_create_does(
    server: ServerProcess, api: httpx.Client
) -> None:
    parent = add_run(api, {}, displayName="parent of a keyed link")
    other = add_run(api, {}, displayName="linked with a key")
    key, reference = _key(), {"@odata.id": f"{server.base_url}{run_path(other)}"}
    first = api.post(add_run_path(parent), headers=key, json=reference)
    again = api.post(add_run_path(parent), headers=key, json=reference)
    assert first.status_code == again.status_code == 204
    assert first.headers["Location"] == again.headers["Location"]
    assert_odata_error(api.post(add_run_path(parent), headers=key, json=new_run_body()), 422)
    assert _process(server, parent) == [other]


@pytest.mark.parametrize(
    "value",
    ["unquoted", '""', '"has space"', '"back\\\\slash"', f'"{"k" * 256}"', '"a"; p=1'],
)
def test_a_key_outside_the_spec_is_400(api: httpx.Client, value: str) -> None:
    response = api.post(add_run_path(), headers={"Idempotency-Key": value}, json=new_run_body())
    assert_odata_error(response, 400, "BadRequest")


def test_a_refused_create_keeps_no_key(api: httpx.Client) -> None:
    key = _key()
    missing = api.post(add_run_path("no-such-run"), headers=key, json=new_run_body())
    assert_odata_error(missing, 404)
    parent = add_run(api, {}, displayName="parent after a 404")
    assert api.post(add_run_path(parent), headers=key, json=new_run_body()).status_code == 204


@pytest.mark.parametrize("engine", ENGINES)
def test_a_replay_after_kill_9_and_restart_adds_no_second_run(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = fresh_database_url(engine, request, tmp_path)
    with ServerProcess(env={"DATABASE_URL": url}) as server:
        headers = {**server.auth_headers(), **_key()}
        with server.client(headers=headers) as client:
            first = client.post(add_run_path(), json=new_run_body(displayName="before the kill"))
        assert first.status_code == 204, first.text
        server.kill()
        server.start()
        with server.client(headers=headers) as client:
            again = client.post(add_run_path(), json=new_run_body(displayName="before the kill"))
        assert again.status_code == 204, again.text
        assert again.headers["Location"] == first.headers["Location"]
        server.stop()
    with open_store(url) as store:
        process = store.process_runs("demo-flow", "demo-run")
        created = first.headers["Location"].rsplit("/", 1)[1]
        assert process.count(created) == 1
        named = [
            run.id
            for flow in store.snapshot()
            for run in flow.runs
            if run.fields.get("displayName") == "before the kill"
        ]
        assert named == [created]


def test_concurrent_requests_with_one_key_add_one_run(
    server: ServerProcess, api: httpx.Client
) -> None:
    """Sent at once to two workers: each is answered as the first (204, one `Location`) or
    refused while the first is in flight (409); never run twice."""
    parent = add_run(api, {}, displayName="parent of concurrent retries")
    key, body = _key(), new_run_body(displayName="concurrent")
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda _: api.post(add_run_path(parent), headers=key, json=body), range(16))
        )
    assert {answer.status_code for answer in answers} <= {204, 409}
    for answer in answers:
        if answer.status_code == 409:
            assert_odata_error(answer, 409, "IdempotencyKeyInFlight")
    locations = {answer.headers["Location"] for answer in answers if answer.status_code == 204}
    assert len(locations) == 1
    assert _process(server, parent) == [locations.pop().rsplit("/", 1)[1]]


class _HeldStore(DelegatingStore):
    """Holds each create until `go` is set, so that a second request comes while it is in flight."""

    def __init__(self, inner: RunStore) -> None:
        super().__init__(inner)
        self.started = threading.Event()
        self.go = threading.Event()

    def create_linked_run(
        self,
        flow_id: str,
        parent_run_id: str,
        new_run_id: str,
        fields: Mapping[str, JSON],
        *,
        key: IdempotencyKey | None = None,
    ) -> StoredRun:
        self.started.set()
        self.go.wait(10)
        return super().create_linked_run(flow_id, parent_run_id, new_run_id, fields, key=key)


def test_a_key_whose_first_request_is_in_flight_is_409(tmp_path: Path) -> None:
    settings = from_args(["--dev", "--state-dir", str(tmp_path)], env={})
    store = _HeldStore(open_store(settings.effective_database_url))
    app = create_app(settings, store=store)
    token = mint_dev_token(tmp_path, issuer=settings.issuer, audience=settings.audience)
    headers = {"Authorization": f"Bearer {token}", **_key()}
    url = f"http://127.0.0.1{ApiContract.load(settings.spec_path).base_path}{add_run_path()}"

    async def requests() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport) as client:
            first = asyncio.create_task(client.post(url, headers=headers, json=new_run_body()))
            assert await asyncio.to_thread(store.started.wait, 10)
            second = await client.post(url, headers=headers, json=new_run_body())
            store.go.set()
            answered = await first
            third = await client.post(url, headers=headers, json=new_run_body())
            return [answered, second, third]

    try:
        first, second, third = asyncio.run(requests())
    finally:
        app.state.close()
    assert first.status_code == 204, first.text
    assert_odata_error(second, 409, "IdempotencyKeyInFlight")
    assert third.status_code == 204, third.text
    assert third.headers["Location"] == first.headers["Location"]
