"""Static growth labels with their evidence, and McCabe numbers, on small functions."""

from __future__ import annotations

import textwrap

import pytest

from kaizen.analyze.complexity import Growth, analyze_source, shape_at


def shape(source: str, name: str | None = None):  # type: ignore[no-untyped-def]
    shapes = analyze_source(textwrap.dedent(source))
    return next(s for s in shapes if name is None or s.qualname == name)


@pytest.mark.parametrize(
    ("source", "label"),
    [
        ("def f(x):\n    return x + 1\n", "O(1)"),
        ("def f(xs):\n    t = 0\n    for x in xs:\n        t += x\n    return t\n", "O(n)"),
        ("def f(xs, ys):\n    for x in xs:\n        if x in ys:\n            pass\n", "O(n²)"),
        ("def f(xs):\n    seen = set()\n    for x in xs:\n        if x in seen:\n            pass\n        seen.add(x)\n", "O(n)"),
        ("def f(xs):\n    seen = []\n    for x in xs:\n        if x not in seen:\n            seen.append(x)\n", "O(n²)"),
        ("def f(xs):\n    return [x for x in xs if x in {1, 2, 3}]\n", "O(n)"),
        ("def f(rows, keys):\n    return [r for r in rows if keys.index(r) > 0]\n", "O(n²)"),
        ("def f(xs, ys):\n    for x in xs:\n        for y in ys:\n            for z in xs:\n                pass\n", "O(n³)"),
        ("def f(q):\n    while q:\n        q.pop(0)\n", "O(n²)"),
        ("def f(xs):\n    for x in xs:\n        m = sorted(xs)\n", "O(n² log n)"),
        ("def f(data):\n    for i in range(300):\n        m = sorted(data)[0]\n", "O(n log n)"),
        ("def f():\n    for i in range(10):\n        for c in 'abc':\n            pass\n", "O(1)"),
        ("def f(xs):\n    return 5 in xs\n", "O(n)"),
        ("def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n", "O(2^n)"),
        ("import functools\n@functools.lru_cache(None)\ndef fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n", "O(n)"),
        ("def fact(n):\n    return 1 if n < 2 else n * fact(n - 1)\n", "O(n)"),
        ("def bs(xs, n):\n    return 0 if n < 1 else bs(xs, n // 2)\n", "O(log n)"),
        (
            "def ms(xs):\n    if len(xs) < 2:\n        return xs\n    mid = len(xs) // 2\n    a, b = ms(xs[:mid]), ms(xs[mid:])\n"
            "    out = []\n    for x in a + b:\n        out.append(x)\n    return out\n",
            "O(n log n)",
        ),
        ("def walk(node):\n    if node is None:\n        return 0\n    return walk(node.left) + walk(node.right)\n", "O(n)"),
    ],
)
def test_growth_labels(source: str, label: str) -> None:
    assert shape(source).growth.label == label


def test_membership_evidence_names_the_loop_and_the_scan() -> None:
    found = shape(
        """
        def match(orders, customers):
            ids = [c.id for c in customers]
            out = []
            for order in orders:
                if order.customer in ids:
                    out.append(order)
            return out
        """
    )
    assert found.growth.label == "O(n²)"
    assert [str(e) for e in found.growth.evidence] == [
        "line 5: loop over `orders`",
        "line 6: `order.customer in ids` scans the list `ids`",
    ]


def test_unknown_collections_say_the_assumption_and_nested_functions_are_their_own() -> None:
    source = """
    class Index:
        def lookup(self, rows):
            def key(r):
                return [x for x in r]
            return [key(r) for r in rows if r in self.seen]
    """
    lookup = shape(source, "Index.lookup")
    assert lookup.growth.label == "O(n²)"
    assert "if it is a list" in str(lookup.growth.evidence[-1])
    assert shape(source, "Index.lookup.key").growth.label == "O(n)"


def test_exponential_recursion_points_at_the_self_calls() -> None:
    found = shape("def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n")
    assert found.growth.exponential
    assert [e.line for e in found.growth.evidence] == [4, 4]
    assert "fib(n - 1)" in found.growth.evidence[0].reason


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("return 1", 1),
        ("if x:\n        return 1\n    elif y:\n        return 2\n    return 3", 3),
        ("for a in x:\n        while a and b or c:\n            pass", 5),
        ("try:\n        pass\n    except ValueError:\n        pass\n    except KeyError:\n        pass", 3),
        ("return [a for a in x if a if not a] if x else None", 5),
        ("match x:\n        case 1:\n            pass\n        case _:\n            pass", 3),
    ],
)
def test_cyclomatic_complexity(body: str, expected: int) -> None:
    assert shape(f"def f(x, y=0, b=0, c=0):\n    {body}\n").cyclomatic == expected


def test_shape_at_finds_the_innermost_function_and_orders_compare() -> None:
    shapes = analyze_source("def a(xs):\n    def b(ys):\n        return ys\n    for x in xs:\n        pass\n")
    assert shape_at(shapes, 3).qualname == "a.b"
    assert shape_at(shapes, 5).qualname == "a"
    assert shape_at(shapes, 99) is None
    assert Growth(exponential=True).order > Growth(degree=3, log=True).order > Growth(degree=3).order
    assert analyze_source("def (:") == ()
