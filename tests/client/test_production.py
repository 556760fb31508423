"""The client's production set-up against a real socket: retries, credential, request ids, errors.

A fault server on 127.0.0.1 (tests/client/faults.py) answers as the test scripts it, and forwards
to the reference server where a real answer is needed. Waits are small except the one test of a
1-second `Retry-After` (twice the most the first backoff waits, 0.5 s, so only honouring it passes).
"""

from __future__ import annotations

import asyncio
import datetime
import email.utils
import time
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from industrydata_runs_client import AuthenticatedClient
from industrydata_runs_client.api.industry_data_run import add_run, update_run
from industrydata_runs_client.client import RetryPolicy
from industrydata_runs_client.errors import ApiError
from industrydata_runs_client.models import Run, RunCreate, RunStatistics, RunStatusInput, RunUpdate
from industrydata_runs_client.types import NoContent

from tests.client.faults import Answer, Forward, Received, Reset, Step, fault_server
from tests.client.support import DEMO_RUN, FLOW, TIMEOUT, new_run
from tests.support.server_process import ServerProcess

FAST = RetryPolicy(attempts=4, backoff=0.01, max_wait=5.0)


def production(
    base_url: str, credential: Any, retries: RetryPolicy | None = FAST
) -> AuthenticatedClient:
    return AuthenticatedClient(base_url, credential=credential, retries=retries, timeout=TIMEOUT)


@dataclass
class Token:
    token: str
    expires_on: int


class Credential:
    """A TokenCredential that hands out `tokens` in turn, each valid for an hour."""

    def __init__(self, *tokens: str) -> None:
        self.tokens = list(tokens)
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str) -> Token:
        self.scopes.append(scopes)
        return Token(
            self.tokens[min(len(self.scopes), len(self.tokens)) - 1], int(time.time()) + 3600
        )


def update(name: str = "retried") -> RunUpdate:
    return RunUpdate(display_name=name)


def both(client_for: Any, call: Any, acall: Any) -> list[Any]:
    """The result of `call` with a sync client and of `acall` with an async one, each fresh."""
    with client_for() as client:
        synced = call(client)

    async def run() -> Any:
        async with client_for() as client:
            return await acall(client)

    return [synced, asyncio.run(run())]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_503_with_retry_after_1_is_waited_for_then_succeeds(
    server: ServerProcess, mode: str
) -> None:
    script: list[Step] = [Answer(503, {"Retry-After": "1"}), Forward(server.base_url)]
    with fault_server(script) as faults:
        client = production(faults.base_url, lambda: server.token())
        started = time.monotonic()
        if mode == "sync":
            with client:
                response = update_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=update())
        else:

            async def call() -> Any:
                async with client:
                    return await update_run.asyncio_detailed(
                        FLOW, DEMO_RUN, client=client, body=update()
                    )

            response = asyncio.run(call())
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert isinstance(response.parsed, Run)
    assert elapsed >= 1.0  # the first backoff alone is at most 0.5 s
    first, second = faults.received
    assert "Retry-Attempt" not in first.headers
    assert second.headers["Retry-Attempt"] == "1"
    # One call, one client-request-id, a UUID, sent on each try and kept on the result.
    assert first.headers["client-request-id"] == second.headers["client-request-id"]
    assert response.client_request_id == first.headers["client-request-id"]
    uuid.UUID(response.client_request_id)
    assert response.etag == response.headers["ETag"]


def test_a_429_storm_stops_after_the_configured_attempts_and_returns_the_last_answer() -> None:
    script = [Answer(429, {"Retry-After": "0", "request-id": "storm"})]
    with fault_server(script) as faults:
        results = both(
            lambda: production(faults.base_url, lambda: "t", RetryPolicy(attempts=3, backoff=0.01)),
            lambda c: update_run.sync_detailed(FLOW, DEMO_RUN, client=c, body=update()),
            lambda c: update_run.asyncio_detailed(FLOW, DEMO_RUN, client=c, body=update()),
        )
    for response in results:
        assert response.status_code == 429
        assert response.request_id == "storm"
    attempts = [r.headers.get("Retry-Attempt") for r in faults.received]
    assert attempts == [None, "1", "2"] * 2


def test_a_retry_after_over_the_cap_returns_the_answer_at_once() -> None:
    with (
        fault_server([Answer(503, {"Retry-After": "3600"})]) as faults,
        production(faults.base_url, lambda: "t") as client,
    ):
        response = update_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=update())
    assert response.status_code == 503
    assert len(faults.received) == 1


def test_retries_can_be_turned_off() -> None:
    with (
        fault_server([Answer(503, {"Retry-After": "0"})]) as faults,
        production(faults.base_url, lambda: "t", retries=None) as client,
    ):
        response = update_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=update())
    assert response.status_code == 503
    assert len(faults.received) == 1


def test_a_connection_reset_before_the_answer_is_retried_for_patch(server: ServerProcess) -> None:
    with fault_server(
        [Reset(), Forward(server.base_url), Reset(), Forward(server.base_url)]
    ) as faults:
        results = both(
            lambda: production(faults.base_url, lambda: server.token()),
            lambda c: update_run.sync_detailed(FLOW, DEMO_RUN, client=c, body=update()),
            lambda c: update_run.asyncio_detailed(FLOW, DEMO_RUN, client=c, body=update()),
        )
    assert [r.status_code for r in results] == [200, 200]
    assert [r.headers.get("Retry-Attempt") for r in faults.received] == [None, "1"] * 2


def test_a_create_retried_after_a_lost_answer_leaves_one_run(server: ServerProcess) -> None:
    store = server.open_store()
    try:
        before = set(store.process_runs(FLOW, DEMO_RUN))
    finally:
        store.close()
    script = [
        Forward(server.base_url, lose_answer=True),
        Forward(server.base_url),
        Forward(server.base_url, lose_answer=True),
        Forward(server.base_url),
    ]
    with fault_server(script) as faults:
        results = both(
            lambda: production(faults.base_url, lambda: server.token()),
            lambda c: add_run.sync_detailed(FLOW, DEMO_RUN, client=c, body=new_run("sync retried")),
            lambda c: add_run.asyncio_detailed(
                FLOW, DEMO_RUN, client=c, body=new_run("async retried")
            ),
        )
    store = server.open_store()
    try:
        added = set(store.process_runs(FLOW, DEMO_RUN)) - before
    finally:
        store.close()
    ids = []
    for response in results:
        assert response.status_code == 204
        assert isinstance(response.parsed, NoContent)
        ids.append(response.parsed.id)
        assert response.parsed.url
        assert response.parsed.url.endswith(f"/runs/{response.parsed.id}")
    assert added == set(ids)
    assert len(added) == 2
    keys = [r.headers["Idempotency-Key"] for r in faults.received]
    assert keys[0] == keys[1] != keys[2] == keys[3]


def test_a_create_keeps_the_callers_idempotency_key() -> None:
    with (
        fault_server([Answer(204, {"Location": "http://x/beta/runs/r1"}, b"")]) as faults,
        production(faults.base_url, lambda: "t") as client,
    ):
        add_run.sync_detailed(
            FLOW, DEMO_RUN, client=client, body=new_run(), idempotency_key='"mine"'
        )
    assert faults.received[0].headers["Idempotency-Key"] == '"mine"'


def refusing(valid: str) -> Any:
    """A script that refuses every token but `valid` as an expired one."""

    def step(received: Received) -> Answer:
        if received.headers.get("Authorization") == f"Bearer {valid}":
            return Answer(200, {"Content-Type": "application/json"}, b'{"id": "demo-run"}')
        return Answer(401, {"WWW-Authenticate": 'Bearer error="invalid_token"'})

    return step


def test_an_expired_token_is_refreshed_once_and_cached() -> None:
    with fault_server(refusing("fresh")) as faults:
        credential = Credential("expired", "fresh")
        results = both(
            lambda: production(faults.base_url, credential),
            lambda c: [
                update_run.sync_detailed(FLOW, DEMO_RUN, client=c, body=update()) for _ in "ab"
            ],
            lambda c: update_run.asyncio_detailed(FLOW, DEMO_RUN, client=c, body=update()),
        )
    statuses = [r.status_code for r in [*results[0], results[1]]]
    assert statuses == [200, 200, 200]
    sent = [r.headers["Authorization"] for r in faults.received]
    # Sync: refused, refreshed, then the cached token; async (a new client): the credential's
    # latest token at once.
    assert sent == ["Bearer expired", "Bearer fresh", "Bearer fresh", "Bearer fresh"]
    assert credential.scopes[0] == ("https://graph.microsoft.com/.default",)


def test_a_refused_refreshed_token_is_not_retried_again() -> None:
    with fault_server(refusing("never")) as faults:
        credential = Credential("old", "new")
        results = both(
            lambda: production(faults.base_url, credential),
            lambda c: update_run.sync_detailed(FLOW, DEMO_RUN, client=c, body=update()),
            lambda c: update_run.asyncio_detailed(FLOW, DEMO_RUN, client=c, body=update()),
        )
    assert [r.status_code for r in results] == [401, 401]
    assert len(faults.received) == 4  # two tries per call: the token, then one refreshed token


def test_raise_on_error_raises_one_type_with_the_odata_error_and_both_ids() -> None:
    body = (
        b'{"error": {"code": "badRequest", "message": "No.", "target": "status",'
        b' "details": [{"code": "invalid", "message": "Bad status."}]}}'
    )
    answers = [Answer(400, {"request-id": "r-1", "Content-Type": "application/json"}, body)]
    with fault_server(answers) as faults:
        client = AuthenticatedClient(
            faults.base_url, token="t", raise_on_error=True, timeout=TIMEOUT
        )
        with client, pytest.raises(ApiError) as raised:
            update_run.sync_detailed(
                FLOW, DEMO_RUN, client=client, body=update(), client_request_id="mine"
            )
    error = raised.value
    assert (error.status_code, error.code, error.message, error.target) == (
        400,
        "badRequest",
        "No.",
        "status",
    )
    assert error.details == [{"code": "invalid", "message": "Bad status."}]
    assert (error.request_id, error.client_request_id) == ("r-1", "mine")


def test_raise_on_error_reads_a_gateway_page_too() -> None:
    answers = [Answer(502, {"Content-Type": "text/html"}, b"<html>Bad gateway</html>")]
    with fault_server(answers) as faults:
        client = AuthenticatedClient(
            faults.base_url, token="t", raise_on_error=True, timeout=TIMEOUT
        )
        with client, pytest.raises(ApiError) as raised:
            update_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=update())
    assert raised.value.status_code == 502
    assert raised.value.code is None
    assert raised.value.content == b"<html>Bad gateway</html>"


def test_every_request_model_is_built_with_keywords() -> None:
    statistics = RunStatistics(recordsRead=3, recordsWritten=2)
    assert statistics.to_dict() == {"recordsRead": 3, "recordsWritten": 2}
    assert RunStatistics().to_dict() == {}
    body = RunCreate(
        display_name="x",
        start_date_time=datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC),
        status=RunStatusInput.RUNNING,
        statistics=statistics,
    )
    assert body.to_dict()["statistics"] == {"recordsRead": 3, "recordsWritten": 2}


def test_an_update_with_nothing_to_change_is_refused_before_sending() -> None:
    with (
        fault_server([Answer(500)]) as faults,
        production(faults.base_url, lambda: "t") as client,
        pytest.raises(ValueError, match="at least 1 member"),
    ):
        update_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=RunUpdate())
    assert faults.received == []


def test_a_run_that_was_read_gives_the_body_that_restores_it(client: AuthenticatedClient) -> None:
    before = update_run.sync(FLOW, DEMO_RUN, client=client, body=RunUpdate(display_name="before"))
    assert isinstance(before, Run)
    restore = RunUpdate.restoring(before)
    assert "id" not in restore.to_dict()
    changed = RunUpdate(display_name="changed", statistics=RunStatistics(recordsRead=99))
    assert isinstance(update_run.sync(FLOW, DEMO_RUN, client=client, body=changed), Run)
    after = update_run.sync(FLOW, DEMO_RUN, client=client, body=restore)
    assert isinstance(after, Run)
    assert after.to_dict() | {"@odata.etag": None} == before.to_dict() | {"@odata.etag": None}


class Expiring:
    """A TokenCredential whose tokens expire `lifetime` seconds after they are handed out."""

    def __init__(self, lifetime: int) -> None:
        self.lifetime = lifetime
        self.handed = 0

    def get_token(self, *scopes: str) -> Token:
        self.handed += 1
        return Token(f"t{self.handed}", int(time.time()) + self.lifetime)


@pytest.mark.parametrize(("lifetime", "tokens"), [(3600, ["t1", "t1"]), (60, ["t1", "t2"])])
def test_a_token_is_cached_until_shortly_before_it_expires(
    lifetime: int, tokens: list[str]
) -> None:
    ok = Answer(200, {"Content-Type": "application/json"}, b'{"id": "demo-run"}')
    with fault_server([ok]) as faults, production(faults.base_url, Expiring(lifetime)) as client:
        for _ in tokens:
            update_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=update())
    # A token with less than 5 minutes left is replaced before it is sent.
    assert [r.headers["Authorization"] for r in faults.received] == [f"Bearer {t}" for t in tokens]


@pytest.mark.parametrize(("seconds", "sent"), [(-60, 4), (3600, 1)])
def test_retry_after_as_an_http_date(seconds: int, sent: int) -> None:
    when = email.utils.formatdate(time.time() + seconds, usegmt=True)
    script: list[Step] = [Answer(503, {"Retry-After": when}), Answer(503, {"Retry-After": "0"})]
    with fault_server(script) as faults, production(faults.base_url, lambda: "t") as client:
        update_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=update())
    # A date passed: retried at once, up to the 4 tries; a date past the cap: the answer as it is.
    assert len(faults.received) == sent


class AsyncCredential:
    """An `azure.identity.aio`-style credential: `get_token` is a coroutine."""

    def __init__(self) -> None:
        self.handed = 0

    async def get_token(self, *scopes: str) -> Token:
        self.handed += 1
        return Token(f"a{self.handed}", int(time.time()) + 3600)


def test_an_async_credential_serves_the_async_client_and_is_refused_by_the_sync_one() -> None:
    credential = AsyncCredential()
    with fault_server(refusing("a2")) as faults:

        async def call() -> Any:
            async with production(faults.base_url, credential) as client:
                return await update_run.asyncio_detailed(
                    FLOW, DEMO_RUN, client=client, body=update()
                )

        response = asyncio.run(call())
        with (
            production(faults.base_url, AsyncCredential()) as client,
            pytest.raises(TypeError, match="async client"),
        ):
            update_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=update())
    assert response.status_code == 200
    assert [r.headers["Authorization"] for r in faults.received] == ["Bearer a1", "Bearer a2"]
