"""Which calls KZ105 may hoist out of a loop, and whether they can raise when computed early.

A hoisted call runs even when the loop body would never have run it (an empty loop, a condition
that is never true), so it must be pure and must not be able to raise: ``max([])`` raises,
``sorted([1, "a"])`` raises, ``set([[1]])`` raises, ``re.compile("(")`` raises. The proof uses the
types kaizen can see statically, or the types runtime evidence recorded.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace

from kaizen.patterns.base import Evidence
from kaizen.patterns.flow import HASHABLE, READ_METHODS, SAFE_BUILTINS, FunctionFacts

HOISTABLE = frozenset({"len", "sorted", "set", "frozenset", "tuple", "max", "min", "sum"})
MUTABLE_RESULTS = frozenset({"sorted", "set"})
ITERABLE = frozenset({"list", "tuple", "str", "bytes", "dict", "set", "frozenset", "range"})
REAL = frozenset({"int", "float", "bool"})
_SET_READS = frozenset({"issubset", "issuperset", "isdisjoint", "union", "intersection", "difference", "symmetric_difference"})
Kinds = frozenset[str]


def callee_of(call: ast.Call, tree: ast.Module) -> str | None:
    """"len", "sorted", … or "re.compile" for a call KZ105 knows to be pure; None otherwise."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in HOISTABLE:
        return func.id
    is_re = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "re"
    if is_re and isinstance(func, ast.Attribute) and func.attr == "compile" and _imports_re(tree):
        return "re.compile"
    return None


def _imports_re(tree: ast.Module) -> bool:
    return any(
        isinstance(stmt, ast.Import) and any(a.name == "re" and a.asname is None for a in stmt.names) for stmt in tree.body
    )


@dataclass(frozen=True)
class Inputs:
    """What a hoistable call reads: plain names (with their provable types) and constants."""

    names: tuple[str, ...]
    arity: int  # positional arguments
    keywords: tuple[str, ...] = ()
    key: str | None = None  # the key= function's text, when there is one
    regex_ok: bool = False  # re.compile of constants that compile
    value_kinds: tuple[Kinds | None, ...] = ()
    element_kinds: tuple[Kinds | None, ...] = ()
    constant_kinds: tuple[str, ...] = ()

    def with_kinds(self, ff: FunctionFacts) -> Inputs:
        values = tuple(ff.sequence_kinds(n) for n in self.names)
        elements = tuple(ff.elements(n) for n in self.names)
        return replace(self, value_kinds=values, element_kinds=elements)


def inputs_of(call: ast.Call) -> Inputs | None:
    """The inputs of a call whose arguments are names, constants and ``re`` flags; None otherwise."""
    names: list[str] = []
    constants: list[object] = []
    for arg in call.args:
        if isinstance(arg, ast.Name):
            names.append(arg.id)
        elif isinstance(arg, ast.Constant):
            constants.append(arg.value)
        elif not _re_flag(arg):
            return None
    key = None
    for kw in call.keywords:
        if kw.arg == "key" and _builtin_key(kw.value):
            key = ast.unparse(kw.value)
        elif kw.arg in ("reverse", "default", "start") and isinstance(kw.value, ast.Constant):
            pass
        elif not (kw.arg == "flags" and _re_flag(kw.value)):
            return None
    regex_ok = False
    if not names and constants and isinstance(constants[0], (str, bytes)):
        try:
            re.compile(constants[0])
            regex_ok = True
        except (re.error, TypeError, ValueError, OverflowError):
            regex_ok = False
    return Inputs(
        tuple(dict.fromkeys(names)), len(call.args), tuple(k.arg or "" for k in call.keywords), key, regex_ok,
        constant_kinds=tuple(type(c).__name__ for c in constants),
    )


def _re_flag(node: ast.expr) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _re_flag(node.left) and _re_flag(node.right)
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "re"


def _builtin_key(key: ast.expr) -> bool:
    return isinstance(key, ast.Name) and key.id in SAFE_BUILTINS


def read_only_use(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
    """The call's result is only read where it stands (so one shared result serves every iteration)."""
    parent = parents.get(call)
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is call:
        return True
    if isinstance(parent, (ast.Compare, ast.BoolOp, ast.If, ast.While, ast.IfExp, ast.Return)):
        return True
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return True
    if isinstance(parent, ast.Subscript) and parent.value is call:
        return isinstance(parent.ctx, ast.Load)
    if isinstance(parent, ast.Call) and call in parent.args:
        return isinstance(parent.func, ast.Name) and parent.func.id in SAFE_BUILTINS
    if isinstance(parent, ast.Attribute):
        method = parents.get(parent)
        return isinstance(method, ast.Call) and method.func is parent and parent.attr in READ_METHODS | _SET_READS
    return False


def raise_refusal(callee: str, inputs: Inputs, evidence: Evidence | None) -> str | None:
    """Why computing the call before the loop could raise where the loop would not have; None when it cannot."""
    if callee == "re.compile":
        if inputs.names or not inputs.regex_ok:
            return "re.compile() of a pattern not known to compile may raise where the loop would not have run"
        return None
    values = [_known(v, evidence.value_types if evidence else None, n) for v, n in zip(inputs.value_kinds, inputs.names, strict=True)]
    elements = [_known(e, evidence.element_types if evidence else None, n) for e, n in zip(inputs.element_kinds, inputs.names, strict=True)]
    if inputs.constant_kinds or len(inputs.names) != 1 or inputs.arity != 1:
        if callee in ("max", "min") and all(v is not None and v <= REAL for v in values) and not inputs.constant_kinds:
            return None  # max(a, b) of numbers
        return f"{callee}() with these arguments may raise where the loop would not have run"
    name, kinds, elems = inputs.names[0], values[0], elements[0]
    if kinds is None or not kinds <= ITERABLE:
        return f"{callee}({name}) may raise where the loop would not have run: the type of {name} is unknown"
    if callee in ("len", "tuple"):
        return None
    if callee in ("max", "min") and "default" not in inputs.keywords:
        return f"{callee}() raises ValueError on an empty sequence, and the loop may not run"
    if elems is None:
        return f"{callee}({name}) may raise where the loop would not have run: element type unknown"
    if callee in ("set", "frozenset"):
        return None if elems <= HASHABLE else "elements may be unhashable"
    if callee == "sum":
        return None if elems <= REAL else "sum() of non-numbers may raise"
    if inputs.key not in (None, "len") or (inputs.key == "len" and not elems <= {"str", "bytes", "list", "tuple"}):
        return f"{callee}() with key={inputs.key} may raise where the loop would not have run"
    comparable = elems <= REAL or elems == {"str"} or elems == {"bytes"} or inputs.key == "len"
    return None if comparable else f"{callee}() of mixed element types may raise TypeError"


def _known(static: Kinds | None, seen: dict[str, Kinds] | None, name: str) -> Kinds | None:
    if static is not None:
        return static
    found = seen.get(name) if seen else None
    return found or None
