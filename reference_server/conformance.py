"""What the server checks against the contract it loaded: requests (worded as a 400's sentences)
and its own responses (as a log line, in tests and fuzzing).

The contract, its operations and their validators are the kit's one reading of `openapi.yaml`
(`contract.api`): no schema is copied into code, and the server's verdict on a value is the
fuzzer's and the traffic checker's. What is the server's own is the wording (`violations`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from contract.api import (
    ApiContract,
    Mismatch,
    Operation,
    media_type,
    parsed_json,
    response_problems,
)
from reference_server.times import TimeOutOfRangeError, to_utc
from reference_server.violations import Violation, clip, finished, reason_of, violations_of

_SUBJECTS = {"path": "Path parameter", "header": "Header", "query": "Query parameter"}


class ServedContract(ApiContract):
    """The loaded contract with the checks the server makes of requests and responses."""

    def check_schema(self, name: str, instance: object) -> list[str]:
        """Problems of `instance` against `components/schemas/<name>`, as sentences for a log."""
        return [
            f"/{'/'.join(str(p) for p in e.absolute_path)}: {clip(e.message, 300)}"
            for e in self.schema_validator(name).iter_errors(instance)
        ]

    def response_header_ok(self, name: str, value: str) -> bool:
        """Whether `value` fits `components/headers/<name>` (used to decide what to echo)."""
        return self.header(name).accepts(value)

    # -- requests -------------------------------------------------------------------------------

    def check_body(self, op: Operation, body: object) -> list[Violation]:
        """Every way `body` breaks the operation's request schema, most specific first."""
        errors = op.body_errors(body)
        return finished([v for e in errors for v in violations_of(e, "Property", "")])

    def check_parameters(
        self, op: Operation, path_params: Mapping[str, str], headers: Mapping[str, str]
    ) -> list[Violation]:
        """Path parameters and headers that break their schemas (query is not used here)."""
        found: list[Violation] = []
        for problem in op.parameter_problems(path_params, lambda name: headers.get(name.lower())):
            subject = _subject(op, problem)
            if not problem.errors:
                found.append(Violation(f"{subject} is required.", problem.subject))
            found += [
                Violation(f"{subject} {reason_of(error)}.", problem.subject)
                for error in problem.errors
            ]
        return finished(found)

    def normalised_time(self, value: str) -> str:
        """`value` (a valid `dateTimeOffset`) in UTC as the service returns it, or
        `TimeOutOfRangeError` when that is not a `dateTimeOffsetUtc`: a time is returned only as
        a value the response schema allows, which a client may send back (D9)."""
        utc = to_utc(value)
        if not self.schema_validator("dateTimeOffsetUtc").is_valid(utc):
            raise TimeOutOfRangeError(f"{value} is {utc} in UTC, outside the years a run can hold")
        return utc

    # -- responses ------------------------------------------------------------------------------

    def check_response(
        self, op: Operation, status: int, headers: Mapping[str, str], body: bytes
    ) -> list[str]:
        """Every way a response of `op` breaks the contract, as sentences for a log."""
        problems = op.response_problems(status, headers.get, body, parsed_json(body))
        return [problem.message for problem in problems]

    def check_unrouted_response(
        self, template: str, status: int, headers: Mapping[str, str], body: bytes
    ) -> list[str]:
        """A response to a method that the documented path `template` lacks (405), judged by what
        the path's operations document for its status: `4XX`, the OData error, since issue 20."""
        for op in self.operations.values():
            documented = op.response_for(status) if op.template == template else None
            if documented is not None:
                problems = response_problems(documented, headers.get, body, parsed_json(body))
                return [problem.message for problem in problems]
        return self.check_error_response(headers, body)

    def check_error_response(self, headers: Mapping[str, str], body: bytes) -> list[str]:
        """Checks for responses outside any documented path (no operation documents them)."""
        problems = [] if "request-id" in headers else ["required header `request-id` is missing"]
        content_type = headers.get("content-type")
        if media_type(content_type) != "application/json":
            return [*problems, f"body is `{content_type}`, the contract documents application/json"]
        try:
            instance = json.loads(body)
        except ValueError:
            return [*problems, "body is not JSON"]
        errors = self.schema_validator("ODataError").iter_errors(instance)
        return problems + [
            f"body/{'/'.join(str(p) for p in e.absolute_path)}: {clip(e.message, 300)}"
            for e in errors
        ]


def _subject(op: Operation, problem: Mismatch) -> str:
    location = next(p.location for p in op.parameters if p.name == problem.subject)
    return f"{_SUBJECTS.get(location, location)} '{problem.subject}'"
