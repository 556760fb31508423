"""Contains some shared types for properties, and the checks every operation shares"""

import re
from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, BinaryIO, Generic, Literal, TypeVar
from urllib.parse import unquote, urlsplit

from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        # A model's repr names a member left out as UNSET, not as an object at an address.
        return "UNSET"


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint

    `parsed` is the documented model for the status (`NoContent` for a success without a body,
    an `ODataError` for any error status whose body is one), or None when the status is not
    documented or the body cannot be read as its model (HTML from a proxy, a body that breaks the
    model): then `content` holds the body as it came. None is never a success. `status_code` is an
    `HTTPStatus`, or a plain `int` for a code `HTTPStatus` does not know (such as 599).
    """

    status_code: HTTPStatus | int
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None
    client_request_id: str | None = None
    """ The `client-request-id` this client sent (a UUID unless the caller passed one) """

    @property
    def request_id(self) -> str | None:
        """The service's `request-id` of this answer, to quote when reporting a problem"""
        return self.headers.get("request-id")

    @property
    def etag(self) -> str | None:
        """The answer's `ETag` (an update's new version), ready for the next `If-Match`"""
        return self.headers.get("ETag")


@define
class NoContent:
    """A documented response without a body, such as Add run's 204: the operation succeeded

    Not None, so that a success differs from an answer whose body could not be read (a gateway's
    HTML page), which parses to None. `headers` are the response's, such as `Location`.
    """

    headers: Mapping[str, str]

    @property
    def url(self) -> str | None:
        """The URL of the entity the operation created or linked (`Location`, or `OData-EntityId`)"""
        return self.headers.get("Location") or self.headers.get("OData-EntityId")

    @property
    def id(self) -> str | None:
        """The id of that entity: the URL's last segment"""
        url = self.url
        if not url:
            return None
        return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) or None


def status_of(code: int) -> HTTPStatus | int:
    """The `HTTPStatus` of `code`, or `code` itself when `HTTPStatus` has no member for it"""
    try:
        return HTTPStatus(code)
    except ValueError:
        return code


# An entity id as the spec's `entityId` and `notDotSegment` schemas say (tests/client compares
# them): 1 to 128 characters, no `/` or control character, no leading `$`, and not `.` or `..`.
ENTITY_ID_PATTERN = r"^[^/$\x00-\x1f\x7f-\x9f][^/\x00-\x1f\x7f-\x9f]*$"
ENTITY_ID_MAX_LENGTH = 128
DOT_SEGMENTS = frozenset({".", ".."})
_ENTITY_ID = re.compile(ENTITY_ID_PATTERN)


def checked_id(value: str, name: str) -> str:
    """`value` if it is an id the service accepts in a path; a ValueError naming `name` if not.

    Checked before sending: a URL library removes the dot segments `.` and `..`, so the request
    would address another resource, and a leading `$` names one of OData's system resources.
    """
    if len(value) > ENTITY_ID_MAX_LENGTH or value in DOT_SEGMENTS or not _ENTITY_ID.fullmatch(value):
        raise ValueError(
            f"{name} {value!r} is not a valid id: 1 to {ENTITY_ID_MAX_LENGTH} characters, no '/' "
            "or control character, not starting with '$', and not '.' or '..'"
        )
    return value


__all__ = [
    "DOT_SEGMENTS",
    "ENTITY_ID_MAX_LENGTH",
    "ENTITY_ID_PATTERN",
    "UNSET",
    "File",
    "FileTypes",
    "NoContent",
    "RequestFiles",
    "Response",
    "Unset",
    "checked_id",
    "status_of",
]
