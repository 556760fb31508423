"""What the rule modules share: how a rule fails, and two questions most rules ask of a request."""

from __future__ import annotations

from typing import Any

from fuzzing.exchange import UPDATE_PROCESS_RUN, UPDATE_RUN, Exchange, Route

_UPDATES = (UPDATE_RUN, UPDATE_PROCESS_RUN)

# Checks that read a run say how, since that read is itself an Update run.
READ_NOTE = (
    "(The run was read with a PATCH that sends only `@odata.type`, which the contract accepts as "
    "an update that changes nothing (D3); an Update run that changes properties it was not sent, "
    "or refuses that body, shows here too.)"
)


def fail(title: str, exchange: Exchange, problems: list[str], note: str = "") -> None:
    """Fail the rule if there are `problems`, saying what was sent and what came back."""
    if problems:
        details = "\n".join(f"- {problem}" for problem in problems)
        ending = f"\n{note}" if note else ""
        raise AssertionError(f"{title}\n{exchange.describe()}\n{details}{ending}")


def sent_object(exchange: Exchange) -> dict[str, Any] | None:
    """The request body, if it is a JSON object."""
    body = exchange.request_json
    return body if isinstance(body, dict) else None


def update_route(exchange: Exchange) -> Route | None:
    """The route of an Update run (either path), or None for any other request."""
    route = exchange.route
    return route if route is not None and route.operation in _UPDATES else None
