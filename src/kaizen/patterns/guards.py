"""Is a collection provably non-empty at a given place? Used where a rewrite would change which
exception an empty input raises (``sorted(x)[0]`` → ``min(x)``: IndexError vs ValueError).

A proof is a literal with elements, or a guard on the path to the place (``if x:``, ``while x:``,
``x and ...``, ``... if x else ...``, ``if not x: return``, a comprehension's ``if x``) with nothing
in between that could empty ``x`` again (rebinding it, calling a mutating method, passing it to a
function).
"""

from __future__ import annotations

import ast

from kaizen.patterns.purity import PURE_BUILTINS, PURE_METHODS
from kaizen.patterns.scopes import ancestors, body_of
from kaizen.patterns.tree import walk

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def nonempty(use: ast.AST, x: ast.expr, parents: dict[ast.AST, ast.AST]) -> bool:
    if isinstance(x, (ast.List, ast.Tuple, ast.Set)):
        return bool(x.elts) and not any(isinstance(e, ast.Starred) for e in x.elts)
    if isinstance(x, ast.Constant):
        return isinstance(x.value, (str, bytes)) and bool(x.value)
    if not isinstance(x, ast.Name):
        return False
    name, child = x.id, use
    for anc in ancestors(use, parents):
        if isinstance(anc, _SCOPES):
            return False
        if isinstance(anc, (ast.If, ast.While)) and child in anc.body and guards(anc.test, name):
            return not _may_change(anc.body[: anc.body.index(child) + 1], name)
        if isinstance(anc, ast.IfExp) and child is anc.body and guards(anc.test, name):
            return True
        if (isinstance(anc, ast.BoolOp) and isinstance(anc.op, ast.And) and child in anc.values
                and any(guards(v, name) for v in anc.values[: anc.values.index(child)])):  # fmt: skip
            return True
        if isinstance(anc, _COMPREHENSIONS) and child is not anc.generators[0].iter and any(
            isinstance(g.target, ast.Name) and g.target.id == name and any(guards(i, name) for i in g.ifs)
            for g in anc.generators
        ):
            return True
        if isinstance(anc, ast.stmt) and _early_exit(anc, name, parents):
            return True
        child = anc
    return False


def guards(test: ast.expr, name: str) -> bool:
    """``test`` is true only when ``name`` is non-empty."""
    if isinstance(test, ast.Name):
        return test.id == name
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(guards(v, name) for v in test.values)
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "len":
        return len(test.args) == 1 and isinstance(test.args[0], ast.Name) and test.args[0].id == name
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant):
        bound, op = test.comparators[0].value, test.ops[0]
        at_least_one = (isinstance(op, (ast.Gt, ast.NotEq)) and bound == 0) or (isinstance(op, ast.GtE) and bound == 1)
        return at_least_one and type(bound) is int and guards(test.left, name) and isinstance(test.left, ast.Call)
    return False


def _empty_test(test: ast.expr, name: str) -> bool:
    """``test`` is true whenever ``name`` is empty (``not x``, ``len(x) == 0``, ``not len(x)``)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return guards(test.operand, name) and not isinstance(test.operand, ast.BoolOp)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_empty_test(v, name) for v in test.values)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant):
        bound, op = test.comparators[0].value, test.ops[0]
        return (type(bound) is int and ((isinstance(op, ast.Eq) and bound == 0) or (isinstance(op, ast.Lt) and bound == 1))
                and isinstance(test.left, ast.Call) and guards(test.left, name))  # fmt: skip
    return False


def _early_exit(stmt: ast.stmt, name: str, parents: dict[ast.AST, ast.AST]) -> bool:
    """An earlier ``if not x: return`` (raise/continue/break) in the same block, and nothing in
    between that could empty x again."""
    located = body_of(stmt, parents)
    if located is None:
        return False
    block, index = located
    for j in range(index - 1, -1, -1):
        s = block[j]
        if isinstance(s, ast.If) and not s.orelse and _empty_test(s.test, name) and isinstance(s.body[-1], _EXITS):
            return not _may_change(block[j + 1 : index + 1], name)
    return False


def _may_change(stmts: list[ast.stmt], name: str) -> bool:
    for stmt in stmts:
        for node in walk(stmt):
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, (ast.Store, ast.Del)):
                return True
            if (isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del))
                    and isinstance(node.value, ast.Name) and node.value.id == name):  # fmt: skip
                return True
            if isinstance(node, ast.Call):
                f = node.func
                if (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == name
                        and f.attr not in PURE_METHODS):  # fmt: skip
                    return True
                passed = any(isinstance(a, ast.Name) and a.id == name for a in (*node.args, *(k.value for k in node.keywords)))
                if passed and not (isinstance(f, ast.Name) and f.id in PURE_BUILTINS):
                    return True
    return False
