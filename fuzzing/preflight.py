"""Pre-flight: a handful of requests that say, before any fuzzing, whether the run can work.

An unreachable URL, a base path that answers like something else, a refused token or ids that
name nothing are mistakes of the set-up, not breaches of the contract: fuzzing such a target
only buries the one fact the user needs under hundreds of identical failures. These requests
find them in seconds and say which setting to fix; `make fuzz` then exits with 2.

Every request changes nothing: the API has no GET, so a run is read with a PATCH that sends
only its `@odata.type` (as `ledger.read_run` does). The steps, in order: resolve the host (with
a deadline of its own, since a stuck resolver ignores socket timeouts); read `TARGET_RUN_ID`;
on 404 read `TARGET_PROCESS_RUN_ID` to tell a wrong run id from a wrong flow or base path; read
the linked run through the run's process; and, when given, see that
`TARGET_TOKEN_NO_PERMISSION` is a token the target accepts (anything but 401).
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from fuzzing.exchange import NOT_JSON, Exchange, exchange_answered
from fuzzing.run_ledger import read_body
from fuzzing.target import Target

_RESOLVE_SECONDS = 3.0
_TIMEOUT = httpx.Timeout(4.0, connect=3.0)
_LONGEST_RETRY_AFTER = 2.0
_CHALLENGE_PARAMETER = re.compile(r'(\w+)="([^"]*)"')
_CHALLENGE_NAMES = ("error", "error_description", "scope")
_GATEWAY_STATUSES = frozenset({502, 504})


class SetupError(Exception):
    """The run cannot start as set up; the message is one paragraph that says what to fix."""


@dataclass(frozen=True)
class Preflight:
    """What the pre-flight requests showed: one line per fact, and how long they took."""

    facts: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _resolve(host: str, port: int) -> None:
    """Look `host` up within a deadline; `SetupError` if it has no address or takes too long."""
    outcome: list[BaseException | None] = []

    def lookup() -> None:
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            outcome.append(None)
        except OSError as error:
            outcome.append(error)

    worker = threading.Thread(target=lookup, name="preflight-resolve", daemon=True)
    worker.start()
    worker.join(_RESOLVE_SECONDS)
    if not outcome:
        raise SetupError(
            f"The host name {host!r} of TARGET_URL could not be looked up within "
            f"{_RESOLVE_SECONDS:.0f} s: the DNS resolver does not answer. Check the machine's "
            "network and DNS settings, or use the target's IP address."
        )
    error = outcome[0]
    if error is not None:
        raise SetupError(
            f"The host name {host!r} of TARGET_URL has no address ({error}). Check the spelling "
            "of TARGET_URL, or that this machine can resolve that name."
        )


def _cause(error: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of `kind` in `error`'s chain of causes."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def transport_problem(url: str, error: httpx.HTTPError) -> str:
    """One paragraph on why no HTTP answer came from `url`."""
    parts = urlsplit(url)
    where = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    tls = _cause(error, ssl.SSLError)
    if tls is not None or "SSL" in str(error):
        reason = getattr(tls, "reason", None) or str(tls or error)
        hint = (
            "the certificate is not trusted here: point SSL_CERT_FILE at the CA that signed it"
            if "CERTIFICATE_VERIFY_FAILED" in str(tls or error)
            else "check that the target serves HTTPS on that port, or use http:// if it does not"
        )
        return f"TLS with {where} failed ({reason}) for TARGET_URL {url}: {hint}."
    if isinstance(error, httpx.TimeoutException):
        return (
            f"{where} did not answer within {_TIMEOUT.read:g} s ({type(error).__name__}) for "
            f"TARGET_URL {url}. Check that the server runs and that no firewall drops the packets."
        )
    if isinstance(error, httpx.LocalProtocolError):
        return (
            f"A request to {url} could not be written ({error}): TARGET_TOKEN or one of the "
            "TARGET_*_ID values holds characters an HTTP header or path cannot carry."
        )
    if isinstance(error, httpx.RemoteProtocolError):
        return (
            f"{where} answered, but not in HTTP ({error}). TARGET_URL {url} names a port of "
            "another service; check the port, and the scheme (http or https)."
        )
    if isinstance(error, httpx.ConnectError) and _cause(error, ConnectionRefusedError) is not None:
        return (
            f"Nothing listens on {where}: the connection was refused. Start the server, or fix "
            f"the host and port of TARGET_URL ({url})."
        )
    if isinstance(error, httpx.UnsupportedProtocol):
        return f"TARGET_URL {url} is not an http:// or https:// URL."
    return f"No answer from {where} for TARGET_URL {url}: {type(error).__name__}: {error}."


def _challenge(exchange: Exchange) -> str:
    """What the target's `WWW-Authenticate` says, as a clause of a sentence."""
    header = exchange.response_header("www-authenticate")
    if not header:
        return "without a `WWW-Authenticate` header"
    found = dict(_CHALLENGE_PARAMETER.findall(header))
    said = [f"{name}={found[name]!r}" for name in _CHALLENGE_NAMES if name in found]
    return f"saying {', '.join(said)}" if said else f"with `WWW-Authenticate: {header}`"


def _looks_like_the_api(exchange: Exchange) -> bool:
    """A JSON object: a run on 200, an OData error otherwise. HTML or plain text is not."""
    body = exchange.response_json
    if exchange.status == 200:
        return isinstance(body, dict)
    return isinstance(body, dict) and isinstance(body.get("error"), dict)


def _something_else(exchange: Exchange, what: str) -> SetupError:
    media_type = exchange.response_header("content-type") or "no Content-Type"
    start = exchange.response_body[:120].decode("utf-8", errors="replace").strip()
    start = re.sub(r"\s+", " ", start) or "an empty body"
    return SetupError(
        f"TARGET_URL does not answer like this API: {what} answered {exchange.status} with "
        f"{media_type} ({start!r}). TARGET_URL must be the API's base URL, the version "
        "included (like https://host/beta), so that .../industryData/incomingFlows/{flow}/runs/"
        "{run} names a run."
    )


class PreflightRequests:
    """Sends the pre-flight requests to one target and turns their answers into facts or errors."""

    def __init__(self, target: Target, client: httpx.Client) -> None:
        self.target = target
        self.client = client
        self.facts: list[str] = []

    def read(self, url: str, token: str) -> Exchange:
        """PATCH `url` with only `@odata.type`; waits once for a short `Retry-After`."""
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = read_body()
        try:
            response = self.client.patch(url, content=body, headers=headers)
            if response.status_code in (429, 503):
                wait = _retry_after(response)
                if wait is not None and wait <= _LONGEST_RETRY_AFTER:
                    time.sleep(wait)
                    response = self.client.patch(url, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise SetupError(transport_problem(url, error)) from None
        return exchange_answered(response, url, body)

    def run(self) -> None:
        target = self.target
        parts = urlsplit(target.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SetupError(
                f"TARGET_URL {target.base_url!r} is not an http:// or https:// URL with a host; "
                "set it to the API's base URL, like https://host/beta."
            )
        if not target.token.strip():
            raise SetupError(
                "TARGET_TOKEN is empty: set it to a bearer token the target accepts, with "
                "IndustryData-InboundFlow.ReadWrite.All (for the reference server: make token)."
            )
        _resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        run = self.read(target.run_url(target.run_id), target.token)
        self.judge_access(run)
        if run.status == 404:
            self.explain_missing_run(run)
        self.judge_answer(run, "reading TARGET_RUN_ID")
        self.facts.append(
            f"run {target.run_id!r} of flow {target.flow_id!r} read with TARGET_TOKEN: {run.status}"
        )
        process_run = self.read(target.run_url(target.process_run_id), target.token)
        if process_run.status == 404:
            raise SetupError(
                f"TARGET_PROCESS_RUN_ID {target.process_run_id!r} names no run in flow "
                f"{target.flow_id!r}: reading it answered 404 ({_message(process_run)}), while "
                f"TARGET_RUN_ID {target.run_id!r} was found. Set TARGET_PROCESS_RUN_ID to a run "
                "linked into the process of TARGET_RUN_ID."
            )
        self.judge_answer(process_run, "reading TARGET_PROCESS_RUN_ID")
        linked = self.read(
            target.process_run_url(target.run_id, target.process_run_id), target.token
        )
        if linked.status == 404:
            raise SetupError(
                f"TARGET_PROCESS_RUN_ID {target.process_run_id!r} is a run of flow "
                f"{target.flow_id!r}, but it is not linked into the process of TARGET_RUN_ID "
                f"{target.run_id!r}: {linked.url} answered 404 ({_message(linked)}). Link it "
                "(Add run, or the target's own set-up), or choose a pair that is linked."
            )
        self.judge_answer(
            linked, "reading TARGET_PROCESS_RUN_ID through the process of TARGET_RUN_ID"
        )
        self.facts.append(
            f"run {target.process_run_id!r}, linked into the process of {target.run_id!r}: "
            f"{linked.status}"
        )
        if target.token_no_permission:
            self.judge_weak_token()

    def judge_access(self, exchange: Exchange) -> None:
        """401 and 403 to `TARGET_TOKEN` are set-up errors, whatever else the target does."""
        if exchange.status == 401:
            raise SetupError(
                f"The target refused TARGET_TOKEN: reading run {self.target.run_id!r} answered "
                f"401 {_challenge(exchange)}. Get a fresh token for this target (one "
                "whose issuer and audience it trusts) and set TARGET_TOKEN to it."
            )
        if exchange.status == 403:
            raise SetupError(
                "TARGET_TOKEN lacks the permission: reading run "
                f"{self.target.run_id!r} answered 403 {_challenge(exchange)} "
                f"({_message(exchange)}). The token needs IndustryData-InboundFlow.ReadWrite.All "
                "(a delegated scp or an application roles claim)."
            )

    def judge_answer(self, exchange: Exchange, what: str) -> None:
        """Redirects, gateways, an unavailable target and non-API answers stop the run."""
        if 300 <= exchange.status < 400:
            raise SetupError(
                f"{what} at {exchange.url} answered {exchange.status}, a redirect to "
                f"{exchange.response_header('location')!r}: set TARGET_URL to the URL the API "
                "answers at (the harness does not follow redirects)."
            )
        if exchange.status in _GATEWAY_STATUSES:
            raise SetupError(
                f"{what} at {exchange.url} answered {exchange.status}: a gateway in front of the "
                "target could not reach it. Check that the service behind TARGET_URL runs."
            )
        if exchange.status in (429, 503):
            raise SetupError(
                f"{what} at {exchange.url} answered {exchange.status} (Retry-After "
                f"{exchange.response_header('retry-after')!r}): the target is throttling or "
                "unavailable. Fuzz it when it has capacity again."
            )
        if not _looks_like_the_api(exchange):
            raise _something_else(exchange, f"{what} ({exchange.url})")

    def explain_missing_run(self, run: Exchange) -> None:
        """TARGET_RUN_ID answered 404: tell a wrong run id from a wrong flow id or base path."""
        target = self.target
        if not _looks_like_the_api(run):
            raise _something_else(run, f"reading TARGET_RUN_ID ({run.url})")
        other = self.read(target.run_url(target.process_run_id), target.token)
        if other.status == 200 and _looks_like_the_api(other):
            raise SetupError(
                f"TARGET_RUN_ID {target.run_id!r} names no run in flow {target.flow_id!r}: "
                f"reading it answered 404 ({_message(run)}), while TARGET_PROCESS_RUN_ID "
                f"{target.process_run_id!r} was found. Set TARGET_RUN_ID to a run whose process "
                "holds TARGET_PROCESS_RUN_ID."
            )
        raise SetupError(
            f"Neither TARGET_RUN_ID {target.run_id!r} nor TARGET_PROCESS_RUN_ID "
            f"{target.process_run_id!r} is a run of flow {target.flow_id!r}: both answered 404 "
            f"({_message(run)}). Most likely TARGET_FLOW_ID {target.flow_id!r} names no flow; "
            f"if it does, check the base path of TARGET_URL ({target.base_url}), which must "
            "include the API version, then the two run ids."
        )

    def judge_weak_token(self) -> None:
        """The token without the permission must be one the target accepts as a token."""
        target = self.target
        assert target.token_no_permission is not None
        weak = self.read(target.run_url(target.run_id), target.token_no_permission)
        if weak.status == 401:
            raise SetupError(
                "The target refused TARGET_TOKEN_NO_PERMISSION as a token: reading run "
                f"{target.run_id!r} with it answered 401 {_challenge(weak)}. It must be a valid "
                "token for this target that lacks IndustryData-InboundFlow.ReadWrite.All (for "
                "the 403 probe); renew it, or unset it to skip that probe."
            )
        self.facts.append(f"TARGET_TOKEN_NO_PERMISSION read the run: {weak.status}")


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return None


def _message(exchange: Exchange) -> str:
    """The OData error's code and message, short, or what the body starts with."""
    body = exchange.response_json
    if body is not NOT_JSON and isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        return f"{error.get('code')}: {str(error.get('message'))[:160]}"
    return exchange.response_body[:80].decode("utf-8", errors="replace")


def preflight(target: Target) -> Preflight:
    """Check `target` with a few requests that change nothing; `SetupError` says what to fix."""
    started = time.monotonic()
    with httpx.Client(timeout=_TIMEOUT) as client:
        checker = PreflightRequests(target, client)
        checker.run()
    return Preflight(facts=checker.facts, seconds=time.monotonic() - started)
