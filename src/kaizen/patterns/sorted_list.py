"""The safety facts of KZ111: is a list provably sorted when a loop starts, and does nothing in
the loop break that (or let other code reach the list)?

``bisect.insort`` gives the same list as ``append`` + ``sort`` only when the list is already
sorted before the append. That holds when the list is a private local, made sorted (``[]``,
``sorted(...)``, or ``.sort()`` with the same arguments) before the loop, and every other use of
it in between and inside the loop keeps it sorted: reads, and removals (pop, remove, del, clear).
"""

from __future__ import annotations

import ast

from kaizen.patterns.purity import PURE_BUILTINS
from kaizen.patterns.queue_uses import truth_test
from kaizen.patterns.scopes import ancestors, body_of
from kaizen.patterns.tree import walk

_KEEP_SORTED = frozenset({"pop", "remove", "clear", "index", "count", "copy"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def is_call(stmt: ast.AST, name: str, method: str) -> ast.Call | None:
    """``name.method(...)`` as a whole statement."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        f = stmt.value.func
        if isinstance(f, ast.Attribute) and f.attr == method and isinstance(f.value, ast.Name) and f.value.id == name:
            return stmt.value
    return None


def sort_args(call: ast.Call) -> str:
    return ", ".join(sorted(f"{k.arg}={ast.unparse(k.value)}" for k in call.keywords if not _false_reverse(k)))


def _false_reverse(k: ast.keyword) -> bool:
    return k.arg == "reverse" and isinstance(k.value, ast.Constant) and k.value.value is False


def sorted_on_entry(pair: ast.stmt, name: str, args: str, parents: dict[ast.AST, ast.AST]) -> tuple[str | None, ast.stmt | None]:
    """(why the list is not provably sorted, the statement inside which all uses must be checked)."""
    child: ast.AST = pair
    for anc in ancestors(pair, parents):
        located = body_of(child, parents) if isinstance(child, ast.stmt) else None
        if located is not None:
            block, index = located
            for j in range(index - 1, -1, -1):
                stmt = block[j]
                if not any(isinstance(n, ast.Name) and n.id == name for n in walk(stmt)):
                    continue
                sort = is_call(stmt, name, "sort")
                value = assigned_value(stmt, name)
                if (sort is not None and sort_args(sort) == args) or (value is not None and _sorted_value(value, args)):
                    assert isinstance(child, ast.stmt)
                    return None, child
                if value is not None:
                    return f"{name!r} is not made sorted before the loop (line {stmt.lineno})", None
                if isinstance(stmt, _SCOPES):
                    return f"{name!r} is used by a nested function or class (line {stmt.lineno})", None
                return f"{name!r} is used at line {stmt.lineno} in a way that may leave it unsorted", None
        if isinstance(anc, _SCOPES):
            break
        child = anc
    return f"cannot see {name!r} being made sorted before the loop (a parameter, global or attribute?)", None


def assigned_value(stmt: ast.stmt, name: str) -> ast.expr | None:
    """The value of ``name = value`` (or ``name: T = value``)."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target: ast.expr = stmt.targets[0]
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        target = stmt.target
    else:
        return None
    return stmt.value if isinstance(target, ast.Name) and target.id == name else None


def _sorted_value(value: ast.expr, args: str) -> bool:
    if isinstance(value, ast.List):
        return len(value.elts) <= 1 and not any(isinstance(e, ast.Starred) for e in value.elts)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        if value.func.id == "list" and not value.args:
            return True
        return value.func.id == "sorted" and len(value.args) == 1 and sort_args(value) == args
    return False


def loop_uses(region: ast.stmt, name: str, pairs: set[ast.stmt], parents: dict[ast.AST, ast.AST]) -> str | None:
    """Why a use of ``name`` inside ``region`` could unsort the list or let other code reach it."""
    sorts = {s for p in pairs if (located := body_of(p, parents)) for s in located[0][located[1] + 1 : located[1] + 2]}
    for node in walk(region):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        if any(a in pairs or a in sorts for a in ancestors(node, parents)):
            continue
        if (why := _use(node, name, parents)) is not None:
            return why
    return None


def _use(n: ast.Name, name: str, parents: dict[ast.AST, ast.AST]) -> str | None:
    p = parents[n]
    line = f"line {n.lineno}"
    if not isinstance(n.ctx, ast.Load):
        return f"{name!r} is rebound inside the loop ({line})"
    if isinstance(p, ast.Attribute):
        call = parents.get(p)
        if isinstance(call, ast.Call) and call.func is p and p.attr in _KEEP_SORTED:
            return None
        return f"{name}.{p.attr} at {line} may leave the list unsorted"
    if isinstance(p, ast.Subscript) and p.value is n:  # reading or deleting keeps the order
        return f"{name}[...] is assigned at {line}" if isinstance(p.ctx, ast.Store) else None
    if isinstance(p, ast.Call) and n in p.args:
        f = p.func
        if isinstance(f, ast.Name) and f.id in PURE_BUILTINS:
            return None
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "bisect" and f.attr.startswith("bisect"):
            return None
        return f"{name!r} is passed to {ast.unparse(f)}() at {line}, which could change it"
    if isinstance(p, (ast.Compare, ast.For, ast.comprehension, ast.Return)) or truth_test(n, parents):
        return None
    return f"{name!r} escapes at {line} (other code could change it)"


def escapes_before(func: ast.AST, name: str, region: ast.stmt, parents: dict[ast.AST, ast.AST]) -> str | None:
    """Is the list handed anywhere (aliased, stored, passed on) before the loop, or captured by a
    nested function? Then code running in the loop could change it behind insort's back."""
    for node in walk(func):
        if not (isinstance(node, ast.Name) and node.id == name) or node.lineno >= region.lineno:
            continue
        scope = next((a for a in ancestors(node, parents) if isinstance(a, _SCOPES)), None)
        if scope is not func:
            return f"{name!r} is used by a nested function"
        p = parents[node]
        if isinstance(p, (ast.Assign, ast.AnnAssign)) and node in getattr(p, "targets", [getattr(p, "target", None)]):
            continue
        if isinstance(p, ast.Attribute) or (isinstance(p, ast.Call) and isinstance(p.func, ast.Name) and p.func.id in PURE_BUILTINS):
            continue
        if isinstance(p, (ast.Subscript, ast.Compare, ast.For, ast.comprehension, ast.If, ast.While)):
            continue
        return f"{name!r} is handed to other code at line {node.lineno} before the loop"
    return None
