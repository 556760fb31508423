"""schemathesis inside pytest, with the harness's config, checks and hooks, on a small budget.

`schemathesis.pytest.from_fixture` fails under pytest 9 (it sets `Function._nodeid`, which pytest
no longer has), so the schema is loaded at import with the demo ids the test server holds, and
pointed at the server once it runs.

Each operation's test is built when it runs, not when pytest collects it: schemathesis builds the
coverage phase's cases with the test, seconds of work that `schema.parametrize()` would do in
every pytest-xdist worker's collection and in every `--collect-only`. The builder is
`get_all_tests`, which `from_fixture` runs at the same point for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis import Case
from schemathesis.checks import load_all_checks
from schemathesis.core.result import Ok
from schemathesis.pytest.lazy import get_all_tests

from contract.loading import load_document
from fuzzing.config import CONFIG_PATH
from fuzzing.facts import spec_path
from fuzzing.target import Target

pytestmark = [pytest.mark.slow, pytest.mark.heavy]

# Enough to reach every operation's 2xx and its errors, small enough for `make test`.
MAX_EXAMPLES = 15
METHODS = ("get", "put", "post", "patch", "delete")
DEMO = Target(base_url="http://127.0.0.1", token="given-per-request")


def _config() -> schemathesis.Config:
    """The config of `make fuzz`, its `${NAME}`s filled by schemathesis from the demo target."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in DEMO.environment().items():
            env.setenv(name, value)
        return schemathesis.Config.from_path(CONFIG_PATH)


# Read by the kit's loader (a repeated key is refused); a fresh copy, as the hooks adapt it.
schema = schemathesis.openapi.from_dict(load_document(spec_path()), config=_config())


@pytest.fixture(scope="module", autouse=True)
def target(fuzz_target: Target) -> Iterator[Target]:
    """Point the checks and hooks, which read the `TARGET_*` variables, at this module's server."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in fuzz_target.environment().items():
            env.setenv(name, value)
        yield fuzz_target


def _auth(target: Target) -> dict[str, str]:
    return {"Authorization": f"Bearer {target.token}"}


def _only(operation_id: str) -> Any:
    """The schema with that one operation (`include()` filters only when the tests run)."""
    document = load_document(spec_path())
    for path, item in list(document["paths"].items()):
        for method in [m for m in item if m in METHODS and item[m]["operationId"] != operation_id]:
            del item[method]
        if not any(method in item for method in METHODS):
            del document["paths"][path]
    return schemathesis.openapi.from_dict(document, config=_config())


@hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, database=None)
def _call_and_validate(case: Case[Any], target: Target) -> None:
    case.call_and_validate(base_url=target.base_url, headers=_auth(target))


def _operation_test(operation_id: str) -> Callable[[Target], None]:
    """One test function per operation, which builds schemathesis's test of it (every phase of
    the config) and runs it."""

    def test(target: Target) -> None:
        load_all_checks()
        [built] = get_all_tests(
            schema=_only(operation_id),
            test_func=_call_and_validate,
            settings=None,
            given_kwargs=None,
        )
        if not isinstance(built, Ok):
            raise built.err()  # the operation's definition is one schemathesis cannot test
        _, hypothesis_test = built.ok()
        hypothesis_test(target=target)

    return test


OPERATION_IDS = ("addRun", "updateRun", "updateProcessRun")
test_add_run_keeps_the_contract = _operation_test("addRun")
test_update_run_keeps_the_contract = _operation_test("updateRun")
test_update_process_run_keeps_the_contract = _operation_test("updateProcessRun")


def test_each_operation_of_the_spec_has_its_test() -> None:
    spec = load_document(spec_path())
    found = {
        operation["operationId"]
        for item in spec["paths"].values()
        for method, operation in item.items()
        if method in METHODS
    }
    assert found == set(OPERATION_IDS)


def test_add_then_update_keeps_the_contract(target: Target) -> None:
    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            return {"base_url": target.base_url, "headers": _auth(target)}

    Workflow.run(
        settings=hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=4,
            deadline=None,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )


def test_the_token_given_per_request_is_the_one_sent(target: Target) -> None:
    operation = schema["/industryData/incomingFlows/{incomingFlowId}/runs/{runId}"]["PATCH"]
    case = operation.Case(
        path_parameters={"incomingFlowId": target.flow_id, "runId": target.run_id},
        body={"displayName": "sent with the module server's token"},
        media_type="application/json",
    )
    response = case.call(base_url=target.base_url, headers=_auth(target))
    assert response.status_code == 200, response.text
