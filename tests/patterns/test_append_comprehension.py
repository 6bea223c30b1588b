"""KZ113 append-comprehension: a new list filled by an append-only loop becomes a comprehension,
except where the comprehension's own scope would be visible."""

from __future__ import annotations

import pytest

from kaizen.patterns.append_comprehension import AppendComprehension
from kaizen.patterns.base import Example

from .kz_support import check_differential, fix, sites, verdicts

P = AppendComprehension()


@pytest.mark.parametrize("example", P.examples, ids=["filtered", "annotated"])
def test_examples_rewrite_exactly_once(example: Example) -> None:
    assert fix(P, example.before) == example.after
    assert fix(P, example.after) == example.after


@pytest.mark.parametrize("negative", P.negatives)
def test_negatives_are_untouched(negative: str) -> None:
    assert all(verdicts(P, negative))
    assert fix(P, negative) == negative


def func(loop_body: str, after: str = "    return out\n", before: str = "") -> str:
    return f"def f(xs: list[int]) -> object:\n{before}    out = []\n    for x in xs:\n{loop_body}{after}"


APPEND = "        out.append(x + 1)\n"


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (func(APPEND, "    return out, x\n"), "read after the loop"),
        (func(APPEND, "    if out:\n        print(x)\n    return out\n"), "read after the loop"),
        (func(APPEND, "    for x in xs:\n        pass\n    return x\n"), "read after the loop"),
        (func(APPEND, "    del x\n    return out\n"), "read after the loop"),
        (func(APPEND, "    return lambda: x\n"), "nested function"),
        (func("        out.append(out)\n"), "read inside the loop"),
        (func("        out.append(x)\n", before="    g = lambda: out\n"), "captured"),
        (func("        out.append(x)\n", "    def peek():\n        return out\n    return out\n"), "captured"),
        (func("        out.append(super().f(x))\n"), "super()"),
        (func("        out.append(locals())\n"), "locals()"),
        (func("        out.append((y := x))\n    return out, y\n", after=""), ":="),
        (func("        out.append((yield x))\n"), "yields"),
        ("def f(xs):\n    with open('f') as fh:\n        out = []\n        for x in xs:\n            out.append(x)\n    return out\n",
         "try/with"),
        ("def f(xs, o):\n    out = []\n    for o.x in xs:\n        out.append(o.x)\n    return out\n", "attribute or item"),
        ("def f(xss):\n    for xs in xss:\n        print(x if xss else 0)\n        out = []\n        for x in xs:\n            out.append(x)\n",
         "enclosing loop"),
        ("def f(xs):\n    global x\n    out = []\n    for x in xs:\n        out.append(x)\n    return out\n", "global"),
        ("async def f(xs):\n    out = []\n    async for x in xs:\n        out.append(x)\n    return out\n", "async for"),
    ],
)
def test_hazards_are_reported_not_fixable(source: str, reason: str) -> None:
    (got,) = verdicts(P, source)
    assert got is not None and reason in got, got
    assert fix(P, source) == source


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (func(APPEND, "    x = 0\n    return out, x\n"), "    out = [x + 1 for x in xs]\n"),
        (func(APPEND, "    for x in range(2):\n        out.append(-x)\n    return out\n"), "    out = [x + 1 for x in xs]\n"),
        (func("        out.append(x for _ in range(x))\n", "    return [list(g) for g in out]\n"),
         "    out = [(x for _ in range(x)) for x in xs]\n"),
        (func("        if x > 0 if xs else x < 0:\n            out.append(x)\n"), "    out = [x for x in xs if (x > 0 if xs else x < 0)]\n"),
        ("def f(xs: list[int]) -> object:\n    out = []\n    for x in xs, xs:\n        out.append(len(x))\n    return out\n",
         "    out = [len(x) for x in (xs, xs)]\n"),
        ("def f(ps: list[tuple[int, int]]) -> object:\n    out = []\n    for a, *b in ps:\n        out.append(a - len(b))\n    return out\n",
         "    out = [a - len(b) for a, *b in ps]\n"),
        (func("        out.append(lambda: x)\n", "    return [g() for g in out]\n"), "    out = [lambda: x for x in xs]\n"),
    ],
)
def test_rewrites_that_stay_equivalent(source: str, expected: str) -> None:
    after = fix(P, source)
    assert expected in after, after
    assert "for x in xs:\n" not in after or "for x in range(2)" in after
    arg = "st.lists(st.tuples(st.integers(), st.integers()), max_size=4)," if "ps:" in source else "st.lists(st.integers(-3, 3), max_size=5),"
    check_differential(Example(source, after, call="f", args=arg), 30)


def test_comments_inside_the_loop_move_above_the_comprehension() -> None:
    source = func("        # keep positives\n        if x > 0:  # strictly\n            out.append(x)  # the value\n")
    after = fix(P, source)
    assert after == (
        "def f(xs: list[int]) -> object:\n    # keep positives\n    # strictly\n    # the value\n"
        "    out = [x for x in xs if x > 0]\n    return out\n"
    )


def test_only_the_adjacent_empty_list_shape_is_a_finding() -> None:
    for source in (
        "def f(xs):\n    out = [0]\n    for x in xs:\n        out.append(x)\n    return out\n",
        "def f(xs):\n    out = []\n    n = 0\n    for x in xs:\n        out.append(x)\n    return out\n",
        "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x)\n        out.append(x)\n    return out\n",
        "def f(xs):\n    out = []\n    for x in xs:\n        out.extend(x)\n    return out\n",
        "def f(xs):\n    out = []\n    for x in xs:\n        if x:\n            if x > 1:\n                out.append(x)\n    return out\n",
        "def f(xs):\n    out = []\n    for x in xs:\n        out.append(*x)\n    return out\n",
    ):
        assert sites(P, source) == [], source
