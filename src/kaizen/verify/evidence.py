"""Captured shapes → the ``Evidence`` the patterns' ``refuse()`` reads.

Keys are parameter names (and the names of data globals the function reads, which parameters
shadow anyway). ``value_types[name]`` is the set of types of the value itself; ``element_types``
the types of its elements (a dict's keys; its values under ``"name.values()"``). Type names are
``type(x).__name__`` for builtins, as ``patterns.infer`` spells them, and ``module.Qualname``
otherwise, so a user class can never pass for a builtin. A tuple whose items were all immutable
builtins, recursively, is reported as ``"tuple[immutable]"`` (the spelling KZ106 uses for a
hashable tuple); any other tuple as ``"tuple"``. A collection that was always empty gives no
element types at all: an empty set of types would prove everything.
"""

from __future__ import annotations

from kaizen.patterns.base import Evidence
from kaizen.patterns.infer import IMMUTABLE
from kaizen.verify.capture import Captured, Shape, merge_shape

SAFE_TUPLE = "tuple[immutable]"
_ITERABLES = ("list", "tuple", "set", "frozenset")


def to_evidence(captured: Captured) -> Evidence:
    element_types: dict[str, frozenset[str]] = {}
    value_types: dict[str, frozenset[str]] = {}
    for name, shape in [*captured.global_shapes.items(), *captured.shapes.items()]:
        if shape:
            value_types[name] = type_names(shape)
        elements: Shape = {}
        for kind in _ITERABLES:
            merge_shape(elements, shape.get(kind, {}).get("elem", {}), 0)
        merge_shape(elements, shape.get("dict", {}).get("key", {}), 0)
        if elements:
            element_types[name] = type_names(elements)
        values = shape.get("dict", {}).get("value", {})
        if values:
            element_types[f"{name}.values()"] = type_names(values)
    return Evidence(function=captured.name, element_types=element_types, calls_seen=captured.seen, value_types=value_types)


def type_names(shape: Shape) -> frozenset[str]:
    return frozenset(SAFE_TUPLE if name == "tuple" and _immutable_items(shape["tuple"]) else name for name in shape)


def _immutable_items(info: dict[str, object]) -> bool:
    elem = info.get("elem")
    assert isinstance(elem, dict)
    return all(name in IMMUTABLE or (name == "tuple" and _immutable_items(elem[name])) for name in elem)

