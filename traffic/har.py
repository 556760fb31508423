"""HAR 1.2 in and out: the proxy writes what it saw, `make check-traffic` reads any tool's file.

Credentials never reach a file: `Authorization` (and `Proxy-Authorization`) values keep their
scheme and lose the rest. An entry whose bodies the file does not hold in full (no text where
there was a body, a size that does not match, a `comment` such as a browser's "truncated") is
read as unchecked, with the reason, rather than judged on half a body.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fuzzing.exchange import Exchange
from traffic.seen import Seen

MASK = "<masked>"
UNCHECKED = "_unchecked"
"""The entry field where the proxy writes why an exchange cannot be checked."""
_SECRET_HEADERS = {"authorization", "proxy-authorization"}
_TEXT_TYPES = ("json", "text/", "xml", "x-www-form-urlencoded")


class HarError(ValueError):
    """The file is not a HAR 1.2 log the checker can read; the message says why."""


def mask(name: str, value: str) -> str:
    """A header's value as a file may keep it: credentials masked, their scheme kept."""
    if name.lower() not in _SECRET_HEADERS:
        return value
    scheme, _, credentials = value.partition(" ")
    return f"{scheme} {MASK}" if credentials else MASK


def _headers(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": mask(name, value)} for name, value in pairs]


def secrets(pairs: Iterable[tuple[str, str]]) -> list[bytes]:
    """The credentials in these headers, which the file keeps nowhere, bodies included."""
    found = []
    for name, value in pairs:
        if name.lower() in _SECRET_HEADERS:
            credentials = value.partition(" ")[2].strip() or value.strip()
            if len(credentials) >= 8:  # shorter would mask ordinary words
                found.append(credentials.encode("latin-1", errors="replace"))
    return found


def scrubbed(data: bytes, hidden: Sequence[bytes]) -> bytes:
    for secret in hidden:
        data = data.replace(secret, MASK.encode())
    return data


def _content(body: bytes, media_type: str | None, hidden: Sequence[bytes] = ()) -> dict[str, Any]:
    """A body as HAR keeps it: text when it is text, base64 otherwise; credentials masked."""
    body = scrubbed(body, hidden)
    kind = (media_type or "").lower()
    if any(marker in kind for marker in _TEXT_TYPES):
        try:
            return {"text": body.decode("utf-8")}
        except UnicodeDecodeError:
            pass
    return {"text": base64.b64encode(body).decode("ascii"), "encoding": "base64"}


def entry(
    seen: Seen,
    request_headers: Sequence[tuple[str, str]],
    response_headers: Sequence[tuple[str, str]],
    http_version: str = "HTTP/1.1",
) -> dict[str, Any]:
    """The HAR entry of an exchange, headers as they went over the wire (order and repeats).

    The credentials of `Authorization` are masked there and wherever else they appear (a URL, a
    body that quotes them): the file can be shared. Sizes stay those of what went over the wire.
    """
    exchange = seen.exchange
    hidden = secrets(request_headers)
    url = scrubbed(exchange.url.encode("latin-1", errors="replace"), hidden).decode("latin-1")
    request: dict[str, Any] = {
        "method": exchange.method,
        "url": url,
        "httpVersion": http_version,
        "cookies": [],
        "headers": _headers(request_headers),
        "queryString": [
            {"name": name, "value": value}
            for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True)
        ],
        "headersSize": -1,
        "bodySize": len(exchange.request_body or b""),
    }
    if exchange.request_body:
        media_type = exchange.request_header("content-type")
        request["postData"] = {
            "mimeType": media_type or "",
            **_content(exchange.request_body, media_type, hidden),
        }
    media_type = exchange.response_header("content-type")
    content: dict[str, Any] = {
        "size": len(exchange.response_body),
        "mimeType": media_type or "",
        **(_content(exchange.response_body, media_type, hidden) if exchange.response_body else {}),
    }
    try:
        reason = HTTPStatus(exchange.status).phrase
    except ValueError:
        reason = ""
    marked = {UNCHECKED: seen.unchecked} if seen.unchecked is not None else {}
    return {
        **marked,
        "startedDateTime": seen.started_at,
        "time": round((seen.ended - seen.started) * 1000, 3),
        "request": request,
        "response": {
            "status": exchange.status,
            "statusText": reason,
            "httpVersion": http_version,
            "cookies": [],
            "headers": _headers(response_headers),
            "content": content,
            "redirectURL": exchange.response_header("location") or "",
            "headersSize": -1,
            "bodySize": len(exchange.response_body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": round((seen.ended - seen.started) * 1000, 3), "receive": 0},
    }


def document(entries: list[dict[str, Any]], creator: str, version: str) -> dict[str, Any]:
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": creator, "version": version},
            "entries": entries,
        }
    }


def write(path: Path, entries: list[dict[str, Any]], creator: str, version: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document(entries, creator, version), indent=1), encoding="utf-8")


def _pairs(recorded: Any) -> list[tuple[str, str]]:
    if not isinstance(recorded, list):
        return []
    return [
        (str(item.get("name", "")), str(item.get("value", "")))
        for item in recorded
        if isinstance(item, Mapping)
    ]


def _joined(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Headers as the checks read them: repeated names joined with `, ` (RFC 9110 §5.3)."""
    joined: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return joined


def _decoded(holder: Mapping[str, Any]) -> bytes | None:
    text = holder.get("text")
    if not isinstance(text, str):
        return None
    if holder.get("encoding") == "base64":
        try:
            return base64.b64decode(text, validate=True)
        except ValueError:
            return None
    return text.encode("utf-8")


def _declared_length(headers: Mapping[str, str]) -> int | None:
    try:
        return int(headers["content-length"])
    except (KeyError, ValueError):
        return None


def _request_body(
    request: Mapping[str, Any], headers: Mapping[str, str]
) -> tuple[bytes, str | None]:
    """The request body and, when the file does not hold it in full, why."""
    post = request.get("postData")
    expected = request.get("bodySize")
    declared = _declared_length(headers)
    if not isinstance(post, Mapping):
        if (isinstance(expected, int) and expected > 0) or (declared or 0) > 0:
            return b"", "the request body is not in the file"
        return b"", None
    body = _decoded(post)
    if body is None:
        return b"", "the request body is not in the file (no text)"
    if post.get("comment"):
        return body, f"the request body is marked: {post['comment']}"
    # Some tools count bodySize on the wire; a Content-Length that matches settles it.
    short = isinstance(expected, int) and expected >= 0 and expected != len(body)
    if short and declared != len(body):
        return body, f"the request body holds {len(body)} bytes of {expected}"
    return body, None


def _response_body(response: Mapping[str, Any]) -> tuple[bytes, str | None]:
    content = response.get("content")
    if not isinstance(content, Mapping):
        return b"", "the response has no content record"
    size = content.get("size")
    if content.get("comment"):
        return _decoded(content) or b"", f"the response body is marked: {content['comment']}"
    body = _decoded(content)
    if body is None:
        if isinstance(size, int) and size > 0:
            return b"", "the response body is not in the file"
        return b"", None
    if isinstance(size, int) and size >= 0 and size != len(body):
        return body, f"the response body holds {len(body)} bytes of {size}"
    return body, None


def _instant(text: Any) -> float:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError as error:
        raise HarError(f"startedDateTime {text!r} is not an ISO 8601 time") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _entries(path: Path) -> list[Any]:
    """The file's `log.entries`; `HarError` says in one line why there are none to read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HarError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise HarError(f"{path} is a folder, not a HAR file") from None
    except UnicodeDecodeError:
        raise HarError(f"{path} is not a HAR file: not UTF-8 text") from None
    except OSError as error:
        raise HarError(f"{path} cannot be read: {error.strerror or error}") from None
    if not text.strip():
        raise HarError(f"{path} is empty: a HAR file is a JSON object with log.entries")
    try:
        document = json.loads(text)
    except ValueError:
        raise HarError(f"{path} is not a HAR file: its text is not JSON") from None
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise HarError(f"{path} is not a HAR file: it has no log.entries list")
    if not entries:
        raise HarError(f"{path} holds no exchanges (log.entries is empty): nothing to check")
    return entries


def read(path: Path) -> list[Seen]:
    """The exchanges of a HAR 1.2 file, by start time (file order among equals)."""
    entries = _entries(path)
    seen = []
    for index, item in enumerate(entries):
        try:
            request, response = item["request"], item["response"]
            request_headers = _joined(_pairs(request.get("headers")))
            request_body, request_gap = _request_body(request, request_headers)
            response_body, response_gap = _response_body(response)
            started = _instant(item.get("startedDateTime"))
            duration = item.get("time")
            ended = started + (float(duration) / 1000 if isinstance(duration, int | float) else 0)
            exchange = Exchange.build(
                method=str(request["method"]),
                url=str(request["url"]),
                request_headers=request_headers,
                request_body=request_body if request_body or request.get("postData") else None,
                status=int(response["status"]),
                response_headers=_joined(_pairs(response.get("headers"))),
                response_body=response_body,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise HarError(f"{path}: entry {index} cannot be read: {error}") from error
        # The proxy says in a custom field (HAR's `_name`) why it kept an exchange in part.
        kept = item.get(UNCHECKED)
        gap = kept if isinstance(kept, str) and kept else request_gap or response_gap
        if exchange.status <= 0:
            gap = "no response was received (status 0)"
        seen.append(Seen(index, exchange, started, ended, str(item.get("startedDateTime")), gap))
    return sorted(seen, key=lambda s: (s.started, s.index))
