r"""Every JSON answer written in another form of the same value: members in reverse order (control
information and annotations, the names holding `@`, still first, as OData JSON puts them),
indented, every non-ASCII character and every `/` escaped (`\u00e9`, `\/`, as .NET and PHP
serialisers write them). JSON (RFC 8259) gives none of this a meaning, so no check may.
"""

from __future__ import annotations

import json
from typing import Any

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant


class Written(str):
    """A number's text, written back as it came: the form changes here, not the values."""


def reordered(value: Any) -> Any:
    """`value` with each object's members reversed, those holding `@` kept first."""
    if isinstance(value, dict):
        annotations = [name for name in value if "@" in name]
        properties = [name for name in reversed(value) if "@" not in name]
        return {name: reordered(value[name]) for name in (*annotations, *properties)}
    if isinstance(value, list):
        return [reordered(item) for item in value]
    return value


def written(value: Any, depth: int = 0) -> str:
    """`value` as indented JSON, strings ASCII-escaped, numbers as they were written."""
    inside, end = "\n" + "  " * (depth + 1), "\n" + "  " * depth
    if isinstance(value, Written):
        return str(value)
    if isinstance(value, dict) and value:
        members = [
            f"{json.dumps(name)}: {written(item, depth + 1)}" for name, item in value.items()
        ]
        return "{" + inside + ("," + inside).join(members) + end + "}"
    if isinstance(value, list) and value:
        items = [written(item, depth + 1) for item in value]
        return "[" + inside + ("," + inside).join(items) + end + "]"
    return json.dumps(value)


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    try:
        body = json.loads(response.body, parse_float=Written, parse_int=Written)
    except ValueError:
        return response
    # `/` appears in JSON text only inside strings, where `\/` is another spelling of it.
    return response.with_body(written(reordered(body)).replace("/", "\\/").encode())


VARIANT = Variant(
    name="json_reformatted",
    bug=(
        "none: every JSON answer is written in another form of the same value (members reversed, "
        "indented, non-ASCII and `/` escaped)"
    ),
    middleware=rewriting(handle),
    covers=("D18",),
)
