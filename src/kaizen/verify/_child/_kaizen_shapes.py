"""The shape of the values a function is called with: types, element types, sample values.

``observe`` folds one value into a *shape*, a tree of builtins: for each type name seen at a place,
what was seen there (atom samples, container lengths and element shapes, dict record fields, or
indices of pickled objects in a shared pool). Shapes become the runtime type evidence the patterns
read and the seed of differential fuzzing. Also the one import-hook helper both children share.

Runs in the project's interpreter: standard library only, Python 3.9 syntax.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any

PROTOCOL = 4  # readable by every Python 3 the project may run
ATOMS = (int, float, bool, str, bytes, complex, type(None))
CONTAINERS = (list, tuple, set, frozenset)
SAMPLES = 12  # atom values kept per type and place, to seed the fuzzer with realistic values
POOL = 12  # opaque objects kept per type and place (pickled)
POOL_BYTES = 64 * 1024
RECORD_KEYS = 16  # a dict with more keys, or non-str keys, is a mapping, not a record
RECORD_SHAPES = 4  # more distinct key sets than this: a mapping too

Shape = dict[str, dict[str, Any]]  # type name -> what was seen of values of that type


def type_name(cls: type) -> str:
    """Builtins by their plain name (what the patterns' safety checks expect), others qualified."""
    if cls.__module__ == "builtins":
        return cls.__name__
    return f"{cls.__module__}.{cls.__qualname__}"


def observe(shape: Shape, value: Any, budget: list[int], pool: list[bytes]) -> None:
    """Add ``value`` to ``shape``, visiting at most ``budget[0]`` values in all."""
    budget[0] -= 1
    if budget[0] < 0:
        return
    cls = type(value)
    name = type_name(cls)
    info = shape.get(name)
    if cls in ATOMS:
        if info is None:
            info = shape[name] = {"samples": []}
        samples = info["samples"]
        small = not isinstance(value, (str, bytes)) or len(value) <= 80
        if small and len(samples) < SAMPLES and not any(type(s) is cls and s == value for s in samples):
            samples.append(value)
    elif cls in CONTAINERS:
        if info is None:
            info = shape[name] = {"elem": {}, "max_len": 0, "lens": []}
        info["max_len"] = max(info["max_len"], len(value))
        if cls is tuple:
            lens = info["lens"]
            if len(value) not in lens:
                lens.append(len(value))
            if len(lens) == 1 and len(value) <= 8:  # a record: keep one shape per position
                positions = info.setdefault("positions", [{} for _ in value])
                for place, item in zip(positions, value):  # noqa: B905 (strict= needs Python 3.10)
                    observe(place, item, budget, pool)
        for item in value:
            if budget[0] <= 0:
                break
            observe(info["elem"], item, budget, pool)
    elif cls is dict:
        if info is None:
            info = shape[name] = {"key": {}, "value": {}, "max_len": 0, "records": []}
        info["max_len"] = max(info["max_len"], len(value))
        _record(info, value, budget, pool)
        for key, item in value.items():
            if budget[0] <= 0:
                break
            observe(info["key"], key, budget, pool)
            observe(info["value"], item, budget, pool)
    else:
        if info is None:
            info = shape[name] = {"pool": []}
        if len(info["pool"]) < POOL:
            try:
                data = pickle.dumps(value, PROTOCOL)
            except Exception:  # an object that cannot travel is simply not offered to the fuzzer
                return
            if len(data) > POOL_BYTES:
                return
            if data not in pool:
                pool.append(data)
            index = pool.index(data)
            if index not in info["pool"]:
                info["pool"].append(index)


def _record(info: dict[str, Any], value: dict[Any, Any], budget: list[int], pool: list[bytes]) -> None:
    """A dict with a few str keys, the same few each time, is a record ({"id": ..., "name": ...}):
    keep its key sets and a shape per field, so generated dicts have the fields the code reads."""
    records = info["records"]
    keys = tuple(value)
    if records is None or len(keys) > RECORD_KEYS or not all(type(k) is str for k in keys):
        info["records"] = None
        return
    if keys not in records:
        if len(records) >= RECORD_SHAPES:
            info["records"] = None
            return
        records.append(keys)
    fields = info.setdefault("fields", {})
    for key, item in value.items():
        observe(fields.setdefault(key, {}), item, budget, pool)


def spec_from_others(me: object, name: str, path: Any, target: Any) -> Any:
    """The spec the rest of ``sys.meta_path`` finds for ``name`` (the caller guards re-entry)."""
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        if finder is me or find is None:
            continue
        spec = find(name, path, target)
        if spec is not None:
            return spec
    return None
