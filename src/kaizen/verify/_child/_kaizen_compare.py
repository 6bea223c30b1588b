"""The type-aware deep comparison that decides whether two behaviours are the same.

Exact by default, because a rewrite that changes any of these can break a caller: the types must
match (1, 1.0 and True are different answers), floats compare bit for bit (0.0 is not -0.0) except
that NaN equals NaN, list and dict order matter, sets compare as sets, numpy arrays by dtype, shape
and values. Other objects compare by the state pickle would save (``__reduce_ex__``), so a custom
``__eq__`` that looks at one field cannot hide a change in another. Memory addresses in exception
messages and printed text are blanked: they differ between any two processes.

Runs in the project's interpreter: standard library only (numpy only when the project imported it).
"""

from __future__ import annotations

import re
import reprlib
import struct
from collections import Counter, deque
from typing import Any

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_PLAIN = (int, str, bytes, bytearray, bool, type(None), range)
_LARGE_SET = 2000  # beyond this many elements, sets of objects fall back to their own ==

_repr = reprlib.Repr()
_repr.maxstring = 80
_repr.maxother = 80
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxfrozenset = _repr.maxdict = 8
_repr.maxlevel = 4


def short(value: Any) -> str:
    try:
        return normalize(_repr.repr(value))
    except Exception:
        return f"<{type(value).__name__} (unprintable)>"


def normalize(text: str) -> str:
    return _ADDRESS.sub("0x…", text)


def _label(cls: type) -> str:
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _differ(path: str, old: str, new: str) -> str:
    return f"{path}: old {old}, new {new}"


def _float_key(x: float) -> bytes:
    return b"nan" if x != x else struct.pack("<d", x)


def diff(old: Any, new: Any, path: str = "result", active: set[tuple[int, int]] | None = None) -> str | None:
    """None when ``old`` and ``new`` are the same; otherwise where and how they first differ."""
    if old is new:
        return None
    if type(old) is not type(new):
        return _differ(path, f"{_label(type(old))} {short(old)}", f"{_label(type(new))} {short(new)}")
    if isinstance(old, float):
        return None if _float_key(old) == _float_key(new) else _differ(path, repr(old), repr(new))
    if isinstance(old, complex):
        same = _float_key(old.real) == _float_key(new.real) and _float_key(old.imag) == _float_key(new.imag)
        return None if same else _differ(path, repr(old), repr(new))
    if isinstance(old, _PLAIN):
        return None if old == new else _differ(path, short(old), short(new))
    if type(old).__module__ == "numpy" and hasattr(old, "dtype"):
        return _numpy(old, new, path)
    active = set() if active is None else active
    key = (id(old), id(new))
    if key in active:  # a cycle: already being compared further up
        return None
    active.add(key)
    try:
        return _container(old, new, path, active)
    finally:
        active.discard(key)


def _container(old: Any, new: Any, path: str, active: set[tuple[int, int]]) -> str | None:
    if isinstance(old, (list, tuple, deque)):
        for i, (a, b) in enumerate(zip(old, new)):  # noqa: B905 (strict= needs Python 3.10)
            found = diff(a, b, f"{path}[{i}]", active)
            if found:
                return found
        if len(old) != len(new):
            return _differ(path, f"{len(old)} items {short(old)}", f"{len(new)} items {short(new)}")
        return None
    if isinstance(old, dict):
        old_keys, new_keys = list(old), list(new)
        found = diff(old_keys, new_keys, f"{path} keys (in order)", active)
        if found:
            return found
        for a, b in zip(old_keys, new_keys):  # noqa: B905 (strict= needs Python 3.10)
            found = diff(old[a], new[b], f"{path}[{short(a)}]", active)
            if found:
                return found
        return None
    if isinstance(old, (set, frozenset)):
        return _set(old, new, path, active)
    return _object(old, new, path, active)


def _canon(x: Any) -> Any:
    """A hashable stand-in that is equal exactly when the values are the same (for set members)."""
    if isinstance(x, float):
        return ("float", _float_key(x))
    if isinstance(x, _PLAIN):
        return (type(x), x)
    if isinstance(x, tuple):
        return ("tuple", tuple(_canon(i) for i in x))
    if isinstance(x, frozenset):
        return ("frozenset", frozenset(_canon(i) for i in x))
    raise TypeError


def _set(old: Any, new: Any, path: str, active: set[tuple[int, int]]) -> str | None:
    try:
        only_old = Counter(map(_canon, old)) - Counter(map(_canon, new))
        only_new = Counter(map(_canon, new)) - Counter(map(_canon, old))
        if not only_old and not only_new:
            return None
    except TypeError:  # members that are objects: match them by their state, pairwise
        if len(old) > _LARGE_SET:
            return None if old == new else _differ(path, short(old), short(new))
        unmatched = list(new)
        for a in old:
            hit = next((i for i, b in enumerate(unmatched) if diff(a, b, path, active) is None), None)
            if hit is None:
                return _differ(path, f"{short(old)} (with {short(a)})", short(new))
            unmatched.pop(hit)
        if not unmatched:
            return None
    return _differ(path, short(old), short(new))


def _object(old: Any, new: Any, path: str, active: set[tuple[int, int]]) -> str | None:
    try:
        old_state, new_state = old.__reduce_ex__(4), new.__reduce_ex__(4)
    except Exception:
        old_state = new_state = None
    if isinstance(old_state, tuple) and isinstance(new_state, tuple):
        # (constructor, its args, state, list items, dict items); the constructor is the type
        old_parts, new_parts = _materialize(old_state[1:]), _materialize(new_state[1:])
        old_parts += [None] * (4 - len(old_parts))
        new_parts += [None] * (4 - len(new_parts))
        a, b = old_parts[1], new_parts[1]
        if isinstance(a, dict) and isinstance(b, dict):  # attributes: name the one that differs
            for name in list(a) + [n for n in b if n not in a]:
                found = diff(a.get(name), b.get(name), f"{path}.{name}", active)
                if found:
                    return found
            old_parts[1] = new_parts[1] = None
        for label, x, y in zip(("(arguments)", "(state)", "(items)", "(items)"), old_parts, new_parts):  # noqa: B905 (strict= needs Python 3.10)
            found = diff(x, y, f"{path} {label}", active)
            if found:
                return found
        return None
    if isinstance(old_state, str):  # a global reference (a function, a class): identity
        return None if old is new else _differ(path, short(old), short(new))
    if getattr(type(old), "__eq__", None) is not getattr(object, "__eq__", None):  # a custom ==
        return None if old == new else _differ(path, short(old), short(new))
    return None  # nothing observable to compare


def _materialize(parts: tuple[Any, ...]) -> list[Any]:
    # list and dict item iterators in a reduce value are consumed once; turn them into lists
    return [list(p) if hasattr(p, "__next__") else p for p in parts]


def _numpy(old: Any, new: Any, path: str) -> str | None:
    import numpy as np

    if old.dtype != new.dtype:
        return _differ(f"{path} dtype", str(old.dtype), str(new.dtype))
    if np.shape(old) != np.shape(new):
        return _differ(f"{path} shape", str(np.shape(old)), str(np.shape(new)))
    if old.dtype.kind == "O":
        return diff(np.asarray(old).tolist(), np.asarray(new).tolist(), path)
    a, b = np.asarray(old), np.asarray(new)
    if a.dtype.kind in "fc":
        same = (a == b) | (np.isnan(a) & np.isnan(b))
        same &= np.signbit(a.real) == np.signbit(b.real)
    else:
        same = a == b
    if bool(np.all(same)):
        return None
    where = tuple(int(i) for i in np.argwhere(~np.asarray(same))[0])
    return _differ(f"{path}{list(where)}", repr(a[where]), repr(b[where]))


def outcome_diff(old: dict[str, Any], new: dict[str, Any], names: list[str]) -> str | None:
    """Compare two recorded calls: result or exception, arguments and globals after, printed text."""
    if old["kind"] != new["kind"]:
        return f"old {_what(old)}, new {_what(new)}"
    if old["kind"] == "raise":
        (old_type, old_message), (new_type, new_message) = old["value"], new["value"]
        if old_type != new_type or normalize(old_message) != normalize(new_message):
            return f"old {_what(old)}, new {_what(new)}"
    else:
        found = diff(old["value"], new["value"], "result")
        if found:
            return found
    for i, (a, b) in enumerate(zip(old["args"], new["args"])):  # noqa: B905 (strict= needs Python 3.10)
        name = names[i] if i < len(names) else f"#{i}"
        found = diff(a, b, f"argument {name} after the call")
        if found:
            return found
    for name in old["kwargs"]:
        found = diff(old["kwargs"][name], new["kwargs"].get(name), f"argument {name} after the call")
        if found:
            return found
    for name in old["globals"]:
        found = diff(old["globals"][name], new["globals"].get(name), f"global {name} after the call")
        if found:
            return found
    if normalize(old["stdout"]) != normalize(new["stdout"]):
        return _differ("printed output", short(old['stdout']), short(new['stdout']))
    return None


def _what(outcome: dict[str, Any]) -> str:
    if outcome["kind"] == "raise":
        name, message = outcome["value"]
        return f"raised {name}({short(normalize(message))})"
    if outcome["kind"] == "timeout":
        return "did not finish"
    return f"returned {short(outcome['value'])}"
