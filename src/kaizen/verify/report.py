"""What the behaviour check is asked about (``ChangedFunction``) and what it answers (``BehaviourReport``)."""

from __future__ import annotations

from dataclasses import dataclass

from kaizen.patterns.base import Evidence

SCHEMA_VERSION = 1
STATUSES = ("same", "different", "unverified", "unavailable")


@dataclass(frozen=True)
class ChangedFunction:
    """A function a candidate rewrote."""

    path: str  # posix, relative to the checkout root
    qualname: str  # "func", "Class.method" or "outer.inner"
    module: str  # importable module name, e.g. "mypkg.orders"
    lines: tuple[int, ...]  # changed line numbers in the candidate's file


@dataclass(frozen=True)
class BehaviourReport:
    """The verdict of the behaviour check of one candidate, and the evidence behind it.

    ``same``: every replayed and fuzzed input behaved identically and the tests ran the changed
    lines. ``different``: ``difference`` says where, with the input. ``unverified``: the tests do
    not run the changed lines (``uncovered_lines``), or no call could be compared. ``unavailable``:
    capture does not work with this test command (``notes`` says why).
    """

    status: str
    calls_captured: int
    calls_replayed: int
    inputs_fuzzed: int
    skipped_values: int  # values that could not be copied or serialized
    difference: str | None  # the first difference, with the input that caused it
    changed_lines_covered: float | None  # fraction of the changed lines the tests executed
    uncovered_lines: tuple[int, ...]
    evidence: tuple[Evidence, ...]  # runtime element types per changed function
    notes: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown behaviour status {self.status!r}")

    @property
    def summary(self) -> str:
        """One line for a commit message or a report row."""
        parts = [f"behaviour {self.status}", f"{self.calls_replayed} calls replayed", f"{self.inputs_fuzzed} inputs fuzzed"]
        if self.changed_lines_covered is not None:
            parts.append(f"{self.changed_lines_covered:.0%} of changed lines run by the tests")
        if self.difference:
            parts.append(self.difference)
        return "; ".join(parts)

    def to_json(self) -> dict[str, object]:
        return {
            "schema_version": SCHEMA_VERSION,
            "status": self.status,
            "calls_captured": self.calls_captured,
            "calls_replayed": self.calls_replayed,
            "inputs_fuzzed": self.inputs_fuzzed,
            "skipped_values": self.skipped_values,
            "difference": self.difference,
            "changed_lines_covered": self.changed_lines_covered,
            "uncovered_lines": list(self.uncovered_lines),
            "evidence": [evidence_json(e) for e in self.evidence],
            "notes": list(self.notes),
        }


def evidence_json(evidence: Evidence) -> dict[str, object]:
    return {
        "function": evidence.function,
        "calls_seen": evidence.calls_seen,
        "element_types": {k: sorted(v) for k, v in sorted(evidence.element_types.items())},
        "value_types": {k: sorted(v) for k, v in sorted(evidence.value_types.items())},
    }
