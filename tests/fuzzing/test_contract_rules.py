"""The contract's rules as read from the spec and the decisions, and what judges each."""

from __future__ import annotations

import copy
from typing import Any

from contract.loading import load_document
from fuzzing.contract_rules import gaps, judges, rules, unmatched
from fuzzing.contract_rules.reading import decision_rules, spec_rules
from fuzzing.facts import spec_path


def _ids(document: dict[str, Any]) -> dict[str, str]:
    return {rule.id: rule.text for rule in spec_rules(document)}


def test_each_constraint_kind_of_the_spec_is_a_rule_where_it_is_written() -> None:
    found = _ids(load_document(spec_path()))
    assert found["request:runUpdate.displayName:length"] == "at most 256 characters"
    assert found["request:runUpdate.displayName:nullability"] == "never `null`"
    assert found["request:runUpdate.endDateTime:nullability"] == "may be `null`"
    assert found["request:runStatusInput:enum"].startswith("one of `running`, `failed`")
    assert found["request:dateTimeOffset:format"] == "format `date-time`"
    assert "request:dateTimeOffset:pattern" in found
    assert found["request:runCreate:required"].startswith("always has `displayName`")
    assert found["request:runUpdate:closed"].startswith("no members but `@odata.type`")
    assert found["body:size"] == "a request body of at most 65536 bytes"
    assert found["request:parameter.If-Match:pattern"].startswith("matches `^(\\*|")
    assert "status:updateRun:412" in found
    assert found["header:ETag"].startswith("on UpdatedRun (required)")
    # Alternatives bind together: the response status is a member or a name-like string.
    assert found["response:run.status:one-of"].startswith("one of: `runStatus` or a string")
    assert "response:runStatus:enum" not in found


def test_a_constraint_added_to_the_spec_is_a_new_rule() -> None:
    document = load_document(spec_path())
    changed = copy.deepcopy(document)
    changed["components"]["schemas"]["runUpdate"]["properties"]["displayName"]["pattern"] = "^\\S"
    added = set(_ids(changed)) - set(_ids(document))
    assert added == {"request:runUpdate.displayName:pattern"}


def test_each_decision_heading_is_a_rule_and_the_clients_bind_no_server() -> None:
    text = (
        "## The contract\n\n### D1. Add run answers 204\n- text\n\n"
        "## The generated client\n\n### D13. Client requirements\n\n"
        "## How the kit is built and run\n\n### D21. Worker processes\n\n"
        "## Later\n\n### D30. Something new\n"
    )
    found = {(rule.id, rule.text, rule.server) for rule in decision_rules(text)}
    assert found == {
        ("D1", "Add run answers 204", True),
        ("D13", "Client requirements", False),
        ("D21", "Worker processes", False),
        ("D30", "Something new", True),
    }


def test_a_rule_nothing_judges_is_a_gap() -> None:
    [new] = decision_rules("### D99. A rule no check knows yet\n")
    assert gaps([*rules(), new]) == [new]


def test_the_contract_has_no_gap_and_every_cover_names_a_rule() -> None:
    assert gaps() == []
    assert unmatched(judges(), rules()) == []
    server = [rule for rule in rules() if rule.server]
    assert {rule.family for rule in server} >= {
        "decision", "status", "header", "enum", "pattern", "format", "length",
        "nullability", "required", "closed",
    }  # fmt: skip
    client = [rule for rule in rules() if not rule.server]
    assert {"D13", "D14"} <= {rule.id for rule in client}
    assert {rule.family for rule in client} == {"decision"}
