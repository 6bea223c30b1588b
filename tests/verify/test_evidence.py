"""Captured shapes become the Evidence the patterns' refuse() reads, spelled as they expect."""

from __future__ import annotations

from typing import Any

from kaizen.patterns.infer import IMMUTABLE
from kaizen.verify._child._kaizen_capture import observe
from kaizen.verify.capture import Captured
from kaizen.verify.evidence import SAFE_TUPLE, to_evidence


class Row:
    pass


def shape_of(*values: Any) -> tuple[dict[str, Any], list[bytes]]:
    shape: dict[str, Any] = {}
    pool: list[bytes] = []
    for value in values:
        observe(shape, value, [1000], pool)
    return shape, pool


def evidence_for(**params: tuple[Any, ...]) -> Any:
    shapes = {name: shape_of(*values)[0] for name, values in params.items()}
    return to_evidence(Captured("m", "f", "patched", seen=3, shapes=shapes))


def test_builtin_types_are_named_as_patterns_infer_them() -> None:
    ev = evidence_for(xs=([1, "a", None, 2.5, b"x", True],))
    assert ev.value_types["xs"] == frozenset({"list"})
    assert ev.element_types["xs"] == frozenset({"int", "str", "NoneType", "float", "bytes", "bool"})
    assert ev.element_types["xs"] <= IMMUTABLE
    assert ev.function == "m.f" and ev.calls_seen == 3


def test_a_user_class_is_qualified_so_it_never_passes_for_a_builtin() -> None:
    ev = evidence_for(rows=([Row()],))
    assert ev.element_types["rows"] == frozenset({f"{__name__}.Row"})


def test_tuples_of_immutables_are_marked_hashable_and_others_are_not() -> None:
    ev = evidence_for(pairs=([(1, "a"), (2, ("b", 3.0))],), mixed=([(1, [2])],))
    assert ev.element_types["pairs"] == frozenset({SAFE_TUPLE})
    assert ev.element_types["mixed"] == frozenset({"tuple"})


def test_types_seen_over_several_calls_are_united() -> None:
    ev = evidence_for(x=([1], (2,), {3.0}))
    assert ev.value_types["x"] == frozenset({"list", "tuple[immutable]", "set"})
    assert ev.element_types["x"] == frozenset({"int", "float"})


def test_dict_keys_are_its_elements_and_values_are_kept_apart() -> None:
    ev = evidence_for(index=({"a": [1], "b": [2]},))
    assert ev.element_types["index"] == frozenset({"str"})
    assert ev.element_types["index.values()"] == frozenset({"list"})


def test_a_collection_only_ever_empty_proves_nothing_about_its_elements() -> None:
    ev = evidence_for(xs=([], []))
    assert ev.value_types["xs"] == frozenset({"list"})
    assert "xs" not in ev.element_types


def test_globals_the_function_reads_are_evidence_too() -> None:
    captured = Captured("m", "f", "patched", seen=1, global_shapes={"ALLOWED": shape_of(["a", "b"])[0]})
    assert to_evidence(captured).element_types["ALLOWED"] == frozenset({"str"})
