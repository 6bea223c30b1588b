"""KZ104 index-count-in-loop: every hazard of the issue, each untouched or correctly rewritten."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from tests.patterns.catalogue_support import ev, fixed, untouched

ID = "KZ104"


def run(source: str, *args: Any) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(source, "<t>", "exec", dont_inherit=True), namespace)
    try:
        return namespace["f"](*args)
    except Exception as exc:  # the exception is the behaviour compared
        return (type(exc).__name__, str(exc))


INDEX = """\
def f(order, picks):
    names = order.split()
    return [names.index(p) for p in picks.split()]
"""


def test_index_keeps_first_occurrence_and_raises_the_same_value_error_when_absent() -> None:
    new = fixed(ID, INDEX)
    assert "names_positions = {item: i for i, item in reversed(list(enumerate(names)))}" in new
    for order, picks in [("a b a c b", "b a c"), ("x y", "y q"), ("", "a"), ("a a a", "a")]:
        assert run(new, order, picks) == run(INDEX, order, picks)
    assert run(new, "x y", "q") == ("ValueError", "'q' is not in list")


def test_count_becomes_a_counter_and_adds_the_import_once() -> None:
    source = """\
    def f(votes, names):
        vs = votes.split()
        return {n: vs.count(n) for n in names.split()}
    """
    new = fixed(ID, source)
    assert new == textwrap.dedent("""\
    import collections

    def f(votes, names):
        vs = votes.split()
        vs_counts = collections.Counter(vs)
        return {n: vs_counts[n] for n in names.split()}
    """)
    assert run(new, "a b a", "a c b") == run(textwrap.dedent(source), "a b a", "a c b") == {"a": 2, "c": 0, "b": 1}


def test_equal_numbers_of_different_types_count_together_as_in_the_list() -> None:
    source = "def f(xs, ys):\n    return [xs.count(y) for y in ys]\n"
    evidence = ev(value_xs="list", elements_xs="int,float,bool", elements_ys="int,float,bool")
    new = fixed(ID, source, evidence)
    assert "Counter(xs)" in new
    assert run(new, [1, True, 1.0, 2, 0.0, False], [1, 0, 2.0, 3]) == [3, 2, 1, 0]


def test_index_with_bounds_is_not_touched() -> None:
    assert untouched(ID, "def f(ws):\n    ws = ws.split()\n    return [ws.index(w, 1) for w in ws]\n") == []


def test_str_receivers_find_substrings_and_are_never_rewritten() -> None:
    assert untouched(ID, "def f(words):\n    text = 'a b c'\n    return [text.index(w) for w in words]\n") == []
    reported = untouched(ID, "def f(words, text):\n    return [text.count(w) for w in words]\n", ev(elements_words="str", elements_text="str"))
    assert reported == ["text may not be a list or tuple: its type is unknown (str.count works on substrings)"]


def test_mutation_in_the_loop_blocks() -> None:
    source = """\
    def f(words):
        seen = ['x']
        for w in words.split():
            seen.append(w)
            print(seen.count(w))
    """
    assert untouched(ID, source) == ["seen is changed in the loop (seen.append() at line 4)"]


def test_unhashable_elements_or_lookups_are_reported() -> None:
    source = "def f(xs, ys):\n    return [xs.index(y) for y in ys]\n"
    assert untouched(ID, source, ev(value_xs="list", elements_xs="list", elements_ys="int")) == [
        "elements may be unhashable or compare unlike a set: element types list"
    ]
    assert untouched(ID, source, ev(value_xs="list", elements_xs="int")) == [
        "the value looked up (y) may be unhashable: its type is unknown"
    ]


def test_an_index_argument_that_is_an_expression_would_be_evaluated_twice() -> None:
    source = "def f(order, picks):\n    names = order.split()\n    return [names.index(p.strip()) for p in picks.split()]\n"
    assert untouched(ID, source) == ["the value looked up is an expression, which the rewrite would evaluate twice"]


def test_shadowed_builtins_block_the_position_dict() -> None:
    source = "list = tuple\n\n" + INDEX
    assert untouched(ID, source) == ["one of the builtins reversed, list, enumerate is rebound here"]


def test_a_module_name_collections_that_is_not_the_module_blocks_the_counter() -> None:
    source = "collections = {}\n\ndef f(vs, ns):\n    vs = vs.split()\n    return [vs.count(n) for n in ns.split()]\n"
    new = fixed(ID, source)
    assert new == source  # the rewrite refuses: it cannot import collections under that name


@pytest.mark.parametrize("wrap", ["x = {call}", "print({call} + 1)", "return [{call} for p in picks.split()]"])
def test_the_conditional_lookup_is_parenthesised_only_where_it_must_be(wrap: str) -> None:
    body = wrap.format(call="names.index(p)")
    loop = "" if "for p in" in body else "    for p in picks.split():\n    "
    source = f"def f(order, picks):\n    names = order.split()\n{loop}    {body}\n"
    new = fixed(ID, source)
    compile(new, "<t>", "exec")
    inner = "names_positions[p] if p in names_positions else names.index(p)"
    assert (f"({inner}) + 1" in new) == ("+ 1" in body)
    assert inner in new
