import uuid
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.o_data_error import ODataError
from ...models.run_create import RunCreate
from ...models.run_reference import RunReference
from ...types import UNSET, NoContent, Response, Unset, checked_id, status_of


def _get_kwargs(
    incoming_flow_id: str,
    run_id: str,
    *,
    body: RunCreate | RunReference,
    prefer: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    client_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(prefer, Unset):
        headers["Prefer"] = prefer

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(client_request_id, Unset):
        headers["client-request-id"] = client_request_id

    if "Idempotency-Key" not in headers:
        # Generated for every call, so that a retry after a lost answer is safe (an sf-string).
        headers["Idempotency-Key"] = f'"{uuid.uuid4()}"'

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/industryData/incomingFlows/{incoming_flow_id}/runs/{run_id}/process/runs/$ref".format(
            incoming_flow_id=quote(checked_id(str(incoming_flow_id), "incomingFlowId"), safe=""),
            run_id=quote(checked_id(str(run_id), "runId"), safe=""),
        ),
    }

    if isinstance(body, RunCreate):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> NoContent | ODataError | None:
    # A body that cannot be read as the documented model (not JSON, HTML from a proxy, a member
    # of the wrong type) is no reason to raise: `parsed` is then None and `content` keeps it.
    try:
        return _parse_documented(client=client, response=response)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError):
        return None


def _parse_documented(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> NoContent | ODataError | None:
    if response.status_code == 204:
        return NoContent(headers=response.headers)
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

    if response.status_code == 409:
        response_409 = ODataError.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ODataError.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ODataError.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ODataError.from_dict(response.json())

        return response_422

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[NoContent | ODataError]:
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
    body: RunCreate | RunReference,
    prefer: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    client_request_id: str | Unset = UNSET,
) -> Response[NoContent | ODataError]:
    """Add run

     Add a run to the process of run `{runId}`, in one of two ways:

    - **Create** (a run body): the service creates a new run in the flow's runs collection,
      assigns its `id`, and links it into `process/runs` of run `{runId}`.
    - **Link** (a reference body, `{"@odata.id": "<URL of a run>"}`, as OData's `$ref` and
      Graph's SDKs send it): the service links an existing run of the same flow into
      `process/runs` of run `{runId}` and changes nothing else. The URL is absolute and names
      the run at this service (`.../industryData/incomingFlows/{incomingFlowId}/runs/{id}`).
      A malformed URL, a run of another flow, or run `{runId}` itself is `400`; a run that does
      not exist is `404`. Linking a run that is already linked changes nothing and answers `204`
      again, so a retried request is safe.

    Returns `204 No Content` with no body; the `Location` header holds the URL of the run that
    was created or linked, whose last segment is its `id`, and `OData-EntityId` the same URL
    (OData Protocol 4.01 §8.3.4: the entity's id on a `204` to a create).

    **Retries.** A create sent again after a lost answer (a timeout, a reset connection, a
    `502`/`503`/`504`) would create a second run. Send an `Idempotency-Key` to make it safe:
    the same key with the same body, from the same caller to the same `{runId}`, within the
    retention window (`x-idempotency-key-retention-seconds`, 24 hours), is answered as the
    first request was (`204` with the same `Location` and `OData-EntityId`) and creates nothing
    more. The same key with another body is `422`; the same key while its first request is
    still being processed is `409` (retry later). A key is remembered only with the answer of a
    success (a run added or linked); a refused request (`4xx`) leaves none, so retrying it runs
    it again. A `503` may come after the change was made: retry it with the same key and the
    same body. A reference body takes a key too, with the same rules.

    Args:
        incoming_flow_id (str): The id of the inbound flow.
        run_id (str): The id of the run.
        prefer (str | Unset): Preferences for this request (RFC 7240), such as `include-unknown-
            enum-members`.
        idempotency_key (str | Unset): A quoted key (sf-string) that makes a retried create safe,
            such as `"8e03978e-40d5-43e8-bc93-6894a57f9324"`.
        client_request_id (str | Unset): A caller-chosen id for this request, echoed in the
            response to correlate logs.
        body (RunCreate | RunReference): A run to create (`runCreate`), or a reference to a run to
            link (`runReference`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NoContent | ODataError]
    """

    kwargs = _get_kwargs(
        incoming_flow_id=incoming_flow_id,
        run_id=run_id,
        body=body,
        prefer=prefer,
        idempotency_key=idempotency_key,
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
    body: RunCreate | RunReference,
    prefer: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    client_request_id: str | Unset = UNSET,
) -> NoContent | ODataError | None:
    """Add run

     Add a run to the process of run `{runId}`, in one of two ways:

    - **Create** (a run body): the service creates a new run in the flow's runs collection,
      assigns its `id`, and links it into `process/runs` of run `{runId}`.
    - **Link** (a reference body, `{"@odata.id": "<URL of a run>"}`, as OData's `$ref` and
      Graph's SDKs send it): the service links an existing run of the same flow into
      `process/runs` of run `{runId}` and changes nothing else. The URL is absolute and names
      the run at this service (`.../industryData/incomingFlows/{incomingFlowId}/runs/{id}`).
      A malformed URL, a run of another flow, or run `{runId}` itself is `400`; a run that does
      not exist is `404`. Linking a run that is already linked changes nothing and answers `204`
      again, so a retried request is safe.

    Returns `204 No Content` with no body; the `Location` header holds the URL of the run that
    was created or linked, whose last segment is its `id`, and `OData-EntityId` the same URL
    (OData Protocol 4.01 §8.3.4: the entity's id on a `204` to a create).

    **Retries.** A create sent again after a lost answer (a timeout, a reset connection, a
    `502`/`503`/`504`) would create a second run. Send an `Idempotency-Key` to make it safe:
    the same key with the same body, from the same caller to the same `{runId}`, within the
    retention window (`x-idempotency-key-retention-seconds`, 24 hours), is answered as the
    first request was (`204` with the same `Location` and `OData-EntityId`) and creates nothing
    more. The same key with another body is `422`; the same key while its first request is
    still being processed is `409` (retry later). A key is remembered only with the answer of a
    success (a run added or linked); a refused request (`4xx`) leaves none, so retrying it runs
    it again. A `503` may come after the change was made: retry it with the same key and the
    same body. A reference body takes a key too, with the same rules.

    Args:
        incoming_flow_id (str): The id of the inbound flow.
        run_id (str): The id of the run.
        prefer (str | Unset): Preferences for this request (RFC 7240), such as `include-unknown-
            enum-members`.
        idempotency_key (str | Unset): A quoted key (sf-string) that makes a retried create safe,
            such as `"8e03978e-40d5-43e8-bc93-6894a57f9324"`.
        client_request_id (str | Unset): A caller-chosen id for this request, echoed in the
            response to correlate logs.
        body (RunCreate | RunReference): A run to create (`runCreate`), or a reference to a run to
            link (`runReference`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NoContent | ODataError
    """

    return sync_detailed(
        incoming_flow_id=incoming_flow_id,
        run_id=run_id,
        client=client,
        body=body,
        prefer=prefer,
        idempotency_key=idempotency_key,
        client_request_id=client_request_id,
    ).parsed


async def asyncio_detailed(
    incoming_flow_id: str,
    run_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RunCreate | RunReference,
    prefer: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    client_request_id: str | Unset = UNSET,
) -> Response[NoContent | ODataError]:
    """Add run

     Add a run to the process of run `{runId}`, in one of two ways:

    - **Create** (a run body): the service creates a new run in the flow's runs collection,
      assigns its `id`, and links it into `process/runs` of run `{runId}`.
    - **Link** (a reference body, `{"@odata.id": "<URL of a run>"}`, as OData's `$ref` and
      Graph's SDKs send it): the service links an existing run of the same flow into
      `process/runs` of run `{runId}` and changes nothing else. The URL is absolute and names
      the run at this service (`.../industryData/incomingFlows/{incomingFlowId}/runs/{id}`).
      A malformed URL, a run of another flow, or run `{runId}` itself is `400`; a run that does
      not exist is `404`. Linking a run that is already linked changes nothing and answers `204`
      again, so a retried request is safe.

    Returns `204 No Content` with no body; the `Location` header holds the URL of the run that
    was created or linked, whose last segment is its `id`, and `OData-EntityId` the same URL
    (OData Protocol 4.01 §8.3.4: the entity's id on a `204` to a create).

    **Retries.** A create sent again after a lost answer (a timeout, a reset connection, a
    `502`/`503`/`504`) would create a second run. Send an `Idempotency-Key` to make it safe:
    the same key with the same body, from the same caller to the same `{runId}`, within the
    retention window (`x-idempotency-key-retention-seconds`, 24 hours), is answered as the
    first request was (`204` with the same `Location` and `OData-EntityId`) and creates nothing
    more. The same key with another body is `422`; the same key while its first request is
    still being processed is `409` (retry later). A key is remembered only with the answer of a
    success (a run added or linked); a refused request (`4xx`) leaves none, so retrying it runs
    it again. A `503` may come after the change was made: retry it with the same key and the
    same body. A reference body takes a key too, with the same rules.

    Args:
        incoming_flow_id (str): The id of the inbound flow.
        run_id (str): The id of the run.
        prefer (str | Unset): Preferences for this request (RFC 7240), such as `include-unknown-
            enum-members`.
        idempotency_key (str | Unset): A quoted key (sf-string) that makes a retried create safe,
            such as `"8e03978e-40d5-43e8-bc93-6894a57f9324"`.
        client_request_id (str | Unset): A caller-chosen id for this request, echoed in the
            response to correlate logs.
        body (RunCreate | RunReference): A run to create (`runCreate`), or a reference to a run to
            link (`runReference`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NoContent | ODataError]
    """

    kwargs = _get_kwargs(
        incoming_flow_id=incoming_flow_id,
        run_id=run_id,
        body=body,
        prefer=prefer,
        idempotency_key=idempotency_key,
        client_request_id=client_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    incoming_flow_id: str,
    run_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RunCreate | RunReference,
    prefer: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    client_request_id: str | Unset = UNSET,
) -> NoContent | ODataError | None:
    """Add run

     Add a run to the process of run `{runId}`, in one of two ways:

    - **Create** (a run body): the service creates a new run in the flow's runs collection,
      assigns its `id`, and links it into `process/runs` of run `{runId}`.
    - **Link** (a reference body, `{"@odata.id": "<URL of a run>"}`, as OData's `$ref` and
      Graph's SDKs send it): the service links an existing run of the same flow into
      `process/runs` of run `{runId}` and changes nothing else. The URL is absolute and names
      the run at this service (`.../industryData/incomingFlows/{incomingFlowId}/runs/{id}`).
      A malformed URL, a run of another flow, or run `{runId}` itself is `400`; a run that does
      not exist is `404`. Linking a run that is already linked changes nothing and answers `204`
      again, so a retried request is safe.

    Returns `204 No Content` with no body; the `Location` header holds the URL of the run that
    was created or linked, whose last segment is its `id`, and `OData-EntityId` the same URL
    (OData Protocol 4.01 §8.3.4: the entity's id on a `204` to a create).

    **Retries.** A create sent again after a lost answer (a timeout, a reset connection, a
    `502`/`503`/`504`) would create a second run. Send an `Idempotency-Key` to make it safe:
    the same key with the same body, from the same caller to the same `{runId}`, within the
    retention window (`x-idempotency-key-retention-seconds`, 24 hours), is answered as the
    first request was (`204` with the same `Location` and `OData-EntityId`) and creates nothing
    more. The same key with another body is `422`; the same key while its first request is
    still being processed is `409` (retry later). A key is remembered only with the answer of a
    success (a run added or linked); a refused request (`4xx`) leaves none, so retrying it runs
    it again. A `503` may come after the change was made: retry it with the same key and the
    same body. A reference body takes a key too, with the same rules.

    Args:
        incoming_flow_id (str): The id of the inbound flow.
        run_id (str): The id of the run.
        prefer (str | Unset): Preferences for this request (RFC 7240), such as `include-unknown-
            enum-members`.
        idempotency_key (str | Unset): A quoted key (sf-string) that makes a retried create safe,
            such as `"8e03978e-40d5-43e8-bc93-6894a57f9324"`.
        client_request_id (str | Unset): A caller-chosen id for this request, echoed in the
            response to correlate logs.
        body (RunCreate | RunReference): A run to create (`runCreate`), or a reference to a run to
            link (`runReference`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NoContent | ODataError
    """

    return (
        await asyncio_detailed(
            incoming_flow_id=incoming_flow_id,
            run_id=run_id,
            client=client,
            body=body,
            prefer=prefer,
            idempotency_key=idempotency_key,
            client_request_id=client_request_id,
        )
    ).parsed
