"""KZ102 membership-in-loop: every hazard of the issue, each untouched or correctly rewritten."""

from __future__ import annotations

import textwrap

from tests.patterns.catalogue_support import ev, fixed, reasons, untouched

ID = "KZ102"


def test_list_of_string_literals_is_fixed_without_evidence() -> None:
    source = """\
    def keep(words):
        stop = ["a", "an", "the"]
        return [w for w in words.split() if w not in stop]
    """
    assert fixed(ID, source) == textwrap.dedent("""\
    def keep(words):
        stop = ["a", "an", "the"]
        stop_set = set(stop)
        return [w for w in words.split() if w not in stop_set]
    """)


def test_mutation_in_the_loop_blocks_directly_and_through_a_called_function() -> None:
    direct = """\
    def f(xs):
        allowed = ["a", "b"]
        for x in xs.split():
            if x in allowed:
                allowed.remove(x)
    """
    assert "allowed is changed in the loop (allowed.remove() at line 5)" in untouched(ID, direct)
    passed = """\
    def f(xs):
        allowed = ["a", "b"]
        for x in xs.split():
            if x in allowed:
                prune(allowed)
    """
    assert any("passed to prune(allowed)" in r for r in untouched(ID, passed))


def test_an_alias_makes_the_list_shared_so_unknown_calls_block() -> None:
    source = """\
    def f(xs):
        allowed = ["a", "b"]
        alias = allowed
        for x in xs.split():
            if x in allowed:
                refill()
    """
    assert untouched(ID, source) == ["the call refill() in the loop may change allowed"]


def test_a_parameter_may_be_changed_by_any_call_the_loop_makes() -> None:
    source = """\
    def f(xs, allowed):
        return [x for x in xs if x in allowed and check(x)]
    """
    evidence = ev(value_allowed="list", elements_allowed="str", elements_xs="str")
    assert untouched(ID, source, evidence) == ["the call check() in the loop may change allowed"]


def test_unknown_element_types_are_reported_not_fixed() -> None:
    source = """\
    def f(xs, allowed):
        return [x for x in xs if x in allowed]
    """
    assert untouched(ID, source, ev(value_allowed="list")) == ["elements may be unhashable: element type unknown"]


def test_runtime_evidence_of_hashable_builtins_makes_it_fixable_and_objects_keep_it_report_only() -> None:
    source = """\
    def f(xs, allowed):
        return [x for x in xs if x in allowed]
    """
    good = ev(value_allowed="list", elements_allowed="int,str", elements_xs="int")
    assert "allowed_set = set(allowed)" in fixed(ID, source, good)
    for bad in ("dict", "Point", "tuple"):
        evidence = ev(value_allowed="list", elements_allowed=bad, elements_xs="int")
        assert untouched(ID, source, evidence) == [f"elements may be unhashable or compare unlike a set: element types {bad}"]


def test_an_unhashable_probe_would_raise_in_a_set() -> None:
    source = """\
    def f(xs):
        names = ["a", "b"]
        return [x for x in xs if x in names]
    """
    assert untouched(ID, source) == ["the value looked up (x) may be unhashable: its type is unknown"]
    assert untouched(ID, source, ev(elements_xs="list")) == ["the value looked up (x) may be unhashable: types list"]
    assert "names_set" in fixed(ID, source, ev(elements_xs="str"))


def test_numeric_mixes_are_safe_because_builtin_numbers_hash_like_they_compare() -> None:
    source = """\
    def f(xs, ys):
        return [x for x in xs if x in ys]
    """
    evidence = ev(value_ys="list", elements_ys="int,float,bool", elements_xs="bool,int,float")
    new = fixed(ID, source, evidence)
    namespace: dict[str, object] = {}
    exec(new, namespace)
    assert namespace["f"]([1, True, 0.0, 2.5, 3], [1.0, False, 3]) == [1, True, 0.0, 3]  # type: ignore[operator]


def test_a_str_container_tests_substrings_and_an_unknown_one_may_be_a_str() -> None:
    assert untouched(ID, "def f(xs):\n    s = 'abc'\n    return [x for x in xs if x in s]\n") == []
    reported = untouched(ID, "def f(xs, s):\n    return [x for x in xs if x in s]\n", ev(elements_xs="str", elements_s="str"))
    assert reported == ["s may not be a list or tuple: its type is unknown (a str would test substrings)"]
    assert untouched(ID, "def f(xs, s):\n    return [x for x in xs if x in s]\n", ev(value_s="str", elements_xs="str")) == [
        "s is not always a list or tuple (seen: str)"
    ]


def test_rebinding_in_the_loop_means_not_invariant() -> None:
    assert untouched(ID, "def f(xs):\n    for x in xs:\n        b = x.split()\n        if 'k' in b:\n            return b\n") == []


def test_a_list_rebound_in_the_outer_loop_is_hoisted_only_out_of_the_inner_loop() -> None:
    source = """\
    def f(groups, text):
        hits = 0
        for g in groups:
            names = g.split()
            for w in text.split():
                if w in names:
                    hits += 1
        return hits
    """
    assert fixed(ID, source) == textwrap.dedent("""\
    def f(groups, text):
        hits = 0
        for g in groups:
            names = g.split()
            names_set = set(names)
            for w in text.split():
                if w in names_set:
                    hits += 1
        return hits
    """)


def test_a_list_that_may_be_unbound_when_the_loop_starts_is_left_alone() -> None:
    source = """\
    def f(xs, flag):
        if flag:
            names = ["a"]
        return [x for x in xs.split() if x in names]
    """
    assert untouched(ID, source) == ["names is not certainly assigned before the loop starts"]


def test_a_lazy_generator_may_run_after_the_list_changed() -> None:
    source = """\
    def f(xs):
        names = ["a"]
        gen = (x for x in xs.split() if x in names)
        names.append("b")
        return list(gen)
    """
    assert untouched(ID, source) == []


def test_a_loop_that_yields_lets_the_caller_change_a_shared_list() -> None:
    source = """\
    def f(xs, names):
        for x in xs:
            if x in names:
                yield x
    """
    evidence = ev(value_names="list", elements_names="str", elements_xs="str")
    assert untouched(ID, source, evidence) == ["the loop suspends (yield x); other code may change names meanwhile"]


def test_shadowed_set_blocks_and_names_do_not_collide() -> None:
    shadowed = "set = frozenset\n\ndef f(xs):\n    names = ['a']\n    return [x for x in xs.split() if x in names]\n"
    assert untouched(ID, shadowed) == ["the builtin set is rebound in this module or function"]
    taken = "def f(xs):\n    names = ['a']\n    names_set = 1\n    return [x for x in xs.split() if x in names], names_set\n"
    assert "names_set_2 = set(names)" in fixed(ID, taken)


def test_all_tests_against_the_same_list_in_one_loop_share_one_set_and_comments_stay() -> None:
    source = """\
    def f(text):
        names = ["a", "b"]  # the names
        out = []
        # walk the words
        for w in text.split():
            if w in names or w.upper() in names:  # either case
                out.append(w)
        return out
    """
    assert fixed(ID, source) == textwrap.dedent("""\
    def f(text):
        names = ["a", "b"]  # the names
        out = []
        # walk the words
        names_set = set(names)
        for w in text.split():
            if w in names_set or w.upper() in names_set:  # either case
                out.append(w)
        return out
    """)


def test_no_finding_outside_functions_or_on_sets() -> None:
    assert reasons(ID, "names = ['a']\nfor x in 'a b'.split():\n    print(x in names)\n") == []
    assert reasons(ID, "def f(xs):\n    names = {'a'}\n    return [x for x in xs if x in names]\n") == []


def test_a_module_level_tuple_of_literals_cannot_change_so_it_is_fixed() -> None:
    source = """\
    STOP = ("a", "an", "the")


    def keep(text):
        return [w for w in text.split() if w not in STOP and check(w)]
    """
    source = textwrap.dedent(source)
    new = fixed(ID, source)
    assert "    stop_set = set(STOP)\n    return [w for w in text.split() if w not in stop_set and check(w)]" in new
    rebound = source + "\n\ndef reset():\n    global STOP\n    STOP = ()\n"
    assert untouched(ID, rebound) == ["the call check() in the loop may change STOP"]
    a_list = source.replace('("a", "an", "the")', '["a", "an", "the"]')
    assert untouched(ID, a_list) == ["the call check() in the loop may change STOP"]


def test_module_level_dicts_and_sets_and_names_used_like_them_are_not_lists() -> None:
    assert reasons(ID, "TABLE = {'a': 1}\n\ndef f(xs):\n    return [x for x in xs if x in TABLE]\n") == []
    assert reasons(ID, "def f(xs, seen):\n    for x in xs:\n        if x not in seen:\n            seen.add(x)\n") == []
    assert reasons(ID, "def f(xs, d):\n    return [d.get(x) for x in xs if x in d]\n") == []


def test_a_closure_variable_is_not_mistaken_for_the_module_constant_of_the_same_name() -> None:
    source = """\
    STOP = ("a",)


    def outer(STOP):
        def inner(text):
            return [w for w in text.split() if w in STOP]
        return inner
    """
    assert untouched(ID, source) == ["STOP may not be a list or tuple: its type is unknown (a str would test substrings)"]


def test_items_of_rows_are_typed_from_annotations_and_from_element_evidence() -> None:
    source = """\
    def f(rows, allowed):
        return [r for r in rows if r[0] in allowed]
    """
    assert untouched(ID, source, ev(value_allowed="list", elements_allowed="int")) == [
        "the value looked up (r[0]) may be unhashable: its type is unknown"
    ]
    safe = ev(value_allowed="list", elements_allowed="int", elements_rows="tuple[immutable]")
    assert "allowed_set = set(allowed)" in fixed(ID, source, safe)
    mutable = ev(value_allowed="list", elements_allowed="int", elements_rows="tuple")
    assert untouched(ID, source, mutable) == ["the value looked up (r[0]) may be unhashable: its type is unknown"]
    annotated = source.replace("(rows, allowed)", "(rows: list[tuple[int, str]], allowed: list[int])")
    assert "allowed_set = set(allowed)" in fixed(ID, annotated)


def test_tuples_of_immutable_items_go_into_a_set() -> None:
    source = """\
    def f(xs, allowed):
        return [x for x in xs if x in allowed]
    """
    good = ev(value_allowed="list", elements_allowed="tuple[immutable]", elements_xs="tuple[immutable]")
    assert "allowed_set = set(allowed)" in fixed(ID, source, good)
