"""The whole catalogue, one parametrized walk: every example rewrites to exactly its ``after``,
a second fix changes nothing, every negative comes back byte-identical, and every pattern has the
shape the catalogue promises. New patterns are picked up from the registry automatically."""

from __future__ import annotations

import re

import pytest

from kaizen.patterns.base import Example, Pattern
from kaizen.patterns.registry import all_patterns, get
from kaizen.transform.apply import fix_source

PATTERNS = all_patterns()
EXAMPLES = [pytest.param(p, ex, id=f"{p.id}-example{i}") for p in PATTERNS for i, ex in enumerate(p.examples)]
NEGATIVES = [pytest.param(p, neg, id=f"{p.id}-negative{i}") for p in PATTERNS for i, neg in enumerate(p.negatives)]


def test_ids_and_names_are_unique_and_resolvable() -> None:
    ids = [p.id for p in PATTERNS]
    names = [p.name for p in PATTERNS]
    assert len(ids) == len(set(ids)), ids
    assert len(names) == len(set(names)), names
    for pattern in PATTERNS:
        assert get(pattern.id) is pattern and get(pattern.name) is pattern


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.id for p in PATTERNS])
def test_every_pattern_has_the_catalogue_shape(pattern: Pattern) -> None:
    assert re.fullmatch(r"KZ[1-9]\d\d", pattern.id)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", pattern.name)
    assert pattern.title.strip() and "\n" not in pattern.title
    assert len(pattern.description.split()) >= 10
    assert pattern.hazards and all(h.strip() for h in pattern.hazards)
    assert pattern.examples, "at least one before/after example"
    assert pattern.negatives, "at least one untouched negative"


@pytest.mark.parametrize(("pattern", "example"), EXAMPLES)
def test_example_rewrites_exactly_and_only_once(pattern: Pattern, example: Example) -> None:
    new, applied, _ = fix_source(example.before, {pattern.id}, example.evidence)
    assert new == example.after
    assert applied and all(f.pattern_id == pattern.id for f in applied)
    again, applied_again, _ = fix_source(example.after, {pattern.id}, example.evidence)
    assert again == example.after and not applied_again


@pytest.mark.parametrize(("pattern", "example"), [e for e in EXAMPLES if e.values[1].evidence is not None])
def test_evidence_examples_need_their_evidence(pattern: Pattern, example: Example) -> None:
    unchanged, applied, refused = fix_source(example.before, {pattern.id})
    assert unchanged == example.before and not applied
    assert any(f.pattern_id == pattern.id and f.reason for f in refused)


@pytest.mark.parametrize(("pattern", "negative"), NEGATIVES)
def test_negative_comes_back_byte_identical(pattern: Pattern, negative: str) -> None:
    new, applied, _ = fix_source(negative, {pattern.id})
    assert new == negative and not applied


@pytest.mark.parametrize(("pattern", "example"), EXAMPLES)
def test_the_whole_catalogue_on_an_example_compiles_and_settles(pattern: Pattern, example: Example) -> None:
    """`kaizen fix` runs every pattern over a file: their rewrites must compose."""
    new, _, _ = fix_source(example.before, None, example.evidence)
    compile(new, "<fixed>", "exec", dont_inherit=True)
    assert fix_source(new, None, example.evidence)[0] == new
