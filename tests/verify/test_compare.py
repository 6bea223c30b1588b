"""The comparator that decides "same behaviour": exact by default, in the ways callers notice."""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from fractions import Fraction

import numpy as np
import pytest

from kaizen.verify._child._kaizen_compare import diff, normalize, outcome_diff


class Point:
    def __init__(self, x: object, y: object) -> None:
        self.x = x
        self.y = y

    def __eq__(self, other: object) -> bool:  # deliberately loose: only x
        return isinstance(other, Point) and self.x == other.x

    __hash__ = None  # type: ignore[assignment]


class Slotted:
    __slots__ = ("a",)

    def __init__(self, a: object) -> None:
        self.a = a


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (1, 1), ("a", "a"), (None, None), (1.5, 1.5), (math.nan, math.nan), (-0.0, -0.0),
        ([1, [2, 3]], [1, [2, 3]]), ({"a": 1, "b": 2}, {"a": 1, "b": 2}), ({1, 2, 3}, {3, 2, 1}),
        ({math.nan, 1.0}, {1.0, math.nan}), (frozenset({(1, 2)}), frozenset({(1, 2)})),
        (Point(1, 2), Point(1, 2)), (Slotted([1]), Slotted([1])), (deque([1, 2]), deque([1, 2])),
        (Fraction(1, 3), Fraction(1, 3)), (np.array([1.0, np.nan]), np.array([1.0, np.nan])),
        (complex(1, math.nan), complex(1, math.nan)),
    ],
)  # fmt: skip
def test_the_same_values_compare_equal(old: object, new: object) -> None:
    assert diff(old, new) is None


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (1, 1.0, "result: old int 1, new float 1.0"),
        (1, True, "result: old int 1, new bool True"),
        (0.0, -0.0, "result: old 0.0, new -0.0"),
        (0.1 + 0.2, 0.3, "result: old 0.30000000000000004, new 0.3"),
        ([1, 2], [2, 1], "result[0]: old 1, new 2"),
        ([1, 2], [1, 2, 3], "result: old 2 items"),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, "result keys (in order)[0]"),
        ({"a": [1]}, {"a": [2]}, "result['a'][0]: old 1, new 2"),
        ({1, 2}, {1, 3}, "result: old"),
        ({0.0}, {-0.0}, "result: old"),
        (Point(1, 2), Point(1, 3), "result.y: old 2, new 3"),  # a loose __eq__ hides nothing
        (Slotted(1), Slotted(2), "result (state)"),
        (np.array([1.0, 2.0]), np.array([1.0, 2.5]), "result[1]: old np.float64(2.0), new np.float64(2.5)"),
        (np.array([1, 2], dtype=np.int64), np.array([1, 2], dtype=np.int32), "result dtype"),
        (np.array([0.0]), np.array([-0.0]), "result[0]"),
        ((1, 2), [1, 2], "result: old tuple"),
        (OrderedDict(a=1), {"a": 1}, "result: old collections.OrderedDict"),
    ],
)  # fmt: skip
def test_a_difference_says_where_and_what(old: object, new: object, where: str) -> None:
    found = diff(old, new)
    assert found is not None and found.startswith(where), found


def test_sets_of_objects_match_by_state_not_by_hash() -> None:
    a, b = Slotted(1), Slotted(2)
    with pytest.raises(TypeError):
        hash(Point(1, 1))
    assert diff([{a}, 1], [{Slotted(1)}, 1]) is None
    assert diff({a}, {b}) is not None


def test_cycles_do_not_recurse_forever() -> None:
    old: list[object] = [1]
    old.append(old)
    new: list[object] = [1]
    new.append(new)
    assert diff(old, new) is None


def call(kind: str, value: object, args: list[object] | None = None, stdout: str = "", **g: object) -> dict[str, object]:
    return {"kind": kind, "value": value, "args": args or [], "kwargs": {}, "globals": g, "stdout": stdout}


def test_outcomes_compare_exceptions_mutation_globals_and_output() -> None:
    names = ["items"]
    assert outcome_diff(call("raise", ("KeyError", "'x'")), call("raise", ("KeyError", "'x'")), names) is None
    assert outcome_diff(call("raise", ("KeyError", "'x'")), call("raise", ("ValueError", "'x'")), names) == (
        "old raised KeyError(\"'x'\"), new raised ValueError(\"'x'\")"
    )
    assert outcome_diff(call("return", 1), call("raise", ("IndexError", "boom")), names) == "old returned 1, new raised IndexError('boom')"
    assert outcome_diff(call("return", None, [[1, 2]]), call("return", None, [[2, 1]]), names) == (
        "argument items after the call[0]: old 1, new 2"
    )
    assert outcome_diff(call("return", 0, RATE=2), call("return", 0, RATE=3), names) == "global RATE after the call: old 2, new 3"
    assert outcome_diff(call("return", 0, stdout="a\n"), call("return", 0, stdout="b\n"), names) == "printed output: old 'a\\n', new 'b\\n'"


def test_memory_addresses_do_not_count_as_differences() -> None:
    assert normalize("<Foo object at 0x7f3a2b1c9d00>") == normalize("<Foo object at 0x7f0000000010>")
    old = call("raise", ("TypeError", "bad <Foo object at 0x7f3a2b1c9d00>"))
    new = call("raise", ("TypeError", "bad <Foo object at 0x7f11aa22bb30>"))
    assert outcome_diff(old, new, []) is None
