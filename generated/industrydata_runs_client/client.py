"""The clients: httpx underneath, with a credential, retries and request ids.

Generated from the contract kit's `codegen/templates/client.py.jinja`: the runtime below (auth,
retries) is the template's own, not the generator's.
"""

import asyncio
import email.utils
import inspect
import random
import ssl
import threading
import time
import uuid
from collections.abc import AsyncGenerator, Callable, Generator
from datetime import UTC, datetime
from typing import Any, Protocol, Self

import httpx
from attrs import define, evolve, field

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
# Refresh a cached token this long before it expires, as azure-core's bearer-token policy does.
_REFRESH_MARGIN_SECONDS = 300


class AccessTokenLike(Protocol):
    """What a credential returns: azure-core's `AccessToken` shape (`expires_on` in epoch seconds)."""

    @property
    def token(self) -> str: ...

    @property
    def expires_on(self) -> int: ...


class TokenCredential(Protocol):
    """azure-identity's `TokenCredential` (any object with this method will do)."""

    def get_token(self, *scopes: str) -> AccessTokenLike: ...


class AsyncTokenCredential(Protocol):
    """azure-identity's `azure.identity.aio` credentials: `get_token` is a coroutine."""

    async def get_token(self, *scopes: str) -> AccessTokenLike: ...


# An async credential works with the async httpx client (`asyncio` and `asyncio_detailed`) only.
Credential = TokenCredential | AsyncTokenCredential | Callable[[], "str | AccessTokenLike"]


class CredentialAuth(httpx.Auth):
    """Bearer tokens from a credential: cached until shortly before they expire, refreshed once
    when the service answers 401 with `error="invalid_token"` (the request is then sent again)."""

    def __init__(self, credential: Credential, scopes: tuple[str, ...] = (GRAPH_SCOPE,)) -> None:
        self._credential = credential
        self._scopes = scopes
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_on: float = 0.0

    def _ask(self) -> object:
        """What the credential hands out: a token, an AccessToken, or a coroutine of one."""
        credential: Any = self._credential
        if callable(credential) and not hasattr(credential, "get_token"):
            return credential()
        return credential.get_token(*self._scopes)

    def _keep(self, got: Any) -> str:
        if isinstance(got, str):
            self._token, self._expires_on = got, 0.0  # no expiry known: ask again next time
        else:
            self._token, self._expires_on = str(got.token), float(got.expires_on)
        return self._token

    def _cached(self, refresh: bool) -> str | None:
        cached = self._token
        if not refresh and cached is not None and time.time() <= self._expires_on - _REFRESH_MARGIN_SECONDS:
            return cached
        return None

    def token(self, refresh: bool = False) -> str:
        cached = self._cached(refresh)
        if cached is not None:
            return cached  # the common case, without the lock
        with self._lock:
            cached = self._cached(refresh)
            if cached is not None:
                return cached
            got = self._ask()
            if inspect.isawaitable(got):
                close = getattr(got, "close", None)
                if close is not None:
                    close()  # never awaited: say so once, not as a warning at exit
                raise TypeError("an async credential needs the async client (asyncio, asyncio_detailed)")
            return self._keep(got)

    async def atoken(self, refresh: bool = False) -> str:
        """`token` for the async client: awaits the credential when it is an async one."""
        cached = self._cached(refresh)
        if cached is not None:
            return cached
        got = self._ask()
        if inspect.isawaitable(got):
            got = await got
        return self._keep(got)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        response = yield request
        challenge = response.headers.get("WWW-Authenticate", "")
        if response.status_code == 401 and "invalid_token" in challenge:
            request.headers["Authorization"] = f"Bearer {self.token(refresh=True)}"
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {await self.atoken()}"
        response = yield request
        challenge = response.headers.get("WWW-Authenticate", "")
        if response.status_code == 401 and "invalid_token" in challenge:
            request.headers["Authorization"] = f"Bearer {await self.atoken(refresh=True)}"
            yield request


@define(frozen=True)
class RetryPolicy:
    """When and how long to retry, as Graph's SDKs do by default.

    `attempts` counts every try, the first one included. The wait before retry N is
    `backoff * 2**(N-1)` with full jitter, capped at `max_wait`, and never less than the answer's
    `Retry-After` (seconds or an HTTP date); a `Retry-After` over `max_wait` returns that answer.
    """

    attempts: int = 4
    backoff: float = 0.5
    max_wait: float = 60.0
    statuses: frozenset[int] = frozenset({429, 503, 504})

    def wait(self, retry: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before retry `retry` (1-based), or None to return the answer as it is."""
        delay = min(self.max_wait, self.backoff * 2.0 ** (retry - 1)) * random.uniform(0.5, 1.0)
        if response is not None:
            asked = _retry_after(response.headers.get("Retry-After"))
            if asked is not None:
                if asked > self.max_wait:
                    return None
                delay = max(delay, asked)
        return delay


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# Failures raised before any byte of the answer arrived: the request may be sent again.
_RETRIED_FAILURES = (httpx.NetworkError, httpx.TimeoutException, httpx.RemoteProtocolError)


class RetryingTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps httpx's transport: stamps `client-request-id`, retries under a `RetryPolicy`.

    POST is retried only with an `Idempotency-Key` (the operations that take one generate it),
    other methods always (PATCH of this API sets the same members again). Each retry carries
    `Retry-Attempt: N`.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport | httpx.AsyncBaseTransport,
        policy: RetryPolicy | None,
    ) -> None:
        self._inner = inner
        self._policy = policy

    def _prepare(self, request: httpx.Request) -> int:
        if "client-request-id" not in request.headers:
            request.headers["client-request-id"] = str(uuid.uuid4())
        request.headers.pop("Retry-Attempt", None)
        policy = self._policy
        if policy is None or (request.method == "POST" and "Idempotency-Key" not in request.headers):
            return 1
        return max(1, policy.attempts)

    def _next(self, request: httpx.Request, retry: int, attempts: int, answer: httpx.Response | None) -> float | None:
        assert self._policy is not None
        if retry >= attempts:
            return None
        wait = self._policy.wait(retry, answer)
        if wait is not None:
            request.headers["Retry-Attempt"] = str(retry)
        return wait

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self._inner, httpx.BaseTransport), "a sync client needs a sync transport"
        attempts = self._prepare(request)
        retry = 0
        while True:
            retry += 1
            try:
                response = self._inner.handle_request(request)
            except _RETRIED_FAILURES:
                wait = self._next(request, retry, attempts, None)
                if wait is None:
                    raise
                time.sleep(wait)
                continue
            if self._policy is None or response.status_code not in self._policy.statuses:
                return response
            wait = self._next(request, retry, attempts, response)
            if wait is None:
                return response
            response.close()
            time.sleep(wait)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self._inner, httpx.AsyncBaseTransport), "an async client needs an async transport"
        attempts = self._prepare(request)
        retry = 0
        while True:
            retry += 1
            try:
                response = await self._inner.handle_async_request(request)
            except _RETRIED_FAILURES:
                wait = self._next(request, retry, attempts, None)
                if wait is None:
                    raise
                await asyncio.sleep(wait)
                continue
            if self._policy is None or response.status_code not in self._policy.statuses:
                return response
            wait = self._next(request, retry, attempts, response)
            if wait is None:
                return response
            await response.aclose()
            await asyncio.sleep(wait)

    def close(self) -> None:
        if isinstance(self._inner, httpx.BaseTransport):
            self._inner.close()

    async def aclose(self) -> None:
        if isinstance(self._inner, httpx.AsyncBaseTransport):
            await self._inner.aclose()


_TRANSPORT_OPTIONS = ("cert", "http1", "http2", "limits", "trust_env")


def _resilient(
    options: dict[str, Any],
    *,
    retries: RetryPolicy | None,
    auth: httpx.Auth | None,
    verify: str | bool | ssl.SSLContext,
    asynchronous: bool,
) -> dict[str, Any]:
    """httpx's client options with the retrying transport around the given one (or httpx's own)."""
    options = dict(options)
    inner = options.pop("transport", None)
    if inner is None:
        # The options httpx.Client would have given the transport it builds itself.
        given = {name: options[name] for name in _TRANSPORT_OPTIONS if name in options}
        inner = (httpx.AsyncHTTPTransport if asynchronous else httpx.HTTPTransport)(verify=verify, **given)
    options["transport"] = RetryingTransport(inner, retries)
    if auth is not None:
        options["auth"] = auth
    return options


@define
class Client:
    """A class for keeping track of data related to the API

    The following are accepted as keyword arguments and will be used to construct httpx Clients internally:

        ``base_url``: The base URL for the API, all requests are made to a relative path to this URL

        ``cookies``: A dictionary of cookies to be sent with every request

        ``headers``: A dictionary of headers to be sent with every request

        ``timeout``: The maximum amount of a time a request can take. API functions will raise
        httpx.TimeoutException if this is exceeded.

        ``verify_ssl``: Whether or not to verify the SSL certificate of the API server. This should be True in production,
        but can be set to False for testing purposes.

        ``follow_redirects``: Whether or not to follow redirects. Default value is False.

        ``httpx_args``: A dictionary of additional arguments to be passed to the ``httpx.Client`` and ``httpx.AsyncClient`` constructor.


    Attributes:
        raise_on_unexpected_status: Whether or not to raise an errors.UnexpectedStatus if the API returns a
            status code that was not documented in the source OpenAPI document. Can also be provided as a keyword
            argument to the constructor.
        raise_on_error: Whether any 4xx or 5xx answer, documented or not, raises errors.ApiError
            (with the OData error and both request ids) instead of coming back parsed.
        retries: The RetryPolicy of every call (on by default, as in Graph's SDKs); None turns
            retries off.
    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    raise_on_error: bool = field(default=False, kw_only=True)
    retries: RetryPolicy | None = field(factory=RetryPolicy, kw_only=True)
    _base_url: str = field(alias="base_url")
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies")
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers")
    _timeout: httpx.Timeout | None = field(default=None, kw_only=True, alias="timeout")
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl")
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _httpx_args: dict[str, Any] = field(factory=dict, kw_only=True, alias="httpx_args")
    _client: httpx.Client | None = field(default=None, init=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False)

    def with_headers(self, headers: dict[str, str]) -> "Client":
        """Get a new client matching this one with additional headers"""
        if self._client is not None:
            self._client.headers.update(headers)
        if self._async_client is not None:
            self._async_client.headers.update(headers)
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> "Client":
        """Get a new client matching this one with additional cookies"""
        if self._client is not None:
            self._client.cookies.update(cookies)
        if self._async_client is not None:
            self._async_client.cookies.update(cookies)
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout) -> "Client":
        """Get a new client matching this one with a new timeout configuration"""
        if self._client is not None:
            self._client.timeout = timeout
        if self._async_client is not None:
            self._async_client.timeout = timeout
        return evolve(self, timeout=timeout)

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Manually set the underlying httpx.Client

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """Get the underlying httpx.Client, constructing a new one if not previously set"""
        if self._client is None:
            self._client = httpx.Client(
                base_url=self._base_url,
                cookies=self._cookies,
                headers=self._headers,
                timeout=self._timeout,
                verify=self._verify_ssl,
                follow_redirects=self._follow_redirects,
                **_resilient(
                    self._httpx_args,
                    retries=self.retries,
                    auth=self._auth(),
                    verify=self._verify_ssl,
                    asynchronous=False,
                ),
            )
        return self._client

    def __enter__(self) -> Self:
        """Enter a context manager for self.client—you cannot enter twice (see httpx docs)"""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for internal httpx.Client (see httpx docs)"""
        self.get_httpx_client().__exit__(*args, **kwargs)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Manually set the underlying httpx.AsyncClient

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """Get the underlying httpx.AsyncClient, constructing a new one if not previously set"""
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(
                base_url=self._base_url,
                cookies=self._cookies,
                headers=self._headers,
                timeout=self._timeout,
                verify=self._verify_ssl,
                follow_redirects=self._follow_redirects,
                **_resilient(
                    self._httpx_args,
                    retries=self.retries,
                    auth=self._auth(),
                    verify=self._verify_ssl,
                    asynchronous=True,
                ),
            )
        return self._async_client

    async def __aenter__(self) -> Self:
        """Enter a context manager for underlying httpx.AsyncClient—you cannot enter twice (see httpx docs)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)

    def _auth(self) -> httpx.Auth | None:
        return None


@define
class AuthenticatedClient:
    """A Client which has been authenticated for use on secured endpoints

    The following are accepted as keyword arguments and will be used to construct httpx Clients internally:

        ``base_url``: The base URL for the API, all requests are made to a relative path to this URL

        ``cookies``: A dictionary of cookies to be sent with every request

        ``headers``: A dictionary of headers to be sent with every request

        ``timeout``: The maximum amount of a time a request can take. API functions will raise
        httpx.TimeoutException if this is exceeded.

        ``verify_ssl``: Whether or not to verify the SSL certificate of the API server. This should be True in production,
        but can be set to False for testing purposes.

        ``follow_redirects``: Whether or not to follow redirects. Default value is False.

        ``httpx_args``: A dictionary of additional arguments to be passed to the ``httpx.Client`` and ``httpx.AsyncClient`` constructor.


    Attributes:
        raise_on_unexpected_status: Whether or not to raise an errors.UnexpectedStatus if the API returns a
            status code that was not documented in the source OpenAPI document. Can also be provided as a keyword
            argument to the constructor.
        raise_on_error: Whether any 4xx or 5xx answer, documented or not, raises errors.ApiError
            (with the OData error and both request ids) instead of coming back parsed.
        retries: The RetryPolicy of every call (on by default, as in Graph's SDKs); None turns
            retries off.
        token: The token to use for authentication
        prefix: The prefix to use for the Authorization header
        auth_header_name: The name of the Authorization header
        credential: Gets the tokens instead of `token`: an azure-identity TokenCredential (any
            object whose get_token(*scopes) returns .token and .expires_on) or a callable
            returning a token; cached, refreshed before expiry and once after a 401.
        scopes: The scopes asked of the credential.
    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    raise_on_error: bool = field(default=False, kw_only=True)
    retries: RetryPolicy | None = field(factory=RetryPolicy, kw_only=True)
    _base_url: str = field(alias="base_url")
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies")
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers")
    _timeout: httpx.Timeout | None = field(default=None, kw_only=True, alias="timeout")
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl")
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _httpx_args: dict[str, Any] = field(factory=dict, kw_only=True, alias="httpx_args")
    _client: httpx.Client | None = field(default=None, init=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False)

    # Optional: a `credential` gets tokens instead.
    token: str = ""
    prefix: str = "Bearer"
    auth_header_name: str = "Authorization"
    credential: Credential | None = field(default=None, kw_only=True)
    scopes: tuple[str, ...] = field(default=(GRAPH_SCOPE,), kw_only=True)
    _credential_auth: CredentialAuth | None = field(default=None, init=False)

    def _auth(self) -> httpx.Auth | None:
        """The credential's auth flow, one per client so that both httpx clients share its cache."""
        if self.credential is None:
            return None
        if self._credential_auth is None:
            self._credential_auth = CredentialAuth(self.credential, self.scopes)
        return self._credential_auth

    def with_headers(self, headers: dict[str, str]) -> "AuthenticatedClient":
        """Get a new client matching this one with additional headers"""
        if self._client is not None:
            self._client.headers.update(headers)
        if self._async_client is not None:
            self._async_client.headers.update(headers)
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> "AuthenticatedClient":
        """Get a new client matching this one with additional cookies"""
        if self._client is not None:
            self._client.cookies.update(cookies)
        if self._async_client is not None:
            self._async_client.cookies.update(cookies)
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout) -> "AuthenticatedClient":
        """Get a new client matching this one with a new timeout configuration"""
        if self._client is not None:
            self._client.timeout = timeout
        if self._async_client is not None:
            self._async_client.timeout = timeout
        return evolve(self, timeout=timeout)

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Manually set the underlying httpx.Client

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """Get the underlying httpx.Client, constructing a new one if not previously set"""
        if self._client is None:
            if self.credential is None:
                self._headers[self.auth_header_name] = f"{self.prefix} {self.token}" if self.prefix else self.token
            self._client = httpx.Client(
                base_url=self._base_url,
                cookies=self._cookies,
                headers=self._headers,
                timeout=self._timeout,
                verify=self._verify_ssl,
                follow_redirects=self._follow_redirects,
                **_resilient(
                    self._httpx_args,
                    retries=self.retries,
                    auth=self._auth(),
                    verify=self._verify_ssl,
                    asynchronous=False,
                ),
            )
        return self._client

    def __enter__(self) -> Self:
        """Enter a context manager for self.client—you cannot enter twice (see httpx docs)"""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for internal httpx.Client (see httpx docs)"""
        self.get_httpx_client().__exit__(*args, **kwargs)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Manually set the underlying httpx.AsyncClient

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """Get the underlying httpx.AsyncClient, constructing a new one if not previously set"""
        if self._async_client is None:
            if self.credential is None:
                self._headers[self.auth_header_name] = f"{self.prefix} {self.token}" if self.prefix else self.token
            self._async_client = httpx.AsyncClient(
                base_url=self._base_url,
                cookies=self._cookies,
                headers=self._headers,
                timeout=self._timeout,
                verify=self._verify_ssl,
                follow_redirects=self._follow_redirects,
                **_resilient(
                    self._httpx_args,
                    retries=self.retries,
                    auth=self._auth(),
                    verify=self._verify_ssl,
                    asynchronous=True,
                ),
            )
        return self._async_client

    async def __aenter__(self) -> Self:
        """Enter a context manager for underlying httpx.AsyncClient—you cannot enter twice (see httpx docs)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)
