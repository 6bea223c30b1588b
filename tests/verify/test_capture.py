"""The recorder's pieces that run inside the project: shapes of values, and merging processes."""

from __future__ import annotations

import pickle
from typing import Any

from kaizen.verify._child._kaizen_capture import Target, observe
from kaizen.verify.capture import LIMITS, merge, merge_shape


class Opaque:
    def __init__(self, n: int) -> None:
        self.n = n


def test_observe_records_types_samples_lengths_and_record_positions() -> None:
    shape: dict[str, Any] = {}
    pool: list[bytes] = []
    observe(shape, [(1, "a"), (2, "b"), (1, "a")], [100], pool)
    info = shape["list"]
    assert info["max_len"] == 3
    tup = info["elem"]["tuple"]
    assert tup["lens"] == [2]
    assert tup["positions"][0]["int"]["samples"] == [1, 2]
    assert tup["positions"][1]["str"]["samples"] == ["a", "b"]


def test_objects_go_to_a_shared_pool_once_each_place_keeps_its_own_indices() -> None:
    shape: dict[str, Any] = {}
    other: dict[str, Any] = {}
    pool: list[bytes] = []
    a = Opaque(1)
    observe(shape, [a, Opaque(2)], [100], pool)
    observe(other, [a], [100], pool)
    name = f"{__name__}.Opaque"
    assert shape["list"]["elem"][name]["pool"] == [0, 1]
    assert other["list"]["elem"][name]["pool"] == [0]  # the same sample, referenced, not lost
    assert pickle.loads(pool[1]).n == 2


def test_observe_stops_at_its_budget() -> None:
    shape: dict[str, Any] = {}
    observe(shape, list(range(10_000)), [50], [])
    assert len(shape["list"]["elem"]["int"]["samples"]) <= 12


def test_the_wrapper_keeps_lru_cache_api_and_records_outermost_calls_only() -> None:
    import functools
    import types

    module = types.ModuleType("fake")

    @functools.cache
    def fib(n: int) -> int:
        return n if n < 2 else module.fib(n - 1) + module.fib(n - 2)

    module.fib = fib  # type: ignore[attr-defined]
    target = Target("fake", "fib", LIMITS)
    target.patch(module)
    assert module.fib is not fib and callable(module.fib.cache_clear)
    assert module.fib(10) == 55
    assert (target.seen, len(target.calls)) == (1, 1)
    module.fib.cache_clear()
    args, kwargs = pickle.loads(target.calls[0]["input"])  # type: ignore[arg-type]
    assert (args, kwargs) == ((10,), {})
    (outcome,) = pickle.loads(target.calls[0]["outcome"])  # type: ignore[arg-type]
    assert outcome["kind"] == "return" and outcome["value"] == 55


def test_unpicklable_arguments_are_skipped_and_counted() -> None:
    import types

    module = types.ModuleType("fake2")
    module.size = lambda xs: sum(1 for _ in xs)  # type: ignore[attr-defined]
    target = Target("fake2", "size", LIMITS)
    target.patch(module)
    assert module.size(x for x in [1, 2, 3]) == 3  # a generator cannot be pickled; the call still works
    assert (target.seen, target.skipped, len(target.calls)) == (1, 1, 0)


def test_merging_processes_offsets_pool_indices_and_unites_samples() -> None:
    first = {"int": {"samples": [1, 2]}, "m.X": {"pool": [0]}}
    second = {"int": {"samples": [2, 3]}, "m.X": {"pool": [0, 1]}}
    merged: dict[str, Any] = {}
    merge_shape(merged, first, 0)
    merge_shape(merged, second, 1)
    assert merged == {"int": {"samples": [1, 2, 3]}, "m.X": {"pool": [0, 1, 2]}}


def test_merge_keeps_the_process_that_saw_calls_and_dedupes_inputs() -> None:
    call = {"input": b"x", "globals": None, "outcome": None}
    dump = {
        "executable": "/py", "sys_path": ["/a"],
        "targets": [{"module": "m", "qualname": "f", "status": "patched", "calls": [call], "seen": 2, "skipped": 1,
                     "params": [["x", "POSITIONAL_OR_KEYWORD"]], "shapes": {}, "global_shapes": {}, "pool": []}],
    }  # fmt: skip
    merged = merge("m", "f", [dump, dump])
    assert (merged.status, merged.seen, merged.skipped, len(merged.calls)) == ("patched", 4, 2, 1)
    assert merged.params == (("x", "POSITIONAL_OR_KEYWORD"),) and merged.executable == "/py"
    assert merge("m", "g", [dump]).status == "module never imported by the tests"


def test_dicts_with_the_same_few_str_keys_are_records_until_they_vary_too_much() -> None:
    shape: dict[str, Any] = {}
    observe(shape, {"id": 1, "name": "a"}, [100], [])
    observe(shape, {"id": 2, "name": "b"}, [100], [])
    info = shape["dict"]
    assert info["records"] == [("id", "name")]
    assert info["fields"]["id"]["int"]["samples"] == [1, 2]
    for key in "cdef":
        observe(shape, {key: 0}, [100], [])
    assert shape["dict"]["records"] is None  # five key sets: a mapping after all
    merged: dict[str, Any] = {}
    merge_shape(merged, {"dict": {"records": [("id",)], "fields": {"id": {}}}}, 0)
    merge_shape(merged, {"dict": {"records": None}}, 0)
    assert merged["dict"]["records"] is None and "fields" not in merged["dict"]
