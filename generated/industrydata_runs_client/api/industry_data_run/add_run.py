from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.o_data_error import ODataError
from ...models.run_create import RunCreate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    incoming_flow_id: str,
    run_id: str,
    *,
    body: RunCreate,
    client_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(client_request_id, Unset):
        headers["client-request-id"] = client_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/industryData/incomingFlows/{incoming_flow_id}/runs/{run_id}/process/runs/$ref".format(
            incoming_flow_id=quote(str(incoming_flow_id), safe=""),
            run_id=quote(str(run_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ODataError | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ODataError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    incoming_flow_id: str,
    run_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RunCreate,
    client_request_id: str | Unset = UNSET,
) -> Response[Any | ODataError]:
    """Add run

     Add a run to the process of run `{runId}`: the service creates a new run in the flow's runs
    collection, assigns its `id`, and links it into `process/runs` of run `{runId}`.

    Returns `204 No Content` with no body; the `Location` header holds the URL of the new run,
    whose last segment is its `id`.

    Args:
        incoming_flow_id (str): The id of an entity. Any characters but `/`; the service assigns
            GUIDs to new runs.
        run_id (str): The id of an entity. Any characters but `/`; the service assigns GUIDs to
            new runs.
        client_request_id (str | Unset):
        body (RunCreate): The body of *Add run*. The service assigns `id`; sending it is an error.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ODataError]
    """

    kwargs = _get_kwargs(
        incoming_flow_id=incoming_flow_id,
        run_id=run_id,
        body=body,
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
    body: RunCreate,
    client_request_id: str | Unset = UNSET,
) -> Any | ODataError | None:
    """Add run

     Add a run to the process of run `{runId}`: the service creates a new run in the flow's runs
    collection, assigns its `id`, and links it into `process/runs` of run `{runId}`.

    Returns `204 No Content` with no body; the `Location` header holds the URL of the new run,
    whose last segment is its `id`.

    Args:
        incoming_flow_id (str): The id of an entity. Any characters but `/`; the service assigns
            GUIDs to new runs.
        run_id (str): The id of an entity. Any characters but `/`; the service assigns GUIDs to
            new runs.
        client_request_id (str | Unset):
        body (RunCreate): The body of *Add run*. The service assigns `id`; sending it is an error.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ODataError
    """

    return sync_detailed(
        incoming_flow_id=incoming_flow_id,
        run_id=run_id,
        client=client,
        body=body,
        client_request_id=client_request_id,
    ).parsed


async def asyncio_detailed(
    incoming_flow_id: str,
    run_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RunCreate,
    client_request_id: str | Unset = UNSET,
) -> Response[Any | ODataError]:
    """Add run

     Add a run to the process of run `{runId}`: the service creates a new run in the flow's runs
    collection, assigns its `id`, and links it into `process/runs` of run `{runId}`.

    Returns `204 No Content` with no body; the `Location` header holds the URL of the new run,
    whose last segment is its `id`.

    Args:
        incoming_flow_id (str): The id of an entity. Any characters but `/`; the service assigns
            GUIDs to new runs.
        run_id (str): The id of an entity. Any characters but `/`; the service assigns GUIDs to
            new runs.
        client_request_id (str | Unset):
        body (RunCreate): The body of *Add run*. The service assigns `id`; sending it is an error.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ODataError]
    """

    kwargs = _get_kwargs(
        incoming_flow_id=incoming_flow_id,
        run_id=run_id,
        body=body,
        client_request_id=client_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    incoming_flow_id: str,
    run_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RunCreate,
    client_request_id: str | Unset = UNSET,
) -> Any | ODataError | None:
    """Add run

     Add a run to the process of run `{runId}`: the service creates a new run in the flow's runs
    collection, assigns its `id`, and links it into `process/runs` of run `{runId}`.

    Returns `204 No Content` with no body; the `Location` header holds the URL of the new run,
    whose last segment is its `id`.

    Args:
        incoming_flow_id (str): The id of an entity. Any characters but `/`; the service assigns
            GUIDs to new runs.
        run_id (str): The id of an entity. Any characters but `/`; the service assigns GUIDs to
            new runs.
        client_request_id (str | Unset):
        body (RunCreate): The body of *Add run*. The service assigns `id`; sending it is an error.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ODataError
    """

    return (
        await asyncio_detailed(
            incoming_flow_id=incoming_flow_id,
            run_id=run_id,
            client=client,
            body=body,
            client_request_id=client_request_id,
        )
    ).parsed
