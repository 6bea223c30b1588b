"""KZ107 list-as-queue: a private list used from the front becomes a deque; any escape is refused."""

from __future__ import annotations

import pytest

from kaizen.patterns.base import Example
from kaizen.patterns.list_as_queue import ListAsQueue

from .kz_support import check_differential, fix, fix_report, verdicts

P = ListAsQueue()


@pytest.mark.parametrize("example", P.examples, ids=["bfs", "window"])
def test_examples_rewrite_exactly_once(example: Example) -> None:
    assert fix(P, example.before) == example.after
    assert fix(P, example.after) == example.after


@pytest.mark.parametrize("negative", P.negatives)
def test_negatives_are_reported_but_untouched(negative: str) -> None:
    reasons = verdicts(P, negative)
    assert reasons and all(reasons), reasons
    assert fix(P, negative) == negative


BODY = "def f(xs: list[int]) -> object:\n    q = list(xs)\n    q.pop(0)\n"


@pytest.mark.parametrize(
    ("tail", "reason"),
    [
        ("    return q\n", "returned"),
        ("    yield q\n", "yielded"),
        ("    g(q)\n", "passed to a call"),
        ("    print(q)\n", "passed to a call"),
        ("    other = q\n", "aliased"),
        ("    box = [q]\n", "stored"),
        ("    return f'{q}'\n", "formatted"),
        ("    return q + [1]\n", "operator"),
        ("    return q == []\n", "compared"),
        ("    return q[1:]\n", "sliced"),
        ("    return q[len(q) // 2]\n", "indexed"),
        ("    q.sort()\n", "sort()"),
        ("    return q.copy()\n", "copy()"),
        ("    q.pop(2)\n", "pop()"),
        ("    q.insert(1, 5)\n", "insert()"),
        ("    q = tuple(q)\n", "rebound"),
        ("    del q\n", "deleted"),
        ("    for x in q:\n        q.append(x)\n", "changed while it is iterated"),
        ("    return [q.pop() for _ in q]\n", "changed while it is iterated"),
        ("    def inner() -> int:\n        return q[0]\n    return inner\n", "nested function"),
        ("    return q or None\n", "stored or used as a value"),
        ("    return ','.join(map(str, q))\n", "passed to a call"),
        ("    g = (x for x in q)\n    q.append(1)\n    return list(g)\n", "lazily"),
    ],
)
def test_every_escape_is_refused_with_its_reason(tail: str, reason: str) -> None:
    source = BODY + tail
    reasons = verdicts(P, source)
    assert len(reasons) == 1 and reasons[0] is not None and reason in reasons[0], reasons
    assert fix(P, source) == source


@pytest.mark.parametrize(
    "tail",
    [
        "    return len(q) + sum(q) + max(q, default=0)\n",
        "    return 3 in q and q[0] + q[-1] > 0\n",
        "    while q and not q[0]:\n        q.pop()\n    return sorted(q)\n",
        "    for x in q:\n        print(x)\n    return ','.join(str(x) for x in q)\n",
        "    q.extend([1, 2])\n    q += [3]\n    q.remove(3)\n    return q.count(1) + q.index(1)\n",
    ],
)
def test_uses_a_deque_supports_the_same_way_are_fine(tail: str) -> None:
    source = BODY + tail
    assert verdicts(P, source) == [None]
    out = fix(P, source)
    assert "q = collections.deque(xs)\n    q.popleft()\n" in out


def test_parameters_globals_closures_and_attributes_are_reported_only() -> None:
    cases = {
        "def f(q: list[int]) -> int:\n    return q.pop(0)\n": "comes from the caller",
        "Q = [1]\n\ndef f() -> int:\n    return Q.pop(0)\n": "is a global",
        "def f() -> None:\n    global Q\n    Q = [1]\n    Q.pop(0)\n": "is a global",
        "def outer() -> None:\n    q = [1]\n\n    def f() -> int:\n        return q.pop(0)\n": "enclosing function",
        "q = [1, 2]\nq.pop(0)\n": "module or class attribute",
        "def f(self) -> None:\n    self.q.insert(0, 1)\n": "attribute or element",
    }
    for source, reason in cases.items():
        reasons = verdicts(P, source)
        assert any(r is not None and reason in r for r in reasons), (source, reasons)


def test_tail_slice_needs_a_proof_of_non_emptiness() -> None:
    guarded = "def f(xs: list[int]) -> int:\n    q = list(xs)\n    n = 0\n    if q:\n        q = q[1:]\n        n += 1\n    return n + len(q)\n"
    after_read = "def f(xs: list[int]) -> int:\n    q = list(xs)\n    head = q[0]\n    q = q[1:]\n    return head + len(q)\n"
    removed_between = "def f(xs: list[int]) -> int:\n    q = list(xs)\n    while q:\n        q.pop()\n        q = q[1:]\n    return len(q)\n"
    assert verdicts(P, guarded) == [None]
    assert verdicts(P, after_read) == [None]
    assert "non-empty" in (verdicts(P, removed_between)[0] or "")
    for source in (guarded, after_read):
        example = Example(source, fix(P, source), call="f", args="st.lists(st.integers(), max_size=3),")
        assert "q.popleft()" in example.after
        check_differential(example, max_examples=30)


def test_del_front_and_insert_front_map_to_deque_ends() -> None:
    source = (
        "def f(xs: list[int]) -> list[int]:\n    q = []\n    for x in xs:\n        q.insert(0, x)  # newest first\n"
        "        if x % 3 == 0:\n            del q[0]\n        if len(q) > 2:\n            del q[-1]\n    return list(q)\n"
    )
    out = fix(P, source)
    assert "q = collections.deque()\n" in out and "q.appendleft(x)  # newest first\n" in out
    assert "            q.popleft()\n" in out and "            del q[-1]\n" in out
    check_differential(Example(source, out, call="f", args="st.lists(st.integers(-5, 5)),"))


def test_existing_collections_import_is_reused_and_clash_refused() -> None:
    source = "import collections.abc\n\n\ndef f(xs: list[int]) -> int:\n    q = list(xs)\n    return q.pop(0)\n"
    out = fix(P, source)
    assert out.startswith("import collections.abc\n\n\ndef f(") and "collections.deque(xs)" in out
    clash = "def f(xs: list[int], collections: int) -> int:\n    q = list(xs)\n    return q.pop(0)\n"
    new, refused = fix_report(P, clash)
    assert new == clash and "collections" in (refused[0].reason or "")
