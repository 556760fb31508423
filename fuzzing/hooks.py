"""schemathesis hooks: the run ledger's before and after of each request, and the status log.

Loaded by schemathesis from the `hooks` setting of `fuzzing/schemathesis.toml`; importing it
registers the custom checks too.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

import schemathesis
from schemathesis import GenerationMode
from schemathesis.openapi.checks import RejectedPositiveData

from fuzzing import checks  # noqa: F401 (importing it registers the custom checks)
from fuzzing.checks.runs import created_route, reference_refusal
from fuzzing.exchange import ADD_RUN, UPDATE_PROCESS_RUN, UPDATE_RUN, exchange_of, route_of
from fuzzing.facts import REFERENCE, contract
from fuzzing.liveness import TOKEN_PLACEHOLDER, sent_entry
from fuzzing.parse_lock import serialize_ast_parsing
from fuzzing.positive_cases import chosen, supply, supply_run
from fuzzing.run_ledger import LEDGER

if TYPE_CHECKING:
    from schemathesis import HookContext, Response
    from schemathesis.core.failures import Failure
    from schemathesis.generation.case import Case

STATUS_LOG_ENV = "FUZZ_STATUS_LOG"
_log_lock = threading.Lock()
_supplied: set[str] = set()
"""The cases `fuzzing.positive_cases` gave a value the target issued, until they are logged."""
_given_run: set[str] = set()
"""The cases of Update run whose run `fuzzing.positive_cases` chose, until answered."""
serialize_ast_parsing()  # several workers share this process (fuzzing.parse_lock)
# Add run names the new run only in `Location`, and schemathesis infers links from `Location`
# only towards GET operations, which this API lacks. This link, added to the harness's copy of
# the spec (openapi.yaml stays as it is), lets the stateful phase update the run it just added.
# `#regex:` is a schemathesis extension of runtime expressions: the group is the run id.
_ADDED_RUN_LINKS = {
    "updateAddedRun": {
        "operationId": "updateRun",
        "description": "Update the run that Add run created; its id ends the Location URL.",
        "parameters": {
            "incomingFlowId": "$request.path.incomingFlowId",
            "runId": "$response.header.Location#regex:/runs/([^/?#]+)$",
        },
    }
}


def _base_url(case: Case[Any]) -> str:
    # `Case.call` keeps its `base_url` argument from `before_call`; the target's is the same.
    base_url = os.environ.get("TARGET_URL") or case.operation.schema.get_base_url()
    return base_url.rstrip("/")


@schemathesis.hook
def before_load_schema(context: HookContext, raw_schema: dict[str, Any]) -> None:
    """Adapt the harness's copy of the spec to what schemathesis can use.

    Link Add run's 204 to Update run of the run it created. And describe the OAuth 2.0 scheme
    as what it is on the wire, `Authorization: Bearer`: schemathesis's `ignored_auth` check
    only knows `apiKey`, `basic` and `http` schemes, so with `oauth2` it never runs.
    """
    schemes = raw_schema.get("components", {}).get("securitySchemes", {})
    for name, scheme in list(schemes.items()):
        if isinstance(scheme, dict) and scheme.get("type") == "oauth2":
            schemes[name] = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    for item in raw_schema.get("paths", {}).values():
        operation = item.get("post") if isinstance(item, dict) else None
        if isinstance(operation, dict) and operation.get("operationId") == "addRun":
            created = operation.get("responses", {}).get("204")
            if isinstance(created, dict) and "$ref" not in created:
                created.setdefault("links", {}).update(_ADDED_RUN_LINKS)


@schemathesis.hook
def before_call(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
    """Give a valid `Idempotency-Key` a fresh value; note what is known of the request's run
    before it goes out; give every other positive case a reference or `If-Match` the target
    issued (`fuzzing.positive_cases`)."""
    _fresh_idempotency_key(case)
    issued = chosen(case)
    supplied = issued and supply_run(case, _base_url(case))
    if supplied:  # an update of a run the hooks chose is no add-then-update chain
        with _log_lock:
            _given_run.add(case.id)
    route = route_of(_base_url(case) + case.formatted_path)
    if route is not None:
        LEDGER.take_snapshot(case.id, route)  # reads a known run not seen yet: its ETag too
        supplied = (issued and supply(case, route)) or supplied
    if supplied:
        with _log_lock:
            _supplied.add(case.id)
    _log_sent(case)


def _fresh_idempotency_key(case: Case[Any]) -> None:
    """A valid `Idempotency-Key` becomes a new random one: hypothesis draws the same few values
    again and again, and a key sent again with another body is rightly 422, with the same body a
    replay of a create whose run may have changed since. The probes send the replays
    (`fuzzing.probes.retries`); an invalid key is left for the server to refuse (400)."""
    headers = case.headers
    if not headers:
        return
    operation_id = case.operation.definition.raw.get("operationId", "")
    validator = contract().header_parameters(operation_id).get("idempotency-key")
    for name, value in list(headers.items()):
        if name.lower() == "idempotency-key" and validator and validator.is_valid(str(value)):
            headers[name] = f'"{uuid.uuid4()}"'


@schemathesis.hook
def filter_failure(
    context: HookContext, failure: Failure, case: Case[Any], response: Response
) -> bool:
    """Drop "schema-valid request rejected" when the contract refuses the request after all.

    The coverage phase of schemathesis 4.32 can label a case positive while a header in it breaks
    the header's schema (seen: `If-Match: 0`, an integer where a quoted ETag is required); a 400
    is then the right answer, not a failure. Likewise a reference body whose URL names no run
    that may be linked (another host or flow, the parent itself: D17's 400s, which JSON Schema
    cannot state). Any other failure is kept.
    """
    if not isinstance(failure, RejectedPositiveData):
        return True
    operation_id = case.operation.definition.raw.get("operationId", "")
    body = case.body
    if operation_id == "addRun" and isinstance(body, dict) and response.status_code == 400:
        url, route = body.get(REFERENCE), route_of(_base_url(case) + case.formatted_path)
        if isinstance(url, str) and route is not None and reference_refusal(route, url):
            return False
    declared = contract().header_parameters(operation_id)
    for name, value in (case.headers or {}).items():
        validator = declared.get(name.lower())
        if validator is not None and not validator.is_valid(str(value)):
            return False
    return True


@schemathesis.hook
def after_call(context: HookContext, case: Case[Any], response: Response) -> None:
    """Remember the run a response shows, and log the status for the per-operation table."""
    exchange = exchange_of(response)
    route = exchange.route
    chained = False
    if route is not None:
        run = exchange.response_json
        if route.operation in (UPDATE_RUN, UPDATE_PROCESS_RUN):
            # A created run updated by schemathesis itself: the add-then-update chain ran.
            with _log_lock:
                given = case.id in _given_run
                _given_run.discard(case.id)
            chained = not given and LEDGER.was_created(route.base_url, route.target)
            if exchange.status == 200 and isinstance(run, dict):
                LEDGER.record(route.base_url, route.target, run, exchange.response_header("etag"))
        elif route.operation == ADD_RUN and exchange.status == 204:
            created, _ = created_route(exchange, route)
            if created is not None:
                LEDGER.note_created(route.base_url, route.target, created.target)
    LEDGER.finish(case.id)
    _log_status(case, exchange.status, chained)


def _log(entry: dict[str, Any]) -> None:
    path = os.environ.get(STATUS_LOG_ENV)
    if not path:
        return
    with _log_lock, open(path, "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")


def _log_sent(case: Case[Any]) -> None:
    """A line for a request going out, so that the runner's watch (`fuzzing.liveness`) sees
    the requests that get no answer (no `after_call` follows them) and can repeat the one the
    target died on. The configured token is written as a placeholder."""
    if not os.environ.get(STATUS_LOG_ENV):
        return
    try:
        sent = case.as_transport_kwargs(base_url=_base_url(case))
        body: bytes | None = None
        if "json" in sent:
            body = json.dumps(sent["json"]).encode()
        elif isinstance(sent.get("data"), str | bytes):
            data = sent["data"]
            body = data.encode() if isinstance(data, str) else data
        token = os.environ.get("TARGET_TOKEN", "")
        headers = {
            str(k): str(v).replace(token, TOKEN_PLACEHOLDER) if token else str(v)
            for k, v in (sent.get("headers") or {}).items()
        }
        if not any(name.lower() == "authorization" for name in headers):
            headers["Authorization"] = f"Bearer {TOKEN_PLACEHOLDER}"
        method, url = str(sent.get("method", case.method)), str(sent.get("url", ""))
    except Exception:  # a case schemathesis cannot serialise is sent all the same
        method, url, headers, body = case.method, _base_url(case) + case.formatted_path, {}, None
    _log(sent_entry(case.id, method, url, headers, body))


def _log_status(case: Case[Any], status: int, chained: bool) -> None:
    with _log_lock:
        supplied = case.id in _supplied
        _supplied.discard(case.id)
    positive = case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE
    _log(
        {
            "case": case.id,
            "positive": positive,
            "supplied": supplied,
            "operation": case.operation.label,
            "status": status,
            "phase": case.meta.phase.name.value if case.meta is not None else None,
            "chained": chained,
            "time": time.time(),
        }
    )
