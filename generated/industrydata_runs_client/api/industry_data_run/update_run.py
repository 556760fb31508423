from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.o_data_error import ODataError
from ...models.run import Run
from ...models.run_update import RunUpdate
from ...types import UNSET, Response, Unset, checked_id, status_of


def _get_kwargs(
    incoming_flow_id: str,
    run_id: str,
    *,
    body: RunUpdate,
    if_match: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    client_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    if not isinstance(prefer, Unset):
        headers["Prefer"] = prefer

    if not isinstance(client_request_id, Unset):
        headers["client-request-id"] = client_request_id

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/industryData/incomingFlows/{incoming_flow_id}/runs/{run_id}".format(
            incoming_flow_id=quote(checked_id(str(incoming_flow_id), "incomingFlowId"), safe=""),
            run_id=quote(checked_id(str(run_id), "runId"), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ODataError | Run | None:
    # A body that cannot be read as the documented model (not JSON, HTML from a proxy, a member
    # of the wrong type) is no reason to raise: `parsed` is then None and `content` keeps it.
    try:
        return _parse_documented(client=client, response=response)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError):
        return None


def _parse_documented(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ODataError | Run | None:
    if response.status_code == 200:
        response_200 = Run.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ODataError.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ODataError.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ODataError.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ODataError.from_dict(response.json())

        return response_404

    if response.status_code == 412:
        response_412 = ODataError.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = ODataError.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ODataError.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = ODataError.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ODataError.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ODataError.from_dict(response.json())

        return response_503

    if 400 <= response.status_code <= 499:
        response_4xx = ODataError.from_dict(response.json())

        return response_4xx

    if 500 <= response.status_code <= 599:
        response_5xx = ODataError.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ODataError | Run]:
    if client.raise_on_error and response.status_code >= 400:
        raise errors.ApiError.from_response(response)
    return Response(
        status_code=status_of(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
        client_request_id=response.request.headers.get("client-request-id"),
    )


def sync_detailed(
    incoming_flow_id: str,
    run_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RunUpdate,
    if_match: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    client_request_id: str | Unset = UNSET,
) -> Response[ODataError | Run]:
    """Update run

     Update the properties of a run. Send only the properties to change: the service merges them
    into the run and leaves every other property as it was. `null` clears `endDateTime` and
    `blockingError`. The body names at least one member; a body of only `@odata.type` changes
    no property and answers with the run as it is (an empty body is `400`).

    Returns `200 OK` with the whole updated run.

    Args:
        incoming_flow_id (str): The id of the inbound flow.
        run_id (str): The id of the run.
        if_match (str | Unset): Apply the update only if the run's current `ETag` is one of these
            (or `*`).
        prefer (str | Unset): Preferences for this request (RFC 7240), such as `include-unknown-
            enum-members`.
        client_request_id (str | Unset): A caller-chosen id for this request, echoed in the
            response to correlate logs.
        body (RunUpdate): The body of *Update run*: at least one member, either properties to
            change or only
            `@odata.type`, which changes no property (the answer is the run as it is). `null` clears
            `endDateTime` and `blockingError`; no other property may be `null`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ODataError | Run]
    """

    kwargs = _get_kwargs(
        incoming_flow_id=incoming_flow_id,
        run_id=run_id,
        body=body,
        if_match=if_match,
        prefer=prefer,
        client_request_id=client_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    incoming_flow_id: str,
    run_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RunUpdate,
    if_match: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    client_request_id: str | Unset = UNSET,
) -> ODataError | Run | None:
    """Update run

     Update the properties of a run. Send only the properties to change: the service merges them
    into the run and leaves every other property as it was. `null` clears `endDateTime` and
    `blockingError`. The body names at least one member; a body of only `@odata.type` changes
    no property and answers with the run as it is (an empty body is `400`).

    Returns `200 OK` with the whole updated run.

    Args:
        incoming_flow_id (str): The id of the inbound flow.
        run_id (str): The id of the run.
        if_match (str | Unset): Apply the update only if the run's current `ETag` is one of these
            (or `*`).
        prefer (str | Unset): Preferences for this request (RFC 7240), such as `include-unknown-
            enum-members`.
        client_request_id (str | Unset): A caller-chosen id for this request, echoed in the
            response to correlate logs.
        body (RunUpdate): The body of *Update run*: at least one member, either properties to
            change or only
            `@odata.type`, which changes no property (the answer is the run as it is). `null` clears
            `endDateTime` and `blockingError`; no other property may be `null`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ODataError | Run
    """

    return sync_detailed(
        incoming_flow_id=incoming_flow_id,
        run_id=run_id,
        client=client,
        body=body,
        if_match=if_match,
        prefer=prefer,
        client_request_id=client_request_id,
    ).parsed


async def asyncio_detailed(
    incoming_flow_id: str,
    run_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RunUpdate,
    if_match: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    client_request_id: str | Unset = UNSET,
) -> Response[ODataError | Run]:
    """Update run

     Update the properties of a run. Send only the properties to change: the service merges them
    into the run and leaves every other property as it was. `null` clears `endDateTime` and
    `blockingError`. The body names at least one member; a body of only `@odata.type` changes
    no property and answers with the run as it is (an empty body is `400`).

    Returns `200 OK` with the whole updated run.

    Args:
        incoming_flow_id (str): The id of the inbound flow.
        run_id (str): The id of the run.
        if_match (str | Unset): Apply the update only if the run's current `ETag` is one of these
            (or `*`).
        prefer (str | Unset): Preferences for this request (RFC 7240), such as `include-unknown-
            enum-members`.
        client_request_id (str | Unset): A caller-chosen id for this request, echoed in the
            response to correlate logs.
        body (RunUpdate): The body of *Update run*: at least one member, either properties to
            change or only
            `@odata.type`, which changes no property (the answer is the run as it is). `null` clears
            `endDateTime` and `blockingError`; no other property may be `null`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ODataError | Run]
    """

    kwargs = _get_kwargs(
        incoming_flow_id=incoming_flow_id,
        run_id=run_id,
        body=body,
        if_match=if_match,
        prefer=prefer,
        client_request_id=client_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    incoming_flow_id: str,
    run_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RunUpdate,
    if_match: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    client_request_id: str | Unset = UNSET,
) -> ODataError | Run | None:
    """Update run

     Update the properties of a run. Send only the properties to change: the service merges them
    into the run and leaves every other property as it was. `null` clears `endDateTime` and
    `blockingError`. The body names at least one member; a body of only `@odata.type` changes
    no property and answers with the run as it is (an empty body is `400`).

    Returns `200 OK` with the whole updated run.

    Args:
        incoming_flow_id (str): The id of the inbound flow.
        run_id (str): The id of the run.
        if_match (str | Unset): Apply the update only if the run's current `ETag` is one of these
            (or `*`).
        prefer (str | Unset): Preferences for this request (RFC 7240), such as `include-unknown-
            enum-members`.
        client_request_id (str | Unset): A caller-chosen id for this request, echoed in the
            response to correlate logs.
        body (RunUpdate): The body of *Update run*: at least one member, either properties to
            change or only
            `@odata.type`, which changes no property (the answer is the run as it is). `null` clears
            `endDateTime` and `blockingError`; no other property may be `null`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ODataError | Run
    """

    return (
        await asyncio_detailed(
            incoming_flow_id=incoming_flow_id,
            run_id=run_id,
            client=client,
            body=body,
            if_match=if_match,
            prefer=prefer,
            client_request_id=client_request_id,
        )
    ).parsed
