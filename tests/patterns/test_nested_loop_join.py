"""KZ101 nested-loop-join: every hazard of the issue, each untouched or correctly rewritten."""

from __future__ import annotations

import textwrap
from typing import Any

from tests.patterns.catalogue_support import ev, fixed, reasons, untouched

ID = "KZ101"
KEYS = ev(value_customers="list", **{"value_o[0]": "int", "value_c[0]": "int"})


def call(source: str, *args: Any) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(textwrap.dedent(source), "<t>", "exec", dont_inherit=True), namespace)
    return namespace["f"](*args)


ORDERS = [(1, "a"), (2, "b"), (3, "c"), (1, "d")]
CUSTOMERS = [(1, "x"), (2, "y"), (1, "z")]  # a duplicate key: 1


def test_first_match_with_break_keeps_the_first_duplicate() -> None:
    source = """\
    def f(orders, customers):
        out = []
        for o in orders:
            for c in customers:
                if o[0] == c[0]:
                    out.append((o[1], c[1]))
                    break
        return out
    """
    new = fixed(ID, source, KEYS)
    assert "customers_by_key.setdefault(c[0], []).append(c)" in new
    assert call(new, ORDERS, CUSTOMERS) == call(source, ORDERS, CUSTOMERS) == [("a", "x"), ("b", "y"), ("d", "x")]


def test_all_matches_are_seen_in_order_and_other_conditions_stay() -> None:
    source = """\
    def f(orders, customers):
        out = []
        for o in orders:
            for c in customers:
                if o[0] == c[0] and c[1] != "y":
                    out.append((o[1], c[1]))
        return out
    """
    new = fixed(ID, source, KEYS)
    assert 'if c[1] != "y":' in new and "for c in customers_by_key.get(o[0], ()):" in new
    assert call(new, ORDERS, CUSTOMERS) == call(source, ORDERS, CUSTOMERS)


def test_the_inner_else_clause_keeps_its_meaning() -> None:
    source = """\
    def f(orders, customers):
        missing = []
        for o in orders:
            for c in customers:
                if c[0] == o[0]:
                    break
            else:
                missing.append(o[1])
        return missing
    """
    new = fixed(ID, source, KEYS)
    assert "for c in customers_by_key.get(o[0], ()):" in new
    assert call(new, ORDERS, CUSTOMERS) == call(source, ORDERS, CUSTOMERS) == ["c"]


def test_an_else_on_the_if_means_non_matches_do_work_too() -> None:
    source = """\
    def f(orders, customers):
        n = 0
        for o in orders:
            for c in customers:
                if o[0] == c[0]:
                    n += 1
                else:
                    n -= 1
        return n
    """
    assert reasons(ID, source, KEYS) == []
    assert fixed(ID, source, KEYS) == textwrap.dedent(source)


def test_unknown_or_unhashable_keys_are_reported() -> None:
    source = "def f(orders, customers):\n    for o in orders:\n        for c in customers:\n            if o.cid == c.id:\n                print(o, c)\n"
    assert untouched(ID, source, ev(value_customers="list")) == ["the join key (c.id) may be unhashable: its type is unknown"]
    unhashable = ev(value_customers="list", **{"value_c.id": "list", "value_o.cid": "int"})
    assert untouched(ID, source, unhashable) == ["the join key (c.id) may be unhashable: types list"]
    fine = ev(value_customers="list", **{"value_c.id": "int", "value_o.cid": "int,bool"})
    assert "customers_by_id.setdefault(c.id, []).append(c)" in fixed(ID, source, fine)


def test_an_iterator_as_the_inner_collection_is_not_indexed() -> None:
    source = "def f(orders, customers):\n    for o in orders:\n        for c in customers:\n            if o == c:\n                print(o)\n"
    assert untouched(ID, source, ev(elements_customers="int", elements_orders="int")) == [
        "customers may be an iterator (consumed by the first pass of the original loops): its type is unknown"
    ]
    assert untouched(ID, source, ev(value_customers="generator", elements_customers="int", elements_orders="int")) == [
        "customers is not always a builtin collection (seen: generator)"
    ]


def test_the_inner_collection_changing_in_the_outer_loop_blocks() -> None:
    source = """\
    def f(xs):
        ys = xs.split()
        for x in xs.split():
            for y in ys:
                if x == y:
                    break
            ys.append(x)
        return ys
    """
    assert untouched(ID, source) == ["ys is changed in the loop (ys.append() at line 7)"]


def test_the_inner_collection_rebound_in_the_outer_loop_is_not_a_join() -> None:
    source = "def f(groups, keys):\n    for g in groups:\n        ys = g.split()\n        for y in ys:\n            if y == keys:\n                print(y)\n"
    assert reasons(ID, source) == []


def test_the_loop_variable_used_after_the_inner_loop_blocks() -> None:
    source = """\
    def f(xs, ys):
        xs, ys = xs.split(), ys.split()
        for x in xs:
            for y in ys:
                if x == y:
                    break
            print(y)
    """
    assert untouched(ID, source) == ["the loop variable y is used outside the inner loop, where it would hold another value"]


def test_conditions_before_the_equality_are_not_reordered() -> None:
    source = "def f(xs, ys):\n    xs, ys = xs.split(), ys.split()\n    for x in xs:\n        for y in ys:\n            if y and x == y:\n                print(x)\n"
    assert reasons(ID, source) == []


def test_a_search_comprehension_uses_a_fresh_build_variable_when_its_own_is_taken() -> None:
    source = """\
    def f(names, queries):
        known = names.split()
        n = 0
        for q in queries.split():
            n += len([n for n in known if n == q])
        return n
    """
    new = fixed(ID, source)
    assert "for item in known:\n        known_index.setdefault(item, []).append(item)" in new
    assert "[n for n in known_index.get(q, ())]" in new
    assert call(new, "a b a", "a c a") == call(source, "a b a", "a c a") == 4


def test_comments_in_the_inner_loop_survive() -> None:
    source = """\
    def f(a, b):
        xs = a.split()
        ys = b.split()
        hits = []
        for x in xs:
            for y in ys:
                # the match
                if x == y:  # equal words
                    hits.append(y)  # keep it
        return hits
    """
    new = fixed(ID, source)
    assert "        for y in ys_index.get(x, ()):  # equal words\n            # the match\n            hits.append(y)  # keep it\n" in new


# The behaviour check reports element types of parameters, never of expressions like ``c[0]``.
ROWS = ev(value_orders="list", value_customers="list", elements_orders="tuple[immutable]", elements_customers="tuple[immutable]")
SUBSCRIPTS = """\
def f(orders, customers):
    out = []
    for o in orders:
        for c in customers:
            if c[0] == o[1]:
                out.append((o[0], c[1]))
                break
    return out
"""
PAIRS = [(10, 1), (11, 2), (12, 3), (13, 1)]


def test_annotated_tuple_items_prove_the_keys_hashable_without_evidence() -> None:
    source = SUBSCRIPTS.replace("(orders, customers)", "(orders: list[tuple[int, int]], customers: list[tuple[int, str]])")
    new = fixed(ID, source)
    assert "customers_by_key.setdefault(c[0], []).append(c)" in new and "customers_by_key.get(o[1], ())" in new
    assert call(new, PAIRS, CUSTOMERS) == call(source, PAIRS, CUSTOMERS) == [(10, "x"), (11, "y"), (13, "x")]
    # a Sequence may be any class: its keys are typed, but that it is a builtin list needs evidence
    sequence = source.replace("customers: list[", "customers: Sequence[")
    assert untouched(ID, sequence) == ["customers may be an iterator (consumed by the first pass of the original loops): its type is unknown"]
    assert "customers_by_key.get(o[1], ())" in fixed(ID, sequence, ev(value_customers="list"))


def test_an_annotated_unhashable_or_untyped_item_is_refused() -> None:
    mutable = SUBSCRIPTS.replace("(orders, customers)", "(orders: list[tuple[int, int]], customers: list[tuple[list[int], str]])")
    assert untouched(ID, mutable) == ["the join key (c[0]) may be unhashable: types list, str"]
    bare = SUBSCRIPTS.replace("(orders, customers)", "(orders: list[tuple[int, int]], customers: list[tuple])")
    assert untouched(ID, bare) == ["the join key (c[0]) may be unhashable: its type is unknown"]


def test_element_evidence_of_immutable_tuples_proves_item_keys_hashable() -> None:
    new = fixed(ID, SUBSCRIPTS, ROWS)
    assert "customers_by_key.setdefault(c[0], []).append(c)" in new
    assert call(new, PAIRS, CUSTOMERS) == call(SUBSCRIPTS, PAIRS, CUSTOMERS)
    mutable = ev(value_orders="list", value_customers="list", elements_orders="tuple[immutable]", elements_customers="tuple")
    assert untouched(ID, SUBSCRIPTS, mutable) == ["the join key (c[0]) may be unhashable: its type is unknown"]
    objects = ev(value_customers="list", elements_orders="tuple[immutable]", elements_customers="app.Row")
    assert untouched(ID, SUBSCRIPTS, objects) == ["the join key (c[0]) may be unhashable: its type is unknown"]


def test_a_rebound_parameter_or_loop_variable_loses_its_element_types() -> None:
    rebound = SUBSCRIPTS.replace("    out = []\n", "    out = []\n    customers = load(customers)\n")
    assert untouched(ID, rebound, ROWS) == ["the join key (c[0]) may be unhashable: its type is unknown"]
    annotated = rebound.replace("(orders, customers)", "(orders: list[tuple[int, int]], customers: list[tuple[int, str]])")
    assert untouched(ID, annotated, ROWS) == ["the join key (c[0]) may be unhashable: its type is unknown"]


UNPACKED = """\
def f(orders, customers):
    out = []
    for order_id, customer_id in orders:
        for cid, name in customers:
            if cid == customer_id:
                out.append((order_id, name))
                break
        else:
            out.append((order_id, None))
    return out
"""


def test_unpacking_targets_are_indexed_by_position() -> None:
    new = fixed(ID, UNPACKED, ROWS)
    assert "for item in customers:\n        customers_by_cid.setdefault(item[0], []).append(item)" in new
    assert "for cid, name in customers_by_cid.get(customer_id, ()):" in new
    orders = [*PAIRS, (14, 9)]
    assert call(new, orders, CUSTOMERS) == call(UNPACKED, orders, CUSTOMERS) == [(10, "x"), (11, "y"), (12, None), (13, "x"), (14, None)]
    annotated = UNPACKED.replace("(orders, customers)", "(orders: list[tuple[int, int]], customers: list[tuple[int, str]])")
    assert "customers_by_cid.get(customer_id, ())" in fixed(ID, annotated)


def test_unpacking_needs_positional_elements_and_hashable_items() -> None:
    dicts = ev(value_orders="list", value_customers="list", elements_orders="tuple[immutable]", elements_customers="dict", value_cid="int")
    assert untouched(ID, UNPACKED, dicts) == [
        "the elements of customers are not known to be tuples (the index reads the key by position)"
    ]
    mutable = ev(value_orders="list", value_customers="list", elements_orders="tuple[immutable]", elements_customers="tuple")
    assert untouched(ID, UNPACKED, mutable) == ["the join key (cid) may be unhashable: its type is unknown"]
    assert untouched(ID, UNPACKED, ev(value_customers="list")) == [
        "the elements of customers are not known to be tuples (the index reads the key by position)"
    ]


def test_an_unpacked_name_read_after_the_inner_loop_blocks() -> None:
    source = UNPACKED.replace("        else:\n            out.append((order_id, None))\n", "        out.append(name)\n")
    assert untouched(ID, source, ROWS) == ["the loop variable name is used outside the inner loop, where it would hold another value"]


def test_an_unpacking_comprehension_is_indexed_too() -> None:
    source = """\
    def f(orders, customers):
        return [[name for cid, name in customers if cid == customer_id] for _, customer_id in orders]
    """
    new = fixed(ID, source, ROWS)
    assert "[name for cid, name in customers_by_cid.get(customer_id, ())]" in new
    assert call(new, PAIRS, CUSTOMERS) == call(source, PAIRS, CUSTOMERS)


def test_float_keys_on_both_sides_are_refused_because_of_nan() -> None:
    nan = float("nan")
    orders, customers = [(10, nan)], [(nan, "x")]
    assert call(SUBSCRIPTS, orders, customers) == [], "`==` never matches NaN, not even the same object"
    assert {nan: "x"}.get(nan) == "x", "a dict finds the same NaN object by identity: an index would match"
    floats = ev(**{"value_customers": "list", "value_o[1]": "float", "value_c[0]": "float,int"})
    assert untouched(ID, SUBSCRIPTS, floats) == [
        "both join keys may be floats, so possibly the same NaN object: `==` never matches NaN, "
        "but a dict finds a key by identity first"
    ]
    # a float on one side only cannot be the same object as the other side's keys: no NaN can match
    one_side = ev(**{"value_customers": "list", "value_o[1]": "float", "value_c[0]": "int"})
    new = fixed(ID, SUBSCRIPTS, one_side)
    assert call(new, [(10, 1.0), (11, nan)], CUSTOMERS) == call(SUBSCRIPTS, [(10, 1.0), (11, nan)], CUSTOMERS) == [(10, "x")]
    annotated = SUBSCRIPTS.replace("(orders, customers)", "(orders: list[tuple[int, float]], customers: list[tuple[float, str]])")
    assert untouched(ID, annotated, ev(value_customers="list"))[0].startswith("both join keys may be floats")
