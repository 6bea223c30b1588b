"""KZ108 quadratic-accumulation: join a list where CPython copies the string every time; leave the
in-place local case alone; keep partial results on exceptions for visible targets."""

from __future__ import annotations

import pytest

from kaizen.patterns.base import Evidence, Example
from kaizen.patterns.quadratic_accumulation import QuadraticAccumulation

from .kz_support import check_differential, fix, sites, verdicts

P = QuadraticAccumulation()
STR_ATTR = Evidence("m.Box.fill", value_types={"self.s": frozenset({"str"})})


@pytest.mark.parametrize("example", P.examples, ids=["attribute", "prepend", "bytes"])
def test_examples_rewrite_exactly_once(example: Example) -> None:
    assert fix(P, example.before, example.evidence) == example.after
    assert fix(P, example.after, example.evidence) == example.after


@pytest.mark.parametrize("negative", P.negatives)
def test_negatives_are_untouched(negative: str) -> None:
    assert all(verdicts(P, negative))
    assert fix(P, negative) == negative


def test_plain_local_str_append_is_left_to_cpython() -> None:
    for op in ("s += w", "s = s + w", "s += w + ','"):
        assert sites(P, f"def f(ws: list[str]) -> str:\n    s = ''\n    for w in ws:\n        {op}\n    return s\n") == []


BOX = (
    "class Box:\n    def __init__(self) -> None:\n        self.s = ''\n\n"
    "    def fill(self, words: list[str]) -> None:\n        for w in words:\n{body}\n\n"
    "def run(words: list[str]) -> str:\n    b = Box()\n    try:\n        b.fill(words)\n"
    "    except IndexError:\n        return '!' + b.s\n    return b.s\n"
)


@pytest.mark.parametrize(
    "body",
    [
        "            self.s += w[0]",  # IndexError on '' mid-loop: the partial value must survive
        "            if not w:\n                return\n            self.s = w + self.s",
        "            if w == 'x':\n                break\n            self.s = self.s + w.upper()",
    ],
)
def test_visible_targets_keep_partial_values_on_exceptions_and_returns(body: str) -> None:
    source = BOX.format(body=body)
    assert "not provably a str" in (verdicts(P, source)[0] or "")
    assert verdicts(P, source, STR_ATTR) == [None]
    after = fix(P, source, STR_ATTR)
    assert "        try:\n" in after and "        finally:\n            self.s " in after
    check_differential(Example(source, after, call="run", args="st.lists(st.text('ax', max_size=2), max_size=5),"))


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (BOX.format(body="            self.s += w\n            self.log()"), "calls self.log()"),
        (BOX.format(body="            self.s += w\n            n = len(self.s)"), "read or changed inside the loop"),
        (BOX.format(body="            self.s += w\n            yield w"), "suspends"),
        (BOX.format(body="            self.s += w\n            self = None"), "read or changed"),
        ("def f(d: dict[str, str], ws: list[str], k: str) -> None:\n    for w in ws:\n        d[k] += w + ','\n        k = w\n",
         "read or changed"),
        ("def f(d: dict[str, str], ws: list[str], k: str) -> None:\n    for w in ws:\n        d[k] += w + ','\n"
         "        print(d.get(k))\n", "read or changed"),
        ("S = ''\n\ndef f(ws: Iterable[str]) -> None:\n    global S\n    for w in ws:\n        S += w + ','\n", "iterating ws"),
        ("def f(ws: list[str]) -> str:\n    s = ''\n    for w in ws:\n        s = w + s\n        s = s + '!'\n    return s\n",
         "both prepended and appended"),
        ("def f(ws: list[str]) -> str:\n    s = ''\n    for w in ws:\n        s = w + s\n        if s:\n            pass\n    return s\n",
         "read or changed"),
        ("def f(ws: list[int]) -> str:\n    s = ''\n    for w in ws:\n        s = str(w) + s\n    return s\n", None),
        ("def f(ws: list[object]) -> str:\n    s = ''\n    for w in ws:\n        s = w + s\n    return s\n", "piece w"),
        ("def f(ws: list[bytearray]) -> bytes:\n    b = b''\n    for w in ws:\n        b = w + b\n    return b\n", "piece w"),
    ],
)
def test_hazards(source: str, reason: str | None) -> None:
    (got,) = verdicts(P, source, STR_ATTR)
    assert (got is None) if reason is None else (got is not None and reason in got), got
    if reason is not None:
        assert fix(P, source, STR_ATTR) == source


def test_globals_and_closure_cells_are_not_in_place_either() -> None:
    module_level = "WORDS: list[str] = ['a', 'b']\nTEXT = ''\nfor w in WORDS:\n    TEXT += w + ';'\n"
    after = fix(P, module_level)
    assert after == (
        "WORDS: list[str] = ['a', 'b']\nTEXT = ''\nTEXT_parts = []\ntry:\n    for w in WORDS:\n"
        "        TEXT_parts.append(w + ';')\nfinally:\n    TEXT += ''.join(TEXT_parts)\n"
    )
    namespace: dict[str, object] = {}
    exec(after, namespace)
    assert namespace["TEXT"] == "a;b;"
    cell = (
        "def f(ws: list[str]) -> str:\n    s = ''\n\n    def show() -> str:\n        return s\n\n"
        "    for w in ws:\n        s += w + '.'\n    return show()\n"
    )
    (site,) = sites(P, cell)
    assert site.fact("kind") == "cell" and verdicts(P, cell) == [None]
    check_differential(Example(cell, fix(P, cell), call="f", args="st.lists(st.text(max_size=2), max_size=4),"))


def test_evidence_can_prove_the_pieces() -> None:
    source = "def f(ws) -> str:\n    s = ''\n    for w in ws:\n        s = w + s\n    return s\n"
    assert "piece w" in (verdicts(P, source)[0] or "")
    assert verdicts(P, source, Evidence("m.f", {"ws": frozenset({"str"})})) == [None]
    assert "piece w" in (verdicts(P, source, Evidence("m.f", {"ws": frozenset({"str", "int"})}))[0] or "")


def test_local_prepend_inside_try_is_joined_in_finally() -> None:
    source = (
        "def f(ws: list[str]) -> str:\n    s = ''\n    try:\n        for w in ws:\n            s = w[0] + s  # first letters\n"
        "    except IndexError:\n        return 'partial:' + s\n    return s\n"
    )
    after = fix(P, source)
    assert "s_parts.append(w[0])  # first letters" in after and "finally:\n            s = ''.join(s_parts[::-1]) + s" in after
    check_differential(Example(source, after, call="f", args="st.lists(st.text('ab', max_size=2), max_size=5),"))


def test_names_of_the_parts_list_do_not_clash_and_comments_stay() -> None:
    source = (
        "def f(ws: list[str]) -> str:\n    s = ''\n    s_parts = 1\n    # build it backwards\n"
        "    for w in ws:\n        s = w + s\n    return s + str(s_parts)\n"
    )
    after = fix(P, source)
    assert "    # build it backwards\n    s_parts_2 = []\n    for w in ws:\n        s_parts_2.append(w)\n" in after
    check_differential(Example(source, after, call="f", args="st.lists(st.text(max_size=2), max_size=4),"))
