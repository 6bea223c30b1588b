"""The behaviour report as the loop, the history and the commit message read it."""

from __future__ import annotations

import json

import pytest

from kaizen.patterns.base import Evidence
from kaizen.verify.report import BehaviourReport


def report(**changes: object) -> BehaviourReport:
    values: dict[str, object] = dict(
        status="same", calls_captured=3, calls_replayed=3, inputs_fuzzed=120, skipped_values=1,
        difference=None, changed_lines_covered=1.0, uncovered_lines=(),
        evidence=(Evidence("m.f", {"xs": frozenset({"str", "int"})}, 3, {"xs": frozenset({"list"})}),), notes=("a note",),
    )  # fmt: skip
    values.update(changes)
    return BehaviourReport(**values)  # type: ignore[arg-type]


def test_to_json_is_versioned_plain_and_sorted() -> None:
    data = report().to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["schema_version"] == 1
    assert data["evidence"] == [{"function": "m.f", "calls_seen": 3, "element_types": {"xs": ["int", "str"]}, "value_types": {"xs": ["list"]}}]


def test_summary_fits_a_commit_message_line() -> None:
    assert report().summary == "behaviour same; 3 calls replayed; 120 inputs fuzzed; 100% of changed lines run by the tests"
    different = report(status="different", difference="m.f: result: old 1, new 2")
    assert different.summary.endswith("m.f: result: old 1, new 2")


def test_an_unknown_status_is_a_bug() -> None:
    with pytest.raises(ValueError, match="unknown behaviour status"):
        report(status="probably fine")
