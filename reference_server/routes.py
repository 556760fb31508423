"""The HTTP layer: the three operations, error mapping, and the spec and docs pages.

Each operation runs the same checks in the same order (auth and routing happen before, in
middleware and the router): Content-Type (415), size (413), JSON (400), parameters and body
against the spec (400), times to UTC (400), then storage: unknown ids (404), a stale If-Match
(412). Validation comes before the id lookup on purpose: it needs no storage, and a caller learns
nothing about which ids exist from a request it could not have sent anyway.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import Receive, Scope, Send

from contract.api import Operation
from reference_server.conformance import ServedContract
from reference_server.errors import bad_request, odata_error, service_unavailable
from reference_server.handoff import within_deadline
from reference_server.json_answer import JsonAnswer
from reference_server.middleware import CLOSE, BodyTooLargeError
from reference_server.payload import PayloadError, content_type_problem, parse_json
from reference_server.ratelimit import caller_key
from reference_server.references import (
    MalformedReferenceError,
    RunReference,
    parse_reference,
    production_bases,
)
from reference_server.resource import (
    INCLUDE_UNKNOWN_ENUM_MEMBERS,
    evolvable_statuses,
    preferences,
    run_odata_type,
    run_resource,
)
from reference_server.settings import DIST_DIR
from reference_server.storage.base import (
    RUN_FIELDS,
    IdempotencyKey,
    KeyAnsweredError,
    KeyedAnswer,
    KeyInFlightError,
    KeyReusedError,
    LinkedRunMissingError,
    NotFoundError,
    Precondition,
    PreconditionFailedError,
    RunStore,
    StoredRun,
    UnavailableError,
    key_in_flight,
)
from reference_server.times import TimeOutOfRangeError
from reference_server.violations import Violation

log = logging.getLogger("reference_server")
TIME_FIELDS = ("startDateTime", "endDateTime")
REFERENCE = "@odata.id"
IDEMPOTENCY_KEY = "Idempotency-Key"
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?")
_ENTITY_TAG = re.compile(r'(W/)?"([^"]*)"')


def parse_if_match(value: str | None) -> Precondition | None:
    """`If-Match` as a precondition; weak tags never match (RFC 9110 uses strong comparison)."""
    if value is None:
        return None
    if value.strip() == "*":
        return Precondition(any=True)
    return Precondition(
        versions=frozenset(tag for weak, tag in _ENTITY_TAG.findall(value) if not weak)
    )


@dataclass(frozen=True)
class Accepted:
    """A request that passed every check that needs no storage."""

    path: Mapping[str, str]
    body: dict[str, Any]
    sent: object = None
    """The body as parsed, before `@odata.type` is dropped and times are made UTC."""


def body_fingerprint(body: object) -> str:
    """What identifies a request body for `Idempotency-Key` (decision D29): the JSON value
    as sent, with key order and whitespace ignored, so a retry that serialises the same value
    again matches, and one that changes any value does not."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def key_scope(request: Request, flow_id: str, parent_id: str) -> str:
    """Whose key and for what (decision D30): the caller (as the rate limit tells callers
    apart: who the token speaks for, `auth.Principal.subject`) and the run whose process grows,
    hashed."""
    principal = request.scope.get("state", {}).get("principal")
    caller = caller_key(principal) if principal is not None else "anonymous"
    material = json.dumps([caller, "addRun", flow_id, parent_id], ensure_ascii=True)
    return hashlib.sha256(material.encode("ascii")).hexdigest()


class RunsApi:
    """The handlers of the spec's operations over a `RunStore`."""

    def __init__(self, spec: ServedContract, store: RunStore, public_base: str) -> None:
        self.spec = spec
        self.store = store
        # Where clients reach this service (`ServerSettings.public_base`): every URL it writes
        # starts here, never with the request's `Host` (docs/decisions.md).
        self.public_api = public_base + spec.base_path
        self.odata_type = run_odata_type(spec)
        self.evolvable = evolvable_statuses(spec)
        self.production_bases = production_bases(spec.document)
        self.key_retention = float(spec.idempotency_retention_seconds)
        # Keys whose request this process is answering now: a second one is 409 at once, rather
        # than waiting for the storage's write lock (decision D31).
        self._keys_in_flight: set[tuple[str, str]] = set()
        self._keys_lock = threading.Lock()

    async def _accept(self, request: Request, operation_id: str) -> Accepted | Response:
        op: Operation = self.spec.operations[operation_id]
        scope = request.scope
        problem = content_type_problem(request.headers.get("content-type"))
        if problem is not None:
            return odata_error(scope, 415, "UnsupportedMediaType", problem)
        try:
            raw = await request.body()
        except BodyTooLargeError:
            return odata_error(
                scope,
                413,
                "RequestEntityTooLarge",
                f"The request body is larger than {self.spec.max_body_bytes} bytes.",
                headers=CLOSE,
            )
        try:
            body = parse_json(raw)
        except PayloadError as exc:
            return odata_error(scope, 400, "BadRequest", str(exc))
        path = _path_values(self.spec, request)
        violations = self.spec.check_parameters(op, path, request.headers)
        violations += self.spec.check_body(op, body)
        if violations:
            return bad_request(scope, violations)
        changes = {k: v for k, v in body.items() if k != "@odata.type"}
        for name in TIME_FIELDS:
            if isinstance(changes.get(name), str):
                try:
                    changes[name] = self.spec.normalised_time(changes[name])
                except TimeOutOfRangeError as exc:
                    return bad_request(scope, [Violation(f"Property '{name}': {exc}.", name)])
        return Accepted(path=path, body=changes, sent=body)

    async def _store(self, request: Request, call: Callable[[], StoredRun]) -> StoredRun | Response:
        try:
            return await within_deadline(call, self.store.deadline)
        except NotFoundError as exc:
            target = REFERENCE if isinstance(exc, LinkedRunMissingError) else None
            return odata_error(request.scope, 404, "ResourceNotFound", exc.message, target=target)
        except PreconditionFailedError as exc:
            return odata_error(
                request.scope, 412, "PreconditionFailed", exc.message, target="If-Match"
            )
        except UnavailableError as exc:
            log.warning("storage unavailable, answered 503: %s", exc.message)
            return service_unavailable(request.scope, exc.retry_after)
        except (KeyAnsweredError, KeyReusedError, KeyInFlightError) as exc:
            return _keyed(request, exc)

    async def _store_once(
        self,
        request: Request,
        key: IdempotencyKey | None,
        call: Callable[[IdempotencyKey | None], StoredRun],
    ) -> StoredRun | Response:
        """`_store` of a write that may come with an `Idempotency-Key`: a key this process is
        answering now is refused (409) before the storage is asked."""
        if key is None:
            return await self._store(request, lambda: call(None))
        held = (key.scope, key.key)
        with self._keys_lock:
            taken = held in self._keys_in_flight
            self._keys_in_flight.add(held)
        if taken:
            return _keyed(request, key_in_flight())
        try:
            return await self._store(request, lambda: call(key))
        finally:
            with self._keys_lock:
                self._keys_in_flight.discard(held)

    def _key(
        self, request: Request, accepted: Accepted, flow_id: str, parent_id: str, run_id: str
    ) -> IdempotencyKey | None:
        """The request's `Idempotency-Key` (already checked against the spec's pattern: a quoted
        key that needs no escapes), to keep with the answer a success gives; or None."""
        value = request.headers.get(IDEMPOTENCY_KEY)
        if value is None:
            return None
        return IdempotencyKey(
            scope=key_scope(request, flow_id, parent_id),
            key=value.strip()[1:-1],
            fingerprint=body_fingerprint(accepted.sent),
            answer=KeyedAnswer(status=204, location=self._location(flow_id, run_id)),
            now=time.time(),
            retention=self.key_retention,
        )

    async def add_run(self, request: Request) -> Response:
        accepted = await self._accept(request, "addRun")
        if isinstance(accepted, Response):
            return accepted
        flow_id, parent_id = accepted.path["incomingFlowId"], accepted.path["runId"]
        if REFERENCE in accepted.body:
            return await self._link(request, accepted, str(accepted.body[REFERENCE]))
        new_id = str(uuid.uuid4())
        fields = {name: accepted.body.get(name) for name in RUN_FIELDS}
        key = self._key(request, accepted, flow_id, parent_id, new_id)
        stored = await self._store_once(
            request,
            key,
            lambda key: self.store.create_linked_run(flow_id, parent_id, new_id, fields, key=key),
        )
        if isinstance(stored, Response):
            return stored
        return self._added(request, flow_id, stored.id)

    async def _link(self, request: Request, accepted: Accepted, url: str) -> Response:
        """Add run with a reference body: link the run `url` names (decision D17); with an
        `Idempotency-Key`, kept as a create's is (decision D32)."""
        flow_id, parent_id = accepted.path["incomingFlowId"], accepted.path["runId"]
        scope = request.scope
        # Read, never written back: the request's own origin names this service as well (D17).
        reached = f"{_origin(request)}{self.spec.base_path}"
        try:
            named = parse_reference(url, [self.public_api, reached, *self.production_bases])
        except MalformedReferenceError as exc:
            return odata_error(scope, 400, "BadRequest", exc.message, target=REFERENCE)
        problem = self._reference_problem(named, flow_id, parent_id)
        if problem is not None:
            return odata_error(scope, 400, "BadRequest", problem, target=REFERENCE)
        key = self._key(request, accepted, flow_id, parent_id, named.run_id)
        stored = await self._store_once(
            request, key, lambda key: self.store.link_run(flow_id, parent_id, named.run_id, key=key)
        )
        if isinstance(stored, Response):
            return stored
        return self._added(request, flow_id, stored.id)

    def _reference_problem(self, named: RunReference, flow_id: str, parent_id: str) -> str | None:
        """Why the run a well-formed reference names cannot be linked here, or None."""
        ids = {"incomingFlowId": named.flow_id, "runId": named.run_id}
        violations = self.spec.check_parameters(self.spec.operations["addRun"], ids, {})
        if violations:
            return f"'@odata.id' names an id the service does not accept: {violations[0].message}"
        if named.flow_id != flow_id:
            return (
                f"'@odata.id' names a run of inbound flow '{named.flow_id}'; a run is linked only "
                f"into the process of a run of its own flow ('{flow_id}')."
            )
        if named.run_id == parent_id:
            return f"Run '{parent_id}' cannot be linked into its own process."
        return None

    def _location(self, flow_id: str, run_id: str) -> str:
        """The canonical URL of a run, at the configured public base."""
        return (
            f"{self.public_api}/industryData/incomingFlows/"
            f"{quote(flow_id, safe='')}/runs/{quote(run_id, safe='')}"
        )

    def _added(self, request: Request, flow_id: str, run_id: str) -> Response:
        """204 with `Location`: the canonical URL of the run created or linked, which is also its
        OData entity id (`OData-EntityId`, OData Protocol 4.01 §8.3.4)."""
        return _no_content(self._location(flow_id, run_id))

    async def _update(self, request: Request, operation_id: str, process: bool) -> Response:
        accepted = await self._accept(request, operation_id)
        if isinstance(accepted, Response):
            return accepted
        path = accepted.path
        precondition = parse_if_match(request.headers.get("if-match"))
        if process:
            flow_id, run_id, process_of = (
                path["incomingFlowId"],
                path["processRunId"],
                path["runId"],
            )
        else:
            flow_id, run_id, process_of = path["incomingFlowId"], path["runId"], None
        stored = await self._store(
            request,
            lambda: self.store.update_run(
                flow_id, run_id, accepted.body, process_of=process_of, precondition=precondition
            ),
        )
        if isinstance(stored, Response):
            return stored
        wanted = INCLUDE_UNKNOWN_ENUM_MEMBERS in preferences(request.headers.getlist("prefer"))
        resource = run_resource(
            stored, self.odata_type, evolvable=self.evolvable, include_unknown_enum_members=wanted
        )
        headers = {"ETag": f'"{stored.version}"'}
        if wanted:
            headers["Preference-Applied"] = INCLUDE_UNKNOWN_ENUM_MEMBERS
        return JsonAnswer(resource, headers=headers)

    async def update_run(self, request: Request) -> Response:
        return await self._update(request, "updateRun", process=False)

    async def update_process_run(self, request: Request) -> Response:
        return await self._update(request, "updateProcessRun", process=True)

    def routes(self) -> list[BaseRoute]:
        """One route per spec path under the base path, most concrete first.

        Each route takes every method and answers 405 with `Allow` for the ones the spec does not
        define there, so a concrete path (`.../$ref`) is never taken for a templated one.
        """
        handlers: dict[str, Callable[[Request], Awaitable[Response]]] = {
            "addRun": self.add_run,
            "updateRun": self.update_run,
            "updateProcessRun": self.update_process_run,
        }
        unknown = set(self.spec.operations) ^ set(handlers)
        if unknown:
            raise RuntimeError(f"spec operations and handlers differ: {sorted(unknown)}")
        routes: list[BaseRoute] = []
        for template in self.spec.templates():
            by_method = {
                op.method: handlers[op.operation_id]
                for op in self.spec.operations.values()
                if op.template == template
            }
            routes.append(Route(template, _PathEndpoint(by_method)))
        # No trailing-slash redirect: its `Location` would be built from the request (the path
        # with a slash too many is a 404 like any other unknown path).
        return [Mount(self.spec.base_path, app=Router(routes, redirect_slashes=False))]


class _PathEndpoint:
    """An ASGI endpoint for one spec path: every method arrives here (a plain function endpoint
    would make Starlette route by method first), and the ones the path lacks get 405."""

    def __init__(self, by_method: Mapping[str, Callable[[Request], Awaitable[Response]]]) -> None:
        self.by_method = dict(by_method)
        self.allow = ", ".join(sorted(by_method))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if b"%2f" in (scope.get("raw_path") or b"").lower():
            # Ids hold no `/` (D11). Routing reads the decoded path, where an encoded one would
            # split an id and name another resource: such a path names none.
            raise HTTPException(404)
        request = Request(scope, receive)
        handler = self.by_method.get(request.method)
        if handler is None:
            raise HTTPException(405, headers={"Allow": self.allow})
        response = await handler(request)
        await response(scope, receive, send)


def _path_values(spec: ServedContract, request: Request) -> dict[str, str]:
    """The path's values as the contract core decodes them from the path as sent: bytes that
    are not UTF-8 stay visible (and are refused, 400) where the HTTP server's decoding would
    have made them U+FFFD and named another id."""
    raw: bytes = request.scope.get("raw_path") or b""
    if b"%" in raw and raw.isascii():
        found = spec.locate(request.method, raw.decode("ascii"))
        if found is not None:
            return dict(found.values)
    return dict(request.path_params)


def _no_content(location: str, status: int = 204) -> Response:
    """Add run's answer: no body, the run's URL in `Location` and in `OData-EntityId`."""
    return Response(status_code=status, headers={"Location": location, "OData-EntityId": location})


def _keyed(request: Request, exc: KeyAnsweredError | KeyReusedError | KeyInFlightError) -> Response:
    """The answer to a request whose `Idempotency-Key` was kept, reused or is in flight: the kept
    answer, 422 or 409 (the draft's statuses)."""
    if isinstance(exc, KeyAnsweredError):
        return _no_content(exc.answer.location, exc.answer.status)
    status, code = (
        (422, "IdempotencyKeyReused")
        if isinstance(exc, KeyReusedError)
        else (
            409,
            "IdempotencyKeyInFlight",
        )
    )
    return odata_error(request.scope, status, code, exc.message, target=IDEMPOTENCY_KEY)


def _origin(request: Request) -> str:
    """`scheme://host[:port]` of the request, from a well-formed Host header or the socket: only
    compared with a reference's URL, never written into an answer."""
    scheme = request.url.scheme
    host = request.headers.get("host", "")
    if not _HOST.fullmatch(host):
        server = request.scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scheme}://{host}"


class Documents:
    """The spec as loaded (YAML and JSON) and the published HTML reference page."""

    def __init__(self, spec: ServedContract, docs_html: Path | None) -> None:
        self.spec_yaml = spec.source.read_bytes() if spec.source else b""
        self.spec_json = json.dumps(spec.document, ensure_ascii=False, default=str).encode("utf-8")
        if docs_html is None:
            # The name `make publish` (scripts/publish.py) gives the page of this spec version.
            version = str(spec.document.get("info", {}).get("version", ""))
            docs_html = DIST_DIR / f"industrydata-runs-{version}.html"
        self.docs_html = docs_html

    async def openapi_yaml(self, request: Request) -> Response:
        return Response(self.spec_yaml, media_type="application/yaml")

    async def openapi_json(self, request: Request) -> Response:
        return Response(self.spec_json, media_type="application/json")

    async def docs(self, request: Request) -> Response:
        try:
            page = await run_in_threadpool(self.docs_html.read_bytes)
        except OSError:
            return odata_error(
                request.scope,
                404,
                "ResourceNotFound",
                "The reference page has not been built; run `make publish` to build it.",
            )
        return Response(page, media_type="text/html; charset=utf-8")

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/openapi.yaml", self.openapi_yaml, methods=["GET"]),
            Route("/openapi.json", self.openapi_json, methods=["GET"]),
            Route("/docs", self.docs, methods=["GET"]),
        ]


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 (no route) and 405 (known path, other method) as OData errors."""
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        return odata_error(
            request.scope,
            404,
            "ResourceNotFound",
            f"No resource is found at '{request.url.path[:200]}'.",
        )
    if exc.status_code == 405:
        allow = headers.get("Allow", "")
        return odata_error(
            request.scope,
            405,
            "MethodNotAllowed",
            f"{request.method[:20]} is not supported here; this path supports {allow}.",
            headers={"Allow": allow},
        )
    return odata_error(
        request.scope, exc.status_code, "BadRequest", str(exc.detail)[:200], headers=headers
    )
