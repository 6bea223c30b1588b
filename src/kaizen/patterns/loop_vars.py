"""What changes when a ``for`` loop becomes a comprehension: the loop variable no longer leaks,
and the list only exists once the comprehension is done. KZ113's safety facts."""

from __future__ import annotations

import ast

from kaizen.patterns.scopes import ancestors, body_of, declared
from kaizen.patterns.tree import mentions, walk

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_INSPECT = frozenset({"locals", "vars", "eval", "exec", "dir"})


def _names(target: ast.expr) -> list[str] | None:
    """The names a loop target binds, or None when it also stores into attributes or items."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        out: list[str] = []
        for elt in target.elts:
            inner = _names(elt)
            if inner is None:
                return None
            out += inner
        return out
    return None


def _in_nested(scope: ast.AST, name: str, skip: ast.AST | None = None) -> bool:
    """``name`` appears inside a function, lambda or class nested in ``scope`` (not under skip)."""
    inside = set(walk(skip)) if skip is not None else set()
    for node in walk(scope):
        if isinstance(node, _NESTED) and node is not scope and node not in inside and mentions(node, name):
            return True
    return False


def refusal_in_body(loop: ast.For | ast.AsyncFor, name: str, scope: ast.AST) -> str | None:
    """Reasons found in the loop itself: its target, reads of the list, constructs a
    comprehension treats differently."""
    targets = _names(loop.target)
    if targets is None:
        return "the loop target stores into an attribute or item"
    if name in targets:
        return f"the loop rebinds {name!r} itself"
    for node in walk(loop):
        if isinstance(node, ast.Name) and node.id == name and not _is_the_append(node, loop):
            return f"{name!r} is read inside the loop (line {node.lineno}) while it is being built"
        if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Await)):
            return "the loop awaits or yields: a comprehension would change that"
        if isinstance(node, ast.NamedExpr):
            return "an assignment expression (:=) in the loop"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "super" and not node.args:
                return "super() without arguments does not work inside a comprehension"
            if node.func.id in _INSPECT:
                return f"{node.func.id}() inspects the local variables, which a comprehension hides"
    if _in_nested(scope, name):
        return f"{name!r} is captured by a nested function"
    return None


def _is_the_append(node: ast.Name, loop: ast.For | ast.AsyncFor) -> bool:
    stmt = loop.body[0]
    if isinstance(stmt, ast.If):
        stmt = stmt.body[0]
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and getattr(stmt.value.func, "value", None) is node


def leaks_after(loop: ast.For | ast.AsyncFor, scope: ast.AST, parents: dict[ast.AST, ast.AST]) -> str | None:
    """Why code after the loop (or around it) could notice that the loop variable is not set."""
    for var in _names(loop.target) or []:
        if var in declared(scope, ast.Global) | declared(scope, ast.Nonlocal):
            return f"the loop variable {var!r} is declared global or nonlocal"
        if _in_nested(scope, var, skip=loop):  # closures made in the loop late-bind the same way
            return f"the loop variable {var!r} is used by a nested function"
        for anc in ancestors(loop, parents):
            if anc is scope:
                break
            if isinstance(anc, (ast.For, ast.While, ast.AsyncFor)) and _read_outside(anc, loop, var):
                return f"the loop variable {var!r} is read elsewhere in an enclosing loop"
        if (line := _read_after(loop, var, scope, parents)) is not None:
            return f"the loop variable {var!r} is read after the loop (line {line}); a comprehension does not set it"
    return None


def _read_outside(outer: ast.AST, loop: ast.AST, var: str) -> bool:
    inside = set(walk(loop))
    return any(isinstance(n, ast.Name) and n.id == var and n not in inside for n in walk(outer))


def _read_after(loop: ast.stmt, var: str, scope: ast.AST, parents: dict[ast.AST, ast.AST]) -> int | None:
    """The line of the first statement after the loop that may read ``var`` before a plain
    assignment rebinds it (None: none can)."""
    child: ast.AST = loop
    while child is not scope:
        located = body_of(child, parents)
        if located is None:
            return None
        block, index = located
        for stmt in block[index + 1 :]:
            if not mentions(stmt, var):
                continue
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None and not mentions(stmt.value, var):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                if any(isinstance(t, ast.Name) and t.id == var for t in targets):
                    return None
            if (isinstance(stmt, (ast.For, ast.AsyncFor)) and var in (_names(stmt.target) or [])
                    and not mentions(stmt.iter, var) and not any(mentions(s, var) for s in stmt.orelse)):  # fmt: skip
                continue  # binds var before its body reads it; an empty loop leaves it for later statements
            return stmt.lineno
        child = parents[child]
        while not isinstance(child, ast.stmt) and child is not scope:
            child = parents[child]
    return None
