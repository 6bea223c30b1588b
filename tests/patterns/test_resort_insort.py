"""KZ111 resort-insort: append+sort in a loop becomes bisect.insort only on a provably sorted,
private list of totally ordered elements."""

from __future__ import annotations

import pytest

from kaizen.patterns.base import Evidence, Example
from kaizen.patterns.resort_insort import ResortInsort

from .kz_support import check_differential, fix, fix_report, sites, verdicts

P = ResortInsort()


@pytest.mark.parametrize("example", P.examples, ids=["ints", "key-same-line"])
def test_examples_rewrite_exactly_once(example: Example) -> None:
    assert fix(P, example.before) == example.after
    assert fix(P, example.after) == example.after


@pytest.mark.parametrize("negative", P.negatives)
def test_negatives_are_untouched(negative: str) -> None:
    assert all(verdicts(P, negative))
    assert fix(P, negative) == negative


def loop(before: str, inside: str = "", sort: str = "acc.sort()", ann: str = "list[int]") -> str:
    return (f"def f(xs: {ann}) -> object:\n    acc = []\n{before}    for x in xs:\n"
            f"        acc.append(x)\n        {sort}\n{inside}    return acc\n")  # fmt: skip


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (loop("    acc.append(9)\n"), "may leave it unsorted"),
        (loop("    other = acc\n"), "may leave it unsorted"),
        (loop("", "        acc.insert(0, x)\n"), "acc.insert"),
        (loop("", "        acc.extend(xs)\n"), "acc.extend"),
        (loop("", "        acc[0] = x\n"), "assigned"),
        (loop("", "        log(acc)\n"), "passed to log()"),
        (loop("", "        box = [acc]\n"), "escapes"),
        (loop("", "        alias = acc or [0]\n"), "escapes"),
        (loop("", "        acc = acc[1:] + [0]\n"), "rebound"),
        (loop("", "        acc.sort(key=abs)\n"), "acc.sort"),
        (loop("", sort="acc.sort(reverse=True)"), "reverse"),
        (loop("", sort="acc.sort(reverse=flag)"), "reverse"),
        (loop("", sort="acc.sort(key=lambda v: -v)"), "not known to be pure"),
        (loop("", ann="list[float]"), "no total order"),
        (loop("", ann="list[int | str]"), "no total order"),
        (loop("", ann="list[tuple[int, int]]"), "no total order"),
        (loop("", ann="list"), "unknown type"),
        ("def f(xs: list[int], acc: list[int]) -> None:\n    for x in xs:\n        acc.append(x)\n        acc.sort()\n",
         "cannot see 'acc' being made sorted"),
        ("def f(xs: list[int]) -> None:\n    acc = [2, 1]\n    for x in xs:\n        acc.append(x)\n        acc.sort()\n",
         "not made sorted"),
        ("def f(xs: list[int]) -> None:\n    acc = sorted(xs, key=abs)\n    for x in xs:\n        acc.append(x)\n"
         "        acc.sort()\n", "not made sorted"),
        ("def f(xs: list[int]) -> None:\n    acc = []\n    def peek() -> int:\n        return len(acc)\n"
         "    for x in xs:\n        acc.append(x)\n        acc.sort()\n", "nested function"),
        ("ACC = []\ndef f(xs: list[int]) -> None:\n    for x in xs:\n        ACC.append(x)\n        ACC.sort()\n",
         "cannot see"),
    ],
)
def test_hazards_are_reported_not_fixable(source: str, reason: str) -> None:
    (got,) = verdicts(P, source)
    assert got is not None and reason in got, got
    assert fix(P, source) == source


@pytest.mark.parametrize(
    ("before", "inside"),
    [
        ("", "        if len(acc) > 3:\n            acc.pop(0)\n"),
        ("", "        del acc[-1:]\n        acc.remove(acc[0]) if acc else None\n"),
        ("    acc.sort()\n", "        total = sum(acc) + acc[0] + len(acc)\n"),
        ("", "        if x in acc:\n            continue\n"),
    ],
)
def test_reads_and_order_keeping_removals_are_fine(before: str, inside: str) -> None:
    source = loop(before, inside)
    assert verdicts(P, source) == [None]
    after = fix(P, source)
    assert "bisect.insort(acc, x)" in after and "acc.sort()\n        " not in after.split("for x")[1]
    check_differential(Example(source, after, call="f", args="st.lists(st.integers(-4, 4), max_size=8),"), 40)


def test_equal_keys_keep_the_order_a_stable_sort_gives() -> None:
    source = loop("", sort="acc.sort(key=abs)")
    assert verdicts(P, source) == [None]
    after = fix(P, source)
    assert "bisect.insort(acc, x, key=abs)" in after
    check_differential(Example(source, after, call="f", args="st.lists(st.integers(-3, 3), max_size=10),"), 80)


def test_a_list_sorted_with_the_same_key_before_the_loop_counts_as_sorted() -> None:
    source = (
        "def f(xs: list[str]) -> list[str]:\n    acc = list(xs[:2])\n    acc.sort(key=len)\n"
        "    for x in xs:\n        acc.append(x)\n        acc.sort(key=len)\n    return acc\n"
    )
    assert verdicts(P, source) == [None]
    check_differential(Example(source, fix(P, source), call="f", args="st.lists(st.text('ab', max_size=3)),"))


def test_runtime_evidence_can_prove_a_total_order() -> None:
    source = loop("", ann="list")
    assert verdicts(P, source, Evidence("m.f", {"acc": frozenset({"str"})})) == [None]
    floats = verdicts(P, source, Evidence("m.f", {"acc": frozenset({"int", "float"})}))[0]
    assert floats is not None and "no total order" in floats


def test_only_adjacent_pairs_inside_loops_are_findings() -> None:
    assert sites(P, "def f(x: int) -> list[int]:\n    acc = []\n    acc.append(x)\n    acc.sort()\n    return acc\n") == []
    apart = loop("", sort="n = len(acc)\n        acc.sort()")
    assert sites(P, apart) == []


def test_comments_are_kept_or_the_rewrite_refuses() -> None:
    source = loop("", sort="acc.sort()  # again").replace("acc.append(x)", "# grow\n        acc.append(x)")
    after = fix(P, source)
    assert "        # grow\n        bisect.insort(acc, x)  # again\n" in after
    both = loop("", sort="acc.sort()  # two").replace("acc.append(x)", "acc.append(x)  # one")
    new, refused = fix_report(P, both)
    assert new == both and "comment" in (refused[0].reason or "")
