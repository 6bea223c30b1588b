"""KZ105 loop-invariant-hoist: every hazard of the issue, each untouched or correctly rewritten."""

from __future__ import annotations

import textwrap

import pytest

from tests.patterns.catalogue_support import ev, fixed, reasons, untouched

ID = "KZ105"


def test_len_of_a_local_list_is_hoisted_out_of_a_while_test() -> None:
    source = """\
    def f(text):
        words = text.split()
        i = 0
        while i < len(words):
            i += 2
        return i
    """
    assert fixed(ID, source) == textwrap.dedent("""\
    def f(text):
        words = text.split()
        i = 0
        n_words = len(words)
        while i < n_words:
            i += 2
        return i
    """)


def test_hoisting_goes_out_of_every_loop_the_data_survives() -> None:
    source = """\
    def f(rows, cols):
        keys = [str(k) for k in range(5)]
        total = 0
        for r in rows:
            for c in cols:
                total += len(keys) + r + c
        return total
    """
    new = fixed(ID, source)
    assert new.index("n_keys = len(keys)") < new.index("for r in rows")


def test_anything_rebound_or_changed_in_the_loop_is_left_alone() -> None:
    assert reasons(ID, "def f(groups):\n    return [sorted(g) for g in groups]\n") == []
    changed = """\
    def f(xs):
        seen = [0]
        for x in xs:
            if x > len(seen):
                seen.append(x)
        return seen
    """
    assert untouched(ID, changed) == ["seen is changed in the loop (seen.append() at line 5)"]


def test_len_is_cheap_so_it_is_reported_only_when_the_hoist_needs_no_evidence() -> None:
    assert reasons(ID, "def f(xs, zs):\n    return [x for x in xs if x < len(zs)]\n") == []
    assert "n_zs = len(zs)" in fixed(ID, "def f(xs):\n    zs = [1, 2]\n    return [x for x in xs if x < len(zs)]\n")


def test_calls_that_are_not_known_pure_are_not_reported() -> None:
    assert reasons(ID, "def f(xs, data):\n    return [x for x in xs if x in expensive(data)]\n") == []


@pytest.mark.parametrize(
    ("expr", "evidence", "reason"),
    [
        ("max(zs)", ev(value_zs="list", elements_zs="int"), "max() raises ValueError on an empty sequence, and the loop may not run"),
        ("sorted(zs)", ev(value_zs="list", elements_zs="int,str"), "sorted() of mixed element types may raise TypeError"),
        ("set(zs)", ev(value_zs="list", elements_zs="list"), "elements may be unhashable"),
        ("sum(zs)", ev(value_zs="list", elements_zs="str"), "sum() of non-numbers may raise"),
        ("sorted(zs, key=len)", ev(value_zs="list", elements_zs="int"), "sorted() with key=len may raise where the loop would not have run"),
    ],
)
def test_what_could_raise_when_the_loop_would_not_have_run_is_not_hoisted(expr: str, evidence: object, reason: str) -> None:
    source = f"def f(xs, zs):\n    return [x for x in xs if x in {expr}]\n"
    assert untouched(ID, source, evidence) == [reason]  # type: ignore[arg-type]


@pytest.mark.parametrize("expr", ["max(zs, default=0)", "sorted(zs)", "set(zs)", "sum(zs)", "frozenset(zs)", "min(zs, default=None)"])
def test_what_provably_cannot_raise_is_hoisted(expr: str) -> None:
    source = f"def f(xs, zs):\n    return [x for x in xs if x == {expr}]\n"
    new = fixed(ID, source, ev(value_zs="list", elements_zs="int,float"))
    assert f"= {expr}\n" in new and f"x == {expr}" not in new


def test_regexes_are_hoisted_only_when_they_compile() -> None:
    good = "import re\n\ndef f(lines):\n    return [l for l in lines if re.compile('a+').match(l)]\n"
    assert "regex_re = re.compile('a+')" in fixed(ID, good)
    bad = "import re\n\ndef f(lines):\n    return [l for l in lines if re.compile('(').match(l)]\n"
    assert untouched(ID, bad) == ["re.compile() of a pattern not known to compile may raise where the loop would not have run"]
    rebound = "import re\nre = None\n\ndef f(lines):\n    return [l for l in lines if re.compile('a').match(l)]\n"
    assert untouched(ID, rebound) == ["the name re is rebound, so re.compile may not be the re module's"]
    assert reasons(ID, "def f(lines, re):\n    return [l for l in lines if re.compile('a').match(l)]\n") == []


def test_a_mutable_result_that_is_stored_needs_a_fresh_copy_every_iteration() -> None:
    source = """\
    def f(xs, n):
        ys = list(range(n))
        out = []
        for x in xs:
            tmp = sorted(ys)
            tmp.append(x)
            out.append(tmp)
        return out
    """
    assert untouched(ID, source) == ["the result of sorted() is stored or changed in the loop, so each iteration needs a fresh one"]


def test_a_sorted_list_iterated_by_an_inner_loop_is_sorted_once() -> None:
    source = """\
    def f(xs, n):
        ys = list(range(n))
        pairs = 0
        for x in xs:
            for y in sorted(ys):
                pairs += x < y
        return pairs
    """
    new = fixed(ID, source)
    assert "sorted_ys = sorted(ys)" in new and "for y in sorted_ys:" in new


def test_lazy_generators_and_lambdas_are_not_loop_bodies() -> None:
    assert reasons(ID, "def f(xs, n):\n    ys = [1]\n    g = (x for x in xs if x < len(ys))\n    ys.append(n)\n    return g\n") == []
    assert reasons(ID, "def f(xs):\n    ys = [1]\n    return [lambda: len(ys) for x in xs]\n") == []


def test_a_shadowed_builtin_blocks() -> None:
    source = "def len(x):\n    return 0\n\ndef f(xs):\n    ys = [1]\n    return [x for x in xs if x < len(ys)]\n"
    assert untouched(ID, source) == ["the builtin len is rebound in this module or function"]


def test_long_attribute_chains_are_reported_never_rewritten() -> None:
    source = """\
    def f(self, xs):
        out = []
        for x in xs:
            out.append(x * self.config.limits.scale)
        return out
    """
    assert untouched(ID, source) == [
        "attribute reads may run properties or be changed by calls in the loop; hoist self.config.limits.scale by hand if it is a plain attribute"
    ]
    assert reasons(ID, "import os\n\ndef f(xs):\n    for x in xs:\n        print(os.path.sep.join(x))\n") == []
