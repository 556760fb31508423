"""The generated models on their own: parsing what the service returns, serialising what is sent."""

from __future__ import annotations

import datetime
import json
from typing import Any

import attrs
import pytest
from industrydata_runs_client.models import (
    ODataError,
    PublicError,
    Run,
    RunCreate,
    RunStatus,
    RunStatusInput,
    RunUpdate,
)
from industrydata_runs_client.types import UNSET

from tests.client.support import error_responses, new_run, response_example


def recorded_run(**changes: Any) -> dict[str, Any]:
    """The spec's example of an updated run, with `changes` applied."""
    return {**response_example("UpdatedRun", "completed"), **changes}


def test_a_recorded_run_parses_into_the_run_model() -> None:
    body = recorded_run()
    run = Run.from_dict(body)
    assert run.id == body["id"]
    assert run.status is RunStatus(body["status"])
    assert run.blocking_error is None
    assert run.statistics.to_dict() == body["statistics"]


def test_a_status_the_client_does_not_know_parses_as_a_plain_string() -> None:
    # A member Graph adds after unknownFutureValue must not break parsing of the whole run.
    run = Run.from_dict(recorded_run(status="pausedForMaintenance"))
    assert run.status == "pausedForMaintenance"
    assert not isinstance(run.status, RunStatus)
    assert Run.from_dict(recorded_run(status="unknownFutureValue")).status is (
        RunStatus.UNKNOWN_FUTURE_VALUE
    )


def test_seven_fractional_digits_parse_to_microseconds_without_raising() -> None:
    run = Run.from_dict(
        recorded_run(
            startDateTime="2026-11-24T02:00:00.1234567Z",
            endDateTime="2026-11-24T02:41:37.9999999Z",
        )
    )
    utc = datetime.UTC
    assert run.start_date_time == datetime.datetime(2026, 11, 24, 2, 0, 0, 123456, tzinfo=utc)
    # Truncated, not rounded: rounding .9999999 up would move the time into the next second.
    assert run.end_date_time == datetime.datetime(2026, 11, 24, 2, 41, 37, 999999, tzinfo=utc)


def test_a_parsed_time_is_sent_back_in_a_form_the_spec_accepts() -> None:
    run = Run.from_dict(recorded_run(startDateTime="2026-11-24T02:00:00.1234567Z"))
    sent = RunUpdate(start_date_time=run.start_date_time).to_dict()
    assert sent == {"startDateTime": "2026-11-24T02:00:00.123456+00:00"}
    assert datetime.datetime.fromisoformat(sent["startDateTime"]) == run.start_date_time


def test_patch_body_holds_only_the_properties_the_caller_set() -> None:
    assert RunUpdate(display_name="Renamed").to_dict() == {"displayName": "Renamed"}
    assert RunUpdate(status=RunStatusInput.FAILED, blocking_error=UNSET).to_dict() == {
        "status": "failed"
    }


def test_none_clears_a_nullable_property_and_is_sent_as_null() -> None:
    assert RunUpdate(end_date_time=None, blocking_error=None).to_dict() == {
        "endDateTime": None,
        "blockingError": None,
    }


def test_request_bodies_have_no_id() -> None:
    for body_model in (RunCreate, RunUpdate):
        assert "id" not in attrs.fields_dict(body_model)
        with pytest.raises(TypeError):
            body_model(id="chosen-by-caller")  # type: ignore[call-arg]


def test_an_update_built_from_a_fetched_run_drops_the_read_only_id() -> None:
    fetched = Run.from_dict(recorded_run())
    update = RunUpdate.from_dict({**fetched.to_dict(), "status": "completed"})
    assert "id" not in update.to_dict()
    assert update.to_dict()["displayName"] == fetched.display_name


def test_the_add_run_body_serialises_every_set_property() -> None:
    body = new_run("Nightly").to_dict()
    assert body == {
        "displayName": "Nightly",
        "startDateTime": "2026-11-24T02:00:00.123456+00:00",
        "status": "running",
        "statistics": {"recordsRead": 0},
    }


def test_a_blocking_error_round_trips_through_public_error() -> None:
    sent = {
        "@odata.type": "microsoft.graph.publicError",
        "code": "SourceUnavailable",
        "message": "The SFTP source could not be reached.",
        "target": "sftp://sis.contoso.example/exports",
    }
    error = PublicError.from_dict(sent)
    assert error.code == "SourceUnavailable"
    assert RunUpdate(blocking_error=error).to_dict() == {"blockingError": sent}


@pytest.mark.parametrize("response", error_responses())
def test_every_documented_error_example_parses_into_the_odata_error(response: str) -> None:
    body = response_example(response)
    error = ODataError.from_dict(body)
    assert error.error.code == body["error"]["code"]
    assert error.error.message == body["error"]["message"]
    assert error.to_dict()["error"]["code"] == body["error"]["code"]


def test_a_model_prints_as_the_json_it_stands_for() -> None:
    body = {
        "error": {
            "code": "NotFound",
            "message": "No run 'x' in flow 'demo-flow'.",
            "innerError": {"request-id": "5c3e8e2b-0c1a-4a5e-9a0e-2b1d0b9f6f1a"},
        }
    }
    error = ODataError.from_dict(body)
    assert str(error) == json.dumps(body, ensure_ascii=False)
    assert "Unset" not in repr(error.error)
    assert "target=UNSET" in repr(error.error)
    assert str(RunUpdate(display_name="Ré")) == '{"displayName": "Ré"}'
    assert str(RunUpdate()).startswith("RunUpdate(")  # nothing to send: no JSON to show
