"""Helpers for the KZ101–KZ105 hazard tests: fix one pattern the way `kaizen fix` does, and read
the reasons it gives for what it leaves alone."""

from __future__ import annotations

import textwrap

from kaizen.patterns.base import Evidence
from kaizen.transform.apply import fix_source


def fixed(pattern_id: str, source: str, evidence: Evidence | None = None) -> str:
    """The source after every safe rewrite of ``pattern_id`` (dedented first)."""
    new, _, _ = fix_source(textwrap.dedent(source), {pattern_id}, evidence)
    compile(new, "<fixed>", "exec", dont_inherit=True)
    return new


def reasons(pattern_id: str, source: str, evidence: Evidence | None = None) -> list[str]:
    """Why each remaining finding of ``pattern_id`` was not fixed."""
    _, _, refused = fix_source(textwrap.dedent(source), {pattern_id}, evidence)
    return [f.reason or "" for f in refused if f.pattern_id == pattern_id]


def untouched(pattern_id: str, source: str, evidence: Evidence | None = None) -> list[str]:
    """Assert the source comes back byte-identical; return the reasons reported."""
    source = textwrap.dedent(source)
    assert fixed(pattern_id, source, evidence) == source
    return reasons(pattern_id, source, evidence)


def ev(function: str = "f", **types: str) -> Evidence:
    """Evidence from keyword specs: ``elements_xs="int,str"`` → element types, ``value_xs="list"``."""
    elements: dict[str, frozenset[str]] = {}
    values: dict[str, frozenset[str]] = {}
    for key, spec in types.items():
        kind, _, name = key.partition("_")
        target = elements if kind == "elements" else values
        target[name.replace("__", ".")] = frozenset(spec.split(","))
    return Evidence(function=function, element_types=elements, value_types=values, calls_seen=3)
