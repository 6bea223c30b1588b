"""Module-level names bound once to a literal collection (``STOP = ("a", "the")``,
``TABLE = {...}``): what kind of collection they hold and of what.

Inside a function such a name is a global: kaizen knows its kind from its single binding, and a
tuple or frozenset that no function declares ``global`` can never change, so loops may rely on it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from kaizen.patterns import infer
from kaizen.patterns.scopes import declared
from kaizen.patterns.tree import walk

_DISPLAYS: dict[type[ast.expr], str] = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set", ast.Dict: "dict"}
_CONSTRUCTORS = frozenset({"list", "tuple", "set", "frozenset", "dict"})
IMMUTABLE = frozenset({"str", "bytes", "tuple", "frozenset", "range", "int", "float", "bool", "complex", "NoneType"})


@dataclass(frozen=True)
class Constant:
    kinds: frozenset[str]
    elements: frozenset[str] | None
    frozen: bool  # immutable and rebound nowhere in the module: it cannot change


def module_constant(tree: ast.Module, name: str) -> Constant | None:
    return _constants(tree).get(name)


_last: tuple[ast.Module, dict[str, Constant]] | None = None


def _constants(tree: ast.Module) -> dict[str, Constant]:
    global _last
    if _last is None or _last[0] is not tree:
        _last = (tree, _collect(tree))
    return _last[1]


def _collect(tree: ast.Module) -> dict[str, Constant]:
    assigned: dict[str, list[ast.expr | None]] = {}
    for stmt in tree.body:
        for name, value in _bindings(stmt):
            assigned.setdefault(name, []).append(value)
    found: dict[str, Constant] = {}
    rebound_in_functions: set[str] | None = None
    for name, values in assigned.items():
        value = values[0]
        if len(values) != 1 or value is None:
            continue
        kind = _kind(value)
        if kind is None:
            continue
        if rebound_in_functions is None:
            rebound_in_functions = declared(tree, ast.Global)
        elements = _elements(value)
        frozen = kind in IMMUTABLE and name not in rebound_in_functions
        found[name] = Constant(frozenset({kind}), elements, frozen)
    return found


def _bindings(stmt: ast.stmt) -> list[tuple[str, ast.expr | None]]:
    """(name, value) for the module-level names a statement binds; value None when not a plain assignment."""
    if isinstance(stmt, ast.Assign):
        simple = len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
        names = [n.id for t in stmt.targets for n in walk(t) if isinstance(n, ast.Name)]
        return [(n, stmt.value if simple else None) for n in names]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [(stmt.target.id, stmt.value)]
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [(stmt.name, None)]
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [((a.asname or a.name).split(".")[0], None) for a in stmt.names]
    # any other statement (for, if, with, augmented assignment...) may bind names: unknown values
    return [(n.id, None) for n in walk(stmt) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)]


def _kind(value: ast.expr) -> str | None:
    if type(value) in _DISPLAYS:
        return _DISPLAYS[type(value)]
    if isinstance(value, (ast.ListComp, ast.SetComp, ast.DictComp)):
        return {ast.ListComp: "list", ast.SetComp: "set", ast.DictComp: "dict"}[type(value)]
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _CONSTRUCTORS:
        return value.func.id
    return None


def _elements(value: ast.expr) -> frozenset[str] | None:
    if isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords:
        value = value.args[0]
    return infer.element_types(value, infer.Env()) if isinstance(value, (ast.List, ast.Tuple, ast.Set)) else None
