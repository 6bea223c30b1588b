"""KZ109 sorted-min-max: min/max only where ties, NaN, empty input and shadowing are ruled out."""

from __future__ import annotations

import pytest

from kaizen.patterns.base import Evidence, Example
from kaizen.patterns.sorted_min_max import SortedMinMax

from .kz_support import check_differential, fix, verdicts

P = SortedMinMax()


@pytest.mark.parametrize("example", P.examples, ids=["min", "max-key-ties", "reverse"])
def test_examples_rewrite_exactly_once(example: Example) -> None:
    assert fix(P, example.before) == example.after
    assert fix(P, example.after) == example.after


@pytest.mark.parametrize("negative", P.negatives)
def test_negatives_are_reported_but_untouched(negative: str) -> None:
    reasons = verdicts(P, negative)
    assert reasons and all(reasons), reasons
    assert fix(P, negative) == negative


def rewritten(expr: str, guard: str = "if xs", ann: str = "list[int]") -> str:
    source = f"def f(xs: {ann}) -> object:\n    return {expr} {guard} else None\n"
    return fix(P, source).splitlines()[1].strip()


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("sorted(xs)[0]", "return min(xs) if xs else None"),
        ("sorted(xs)[-1]", "return max(xs) if xs else None"),  # equal ints are interchangeable
        ("sorted(xs, reverse=True)[0]", "return max(xs) if xs else None"),
        ("sorted(xs, reverse=True)[-1]", "return min(xs) if xs else None"),
        ("sorted(xs, reverse=False)[-1]", "return max(xs) if xs else None"),
        ("sorted(xs, key=abs)[0]", "return sorted(xs, key=abs)[0] if xs else None"),  # key types unknown
        ("(sorted(xs))[0]", "return min(xs) if xs else None"),
    ],
)
def test_min_max_choice_follows_index_and_reverse(expr: str, expected: str) -> None:
    assert rewritten(expr) == expected


def test_ties_between_distinguishable_equals_keep_the_last_one() -> None:
    # str keys: "ab" and "cd" have equal len, sorted(...)[-1] returns the later one.
    assert rewritten("sorted(xs, key=len)[-1]", ann="list[str]") == "return max(reversed(xs), key=len) if xs else None"
    assert rewritten("sorted(xs, key=len, reverse=True)[-1]", ann="list[str]") == "return min(reversed(xs), key=len) if xs else None"
    assert rewritten("sorted(xs, key=len)[0]", ann="list[str]") == "return min(xs, key=len) if xs else None"
    mixed = rewritten("sorted(xs)[-1]", ann="list[int | bool]")  # 1 == True, yet they differ
    assert mixed == "return max(reversed(xs)) if xs else None"
    for expr, args in (("sorted(xs, key=len)[-1]", "st.lists(st.text('ab', max_size=2)),"),
                       ("sorted(xs)[-1]", "st.lists(st.one_of(st.booleans(), st.integers(0, 2))),"),
                       ("sorted(xs, key=len, reverse=True)[-1]", "st.lists(st.text('ab', max_size=2)),")):
        ann = "list[str]" if "len" in expr else "list[int | bool]"
        before = f"def f(xs: {ann}) -> object:\n    return {expr} if xs else None\n"
        check_differential(Example(before, fix(P, before), call="f", args=args))


def test_ties_on_something_not_reversible_are_refused() -> None:
    source = "def f(xs: list[str]) -> object:\n    return sorted((x for x in xs), key=len)[-1] if xs else None\n"
    (reason,) = verdicts(P, source)
    assert reason is not None and "empty" in reason  # a generator's emptiness is not provable either
    source = "def f(xs: list[str]) -> object:\n    return sorted(set(xs), key=len)[-1] if xs else None\n"
    assert "empty" in (verdicts(P, source)[0] or "")
    literal = "def f() -> object:\n    return sorted({'ab', 'cd'}, key=len)[-1]\n"
    (reason,) = verdicts(P, literal)
    assert reason is not None and "not known to be a sequence to reverse" in reason


def test_nan_is_refused_for_elements_and_key_values() -> None:
    assert "floats" in (verdicts(P, "def f(xs: list[float]):\n    return sorted(xs)[0] if xs else 0\n")[0] or "")
    floats_by_key = "def f(xs: list[str]):\n    return sorted(xs, key=float)[0] if xs else 0\n"
    assert "unknown" in (verdicts(P, floats_by_key)[0] or "")


def test_runtime_evidence_settles_element_types_but_not_emptiness() -> None:
    source = "def f(xs):\n    if not xs:\n        return None\n    return sorted(xs)[0]\n"
    ints = Evidence("m.f", {"xs": frozenset({"int"})})
    floats = Evidence("m.f", {"xs": frozenset({"int", "float"})})
    assert verdicts(P, source) != [None]
    assert verdicts(P, source, ints) == [None]
    assert "floats" in (verdicts(P, source, floats)[0] or "")
    assert "min(xs)" in fix(P, source, ints)
    unguarded = "def f(xs):\n    return sorted(xs)[0]\n"
    assert "empty" in (verdicts(P, unguarded, ints)[0] or "")


def test_a_comprehension_condition_guards_its_target() -> None:
    source = "def f(gs: list[list[int]]) -> object:\n    return [sorted(g)[0] for g in gs if g]\n"
    ints = Evidence("m.f", {"g": frozenset({"int"})})
    assert "unknown" in (verdicts(P, source)[0] or "")
    assert verdicts(P, source, ints) == [None]
    after = fix(P, source, ints)
    assert "[min(g) for g in gs if g]" in after
    check_differential(Example(source, after, call="f", args="st.lists(st.lists(st.integers(), max_size=3)),"))
    unguarded = "def f(gs: list[list[int]]) -> object:\n    return [sorted(g)[0] for g in gs if gs]\n"
    assert "empty" in (verdicts(P, unguarded, ints)[0] or "")


def test_impure_key_is_refused_for_the_reversed_form() -> None:
    source = "def f(xs: list[str]):\n    return sorted(xs, key=lambda s: weigh(s))[-1] if xs else None\n"
    evidence = Evidence("m.f", value_types={"weigh(s)": frozenset({"int"}), "xs": frozenset({"list"})})
    assert "not known to be pure" in (verdicts(P, source, evidence)[0] or "")
    pure = "def f(xs: list[str]):\n    return sorted(xs, key=lambda s: s.lower())[-1] if xs else None\n"
    assert "max(reversed(xs), key=lambda s: s.lower())" in fix(P, pure)


@pytest.mark.parametrize(
    ("body", "fixable"),
    [
        ("    if xs:\n        return sorted(xs)[0]\n    return 0\n", True),
        ("    if len(xs) > 0:\n        return sorted(xs)[0]\n    return 0\n", True),
        ("    if not xs:\n        raise ValueError\n    y = 1\n    return sorted(xs)[0] + y\n", True),
        ("    return xs and sorted(xs)[0]\n", True),
        ("    return sorted([3, 1, 2])[0]\n", True),
        ("    while xs:\n        return sorted(xs)[-1]\n    return 0\n", True),
        ("    if xs:\n        helper(xs)\n        return sorted(xs)[0]\n    return 0\n", False),
        ("    if xs:\n        xs = xs[1:]\n        return sorted(xs)[0]\n    return 0\n", False),
        ("    if not xs:\n        print('empty')\n    return sorted(xs)[0]\n", False),
        ("    try:\n        return sorted(xs)[0]\n    except IndexError:\n        return 0\n", False),
        ("    return sorted(xs)[0] if ys else 0\n", False),
        ("    return [sorted(g)[0] for g in [xs] if xs]\n", False),
    ],
)
def test_empty_input_needs_a_proof(body: str, fixable: bool) -> None:
    source = "def f(xs: list[int], ys: list[int] = []) -> object:\n" + body
    reasons = verdicts(P, source)
    assert (reasons == [None]) is fixable, reasons
    if fixable:
        after = fix(P, source)
        assert "sorted(" not in after.replace("sorted(g)", "")
        check_differential(Example(source, after, call="f", args="st.lists(st.integers(-3, 3), max_size=4),"), 30)


def test_comments_and_formatting_around_the_call_are_kept() -> None:
    source = "def f(xs: list[int]) -> int:\n    if xs:\n        return (  # pick\n            sorted(xs)[0]\n        )\n    return 0\n"
    assert fix(P, source) == source.replace("sorted(xs)[0]", "min(xs)")
