"""KZ103 dedup-seen-set: every hazard of the issue, each untouched or correctly rewritten."""

from __future__ import annotations

import textwrap
from typing import Any

from tests.patterns.catalogue_support import ev, fixed, untouched

ID = "KZ103"


def call(source: str, *args: Any) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(source, "<t>", "exec", dont_inherit=True), namespace)
    return namespace["f"](*args)


def test_a_list_used_only_to_remember_becomes_a_set() -> None:
    source = """\
    def f(text):
        seen = []
        out = []
        for w in text.split():
            if w not in seen:
                seen.append(w)
                out.append(w)
        return out
    """
    new = fixed(ID, source)
    assert "seen = set()" in new and "seen.add(w)" in new and "w not in seen" in new
    assert call(new, "b a b c a") == call(textwrap.dedent(source), "b a b c a") == ["b", "a", "c"]


def test_a_list_that_is_also_returned_keeps_a_set_beside_it() -> None:
    source = """\
    def f(text):
        kept = []
        for w in text.split():
            if w not in kept: kept.append(w)
        return kept
    """
    assert fixed(ID, source) == textwrap.dedent("""\
    def f(text):
        kept = []
        kept_set = set()
        for w in text.split():
            if w not in kept_set: kept.append(w); kept_set.add(w)
        return kept
    """)


def test_a_prefilled_list_seeds_the_set_with_its_contents() -> None:
    source = """\
    def f(text):
        kept = ["a"]
        extra = 0
        for w in text.split():
            if w not in kept:
                kept.append(w)
        return kept, extra
    """
    new = fixed(ID, source)
    assert "kept_set = set(kept)" in new
    assert call(new, "a b a c") == (["a", "b", "c"], 0)


def test_first_of_equal_numbers_is_kept_as_with_the_list() -> None:
    source = """\
    def f(values):
        out = []
        for v in values:
            if v not in out:
                out.append(v)
        return out
    """
    new = fixed(ID, source, ev(elements_values="int,float,bool"))
    assert "out_set" in new
    assert call(new, [1.0, True, 1, 0, False, 2]) == [1.0, 0, 2]


def test_other_mutations_in_the_loop_block() -> None:
    source = """\
    def f(text):
        seen = []
        for w in text.split():
            if w in seen:
                seen.remove(w)
            else:
                seen.append(w)
        return seen
    """
    assert untouched(ID, source) == ["seen is changed in the loop (seen.remove() at line 5)"]


def test_a_shared_list_and_an_unknown_call_in_the_loop_block() -> None:
    source = """\
    def f(text, seen):
        for w in text.split():
            if w not in seen:
                seen.append(w)
                log(w)
    """
    assert untouched(ID, source, ev(elements_seen="str")) == ["the call log() in the loop may change seen"]


def test_unknown_or_unhashable_elements_are_reported() -> None:
    source = "def f(xs):\n    seen = []\n    for x in xs:\n        if x not in seen:\n            seen.append(x)\n    return len(seen)\n"
    assert untouched(ID, source) == ["the value looked up (x) may be unhashable: its type is unknown"]
    assert untouched(ID, source, ev(elements_xs="list")) == ["the value looked up (x) may be unhashable: types list"]


def test_an_appended_expression_is_not_evaluated_twice() -> None:
    source = """\
    def f(text):
        seen = []
        for w in text.split():
            if w.lower() not in seen:
                seen.append(w.lower())
        return seen
    """
    assert untouched(ID, source) == [
        "an appended value is an expression, which keeping a set beside the list would evaluate twice"
    ]


def test_a_seen_list_only_tested_and_appended_may_append_expressions() -> None:
    source = """\
    def f(text):
        seen = []
        n = 0
        for w in text.split():
            if w.lower() not in seen:
                seen.append(w.lower())
                n += 1
        return n
    """
    new = fixed(ID, source)
    assert "seen = set()" in new and "seen.add(w.lower())" in new
    assert call(new, "A a b B c") == 3


def test_shadowed_set_blocks() -> None:
    source = "set = list\n\ndef f(t):\n    seen = []\n    for w in t.split():\n        if w not in seen:\n            seen.append(w)\n    return seen\n"
    assert untouched(ID, source) == ["the builtin set is rebound in this module or function"]


def test_the_same_list_in_nested_loops_is_reported_once_for_the_outer_loop() -> None:
    source = """\
    def f(groups):
        seen = []
        for g in groups:
            for w in g.split():
                if w not in seen:
                    seen.append(w)
        return seen
    """
    new = fixed(ID, source)
    assert new.count("seen_set = set()") == 1
    assert new.index("seen_set = set()") < new.index("for g in groups")
    assert call(new, ["a b", "b c"]) == ["a", "b", "c"]
