"""KZ106 recursion-cache: every hazard is refused with its reason; safe places get @functools.cache."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaizen.patterns.base import Evidence
from kaizen.patterns.recursion_cache import RecursionCache

from .kz_support import fix, fix_report, load, outcome, sites, verdicts

P = RecursionCache()


def ev(**types: set[str]) -> Evidence:
    return Evidence("m.fib", calls_seen=10, value_types={k: frozenset(v) for k, v in types.items()})


@pytest.mark.parametrize("example", P.examples, ids=lambda e: e.before.split("(")[0])
def test_examples_rewrite_exactly_and_once(example: object) -> None:
    before, after = example.before, example.after  # type: ignore[attr-defined]
    assert fix(P, before) == after
    assert fix(P, after) == after


@pytest.mark.parametrize("negative", P.negatives)
def test_negatives_are_reported_but_untouched(negative: str) -> None:
    reasons = verdicts(P, negative)
    assert reasons and all(reasons), reasons
    assert fix(P, negative) == negative


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("counter = [0]\ndef f(n: int) -> int:\n    counter[0] += 1\n    return 1 if n < 2 else f(n - 1) + f(n - 2)\n",
         "changes counter"),
        ("out = []\ndef f(n: int) -> int:\n    out.append(n)\n    return 1 if n < 2 else f(n - 1) + f(n - 2)\n",
         "changes out"),
        ("def f(n: int) -> int:\n    with open('log') as fh:\n        fh.write('x')\n    return 1 if n < 2 else f(n - 1) + f(n - 2)\n",
         "I/O"),
        ("def outer(k: int) -> int:\n    def f(n: int) -> int:\n        nonlocal k\n        k += 1\n"
         "        return 1 if n < 2 else f(n - 1) + f(n - 2)\n    return f(k)\n", "nonlocal"),
        ("def outer(grid: list[int]) -> int:\n    def f(n: int) -> int:\n"
         "        return grid[n] if n < 2 else f(n - 1) + f(n - 2)\n    return f(5)\n", "closure variable 'grid'"),
        ("def f(xs: list[int], n: int) -> int:\n    xs[0] = n\n    return 1 if n < 2 else f(xs, n - 1) + f(xs, n - 2)\n",
         "changes argument 'xs'"),
        ("def f(n: int, acc=[]) -> int:\n    return 1 if n < 2 else f(n - 1) + f(n - 2)\n", "may be a list"),
        ("def f(n: int, m: dict[int, int]) -> int:\n    return 1 if n < 2 else f(n - 1, m) + f(n - 2, m)\n", "may be a dict"),
        ("def f(n: int, s: set[int]) -> int:\n    return 1 if n < 2 else f(n - 1, s) + f(n - 2, s)\n", "may be a set"),
        ("def f(n: int, t: tuple[list[int], ...]) -> int:\n    return 1 if n < 2 else f(n - 1, t) + f(n - 2, t)\n",
         "not known to be hashable"),
        ("def f(n: int, *rest) -> int:\n    return 1 if n < 2 else f(n - 1) + f(n - 2)\n", "'rest'"),
        ("def f(n: int, m: int) -> int:\n    return 1 if m is n else f(n - 1, m) + f(n - 2, m)\n", "identities"),
        ("def helper(n: int) -> int:\n    return n\n\ndef f(n: int) -> int:\n"
         "    return helper(n) if n < 2 else f(n - 1) + f(n - 2)\n", "'helper'"),
        ("async def f(n: int) -> int:\n    return 1 if n < 2 else await f(n - 1) + await f(n - 2)\n", "async"),
        ("class C:\n    @staticmethod\n    def f(n: int) -> int:\n        return 1 if n < 2 else C.f(n - 1) + C.f(n - 2)\n",
         "method"),
        ("def f(n: int) -> int:\n    return n if n < 2 else f(n - 1).real + f(n - 2)\n", "not provably immutable"),
        ("def f(n: int) -> int:\n    return id(n) if n < 2 else f(n - 1) + f(n - 2)\n", "'id'"),
        ("SEEN = 0\ndef bump() -> None:\n    global SEEN\n    SEEN = 1\n\ndef f(n: int) -> int:\n"
         "    return SEEN if n < 2 else f(n - 1) + f(n - 2)\n", "global 'SEEN'"),
    ],
)
def test_hazards_are_reported_not_fixable(source: str, reason: str) -> None:
    reasons = verdicts(P, source)
    assert len(reasons) == 1
    assert reasons[0] is not None and reason in reasons[0], reasons[0]
    assert fix(P, source) == source


def test_linear_recursion_is_not_a_finding() -> None:
    assert sites(P, "def fact(n: int) -> int:\n    return 1 if n < 2 else n * fact(n - 1)\n") == []


def test_one_self_call_inside_a_loop_recomputes() -> None:
    source = (
        "def best(n: int) -> int:\n    if n <= 0:\n        return 0\n    result = n\n"
        "    for step in (1, 3, 4):\n        result = min(result, 1 + best(n - step))\n    return result\n"
    )
    assert verdicts(P, source) == [None]
    assert fix(P, source).startswith("import functools\n\n@functools.cache\ndef best(")


def test_private_locals_and_module_constants_are_fine() -> None:
    source = (
        "MOD = 10 ** 9 + 7\n\ndef f(n: int) -> int:\n    parts = []\n    parts.append(n)\n"
        "    if n < 2:\n        return len(parts)\n    return (f(n - 1) + f(n - 2)) % MOD\n"
    )
    assert verdicts(P, source) == [None]


def test_runtime_evidence_of_hashable_arguments_allows_the_rewrite() -> None:
    source = "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
    assert verdicts(P, source) != [None]
    assert verdicts(P, source, ev(n={"int"})) == [None]
    assert "@functools.cache" in fix(P, source, ev(n={"int"}))
    mixed = verdicts(P, source, ev(n={"int", "float"}))[0]
    assert mixed is not None and "share one cache entry" in mixed
    assert "unhashable" in (verdicts(P, source, ev(n={"list"}))[0] or "")
    assert "tuple whose items" in (verdicts(P, source, ev(n={"tuple"}))[0] or "")


def test_nested_function_is_decorated_in_place_and_import_reused() -> None:
    source = (
        "import functools as ft\n\n\ndef solve(n: int) -> int:\n    # inner recursion\n"
        "    def go(k: int) -> int:\n        return 1 if k < 2 else go(k - 1) + go(k - 2)\n\n    return go(n)\n"
    )
    expected = source.replace("    def go(", "    @ft.cache\n    def go(")
    assert fix(P, source) == expected


def test_import_goes_after_docstring_and_future_imports() -> None:
    source = (
        '"""Doc."""\nfrom __future__ import annotations\n\nimport os\n\n\n'
        "def fib(n: int) -> int:  # slow\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
    )
    out = fix(P, source)
    assert out.startswith('"""Doc."""\nfrom __future__ import annotations\n\nimport os\nimport functools\n')
    assert "\n\n\n@functools.cache\ndef fib(n: int) -> int:  # slow\n" in out


def test_name_clash_with_functools_is_refused_at_rewrite() -> None:
    source = "functools = None\n\ndef fib(n: int) -> int:\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
    new, refused = fix_report(P, source)
    assert new == source
    assert [f.reason for f in refused] == ["the name 'functools' is already used in this module; cannot import functools"]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(-3, 22))
def test_cached_fib_answers_like_the_original_every_time(n: int) -> None:
    """(tests/patterns/test_differential.py runs every example once; this also calls twice.)"""
    before, after = load(P.examples[0].before, "fib"), load(P.examples[0].after, "fib")
    assert outcome(before, n) == outcome(after, n) == outcome(after, n)
