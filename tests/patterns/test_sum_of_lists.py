"""KZ110 sum-of-lists: chain.from_iterable only where every item is provably a list (or tuple)."""

from __future__ import annotations

import pytest

from kaizen.patterns.base import Evidence, Example
from kaizen.patterns.sum_of_lists import SumOfLists

from .kz_support import check_differential, fix, sites, verdicts

P = SumOfLists()


@pytest.mark.parametrize("example", P.examples, ids=["lists", "tuples"])
def test_examples_rewrite_exactly_once(example: Example) -> None:
    assert fix(P, example.before) == example.after
    assert fix(P, example.after) == example.after


@pytest.mark.parametrize("negative", P.negatives)
def test_negatives_are_untouched(negative: str) -> None:
    assert all(verdicts(P, negative))
    assert fix(P, negative) == negative


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("def f(rows: list[tuple[int]]):\n    return sum(rows, [])\n", "may be tuple"),
        ("def f(rows: list[str]):\n    return sum(rows, ())\n", "may be str"),
        ("def f(rows):\n    return sum(rows, [])\n", "not known to be lists"),
        ("def f(rows: list[list[int]]):\n    return sum((r[:1] for r in rows), [])\n", "not known to be lists"),
        ("def f(rows: list[list[int]]):\n    sum = len\n    return sum(rows, [])\n", "shadowed"),
        ("list = tuple\n\ndef f(rows: list[list[int]]):\n    return sum(rows, [])\n", "shadowed"),
    ],
)
def test_hazards_are_reported_not_fixable(source: str, reason: str) -> None:
    (got,) = verdicts(P, source)
    assert got is not None and reason in got, got
    assert fix(P, source) == source


def test_only_empty_list_or_tuple_starts_are_findings() -> None:
    for call in ("sum(xs)", "sum(xs, 0)", "sum(xs, [0])", "sum(xs, start=[1])", "sum(*xs, [])"):
        assert sites(P, f"def f(xs):\n    return {call}\n") == []


def test_evidence_of_list_items_allows_the_rewrite() -> None:
    source = "def f(rows):\n    return sum(rows, [])\n"
    lists = Evidence("m.f", {"rows": frozenset({"list"})})
    mixed = Evidence("m.f", {"rows": frozenset({"list", "tuple"})})
    assert verdicts(P, source, lists) == [None]
    assert "may be tuple" in (verdicts(P, source, mixed)[0] or "")
    after = fix(P, source, lists)
    assert after == "import itertools\n\ndef f(rows):\n    return list(itertools.chain.from_iterable(rows))\n"
    check_differential(Example(source, after, call="f", args="st.lists(st.lists(st.booleans())),"))


def test_comprehension_items_and_keyword_start() -> None:
    source = (
        "from itertools import chain\n\n\ndef f(pairs: list[tuple[int, int]]) -> list[int]:\n"
        "    return sum([[a, b] for a, b in pairs], start=[])  # flat\n"
    )
    after = fix(P, source)
    assert after == (
        "from itertools import chain\nimport itertools\n\n\ndef f(pairs: list[tuple[int, int]]) -> list[int]:\n"
        "    return list(itertools.chain.from_iterable([[a, b] for a, b in pairs]))  # flat\n"
    )
    args = "st.lists(st.tuples(st.integers(), st.integers()), max_size=5),"
    check_differential(Example(source, after, call="f", args=args))


def test_the_result_is_a_fresh_list_even_for_one_item() -> None:
    source = "def f(rows: list[list[int]]) -> bool:\n    out = sum(rows, [])\n    return out is rows[0] if rows else True\n"
    after = fix(P, source)
    assert "list(itertools.chain.from_iterable(rows))" in after
    check_differential(Example(source, after, call="f", args="st.lists(st.lists(st.integers()), max_size=2),"))
