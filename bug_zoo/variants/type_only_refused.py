"""An update whose body holds only `@odata.type` is refused with 400, as a server written from
"at least one property to change" does when it does not count `@odata.type` as a property. The
contract (D3) accepts it as an update that changes nothing; an OData client that serialises an
update with nothing set sends exactly that. Here the server is handed the body without
`@odata.type`, an empty one, which it refuses as it must."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant

TYPE = "@odata.type"


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    if request.method == "PATCH" and isinstance(body, dict) and set(body) == {TYPE}:
        request = request.with_json({})
    return await call(request)


VARIANT = Variant(
    name="type_only_refused",
    bug="an update of only `@odata.type` is refused (400), not answered as a no-op",
    middleware=rewriting(handle),
    covers=("D3", "status:update*:200"),
)
