"""Finding string/bytes accumulations in loops, and the facts KZ108's safety check needs.

CPython (3.11+) grows a ``str`` in place only for ``s += x`` / ``s = s + x`` on a plain local
(STORE_FAST) that nothing else references. Everything else copies the whole string each time:
attribute, item, global and closure-cell targets, prepending (``s = x + s``), and ``bytes``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from kaizen.patterns.infer import Env, Types, expr_types
from kaizen.patterns.purity import PURE_BUILTINS, PURE_METHODS
from kaizen.patterns.scopes import ancestors, declared, memo, walk_scope
from kaizen.patterns.tree import walk

EAGER = frozenset({"list", "tuple", "str", "bytes", "dict", "set", "frozenset", "range"})
_EAGER_CALLS = frozenset({"sorted", "list", "tuple", "set", "frozenset", "dict", "range"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.Module)
_LOOPS = (ast.For, ast.While)


@dataclass(frozen=True)
class Accumulation:
    stmt: ast.stmt
    target: ast.expr
    text: str  # the target's source text, normalised
    piece: ast.expr
    direction: str  # "append" or "prepend"


def accumulation(stmt: ast.AST) -> Accumulation | None:
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add):
        return Accumulation(stmt, stmt.target, ast.unparse(stmt.target), stmt.value, "append")
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.value, ast.BinOp):
        target, value = stmt.targets[0], stmt.value
        if not isinstance(target, (ast.Name, ast.Attribute, ast.Subscript)) or not isinstance(value.op, ast.Add):
            return None
        if _same(value.left, target):
            return Accumulation(stmt, target, ast.unparse(target), value.right, "append")
        if _same(value.right, target):
            return Accumulation(stmt, target, ast.unparse(target), value.left, "prepend")
    return None


def _same(a: ast.expr, b: ast.expr) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, ast.Name) and isinstance(b, ast.Name):
        return a.id == b.id
    return ast.unparse(a) == ast.unparse(b)


def target_kind(acc: Accumulation, scope: ast.AST) -> str:
    """How the target is stored: "local" (the fast path applies to appends), or the kinds where
    it never does: "attribute", "item", "global", "cell" (a closure variable)."""
    t = acc.target
    if isinstance(t, ast.Attribute):
        return "attribute"
    if isinstance(t, ast.Subscript):
        return "item"
    assert isinstance(t, ast.Name)
    if isinstance(scope, ast.Module) or t.id in declared(scope, ast.Global):
        return "global"
    if t.id in declared(scope, ast.Nonlocal):
        return "cell"
    return "cell" if t.id in _nested_names(scope) else "local"


def _nested_names(scope: ast.AST) -> set[str]:
    """Names mentioned in functions, lambdas and classes nested in ``scope`` (cached per scope)."""
    def collect() -> set[str]:
        nested = [n for n in walk(scope) if isinstance(n, _SCOPES) and n is not scope]
        return {x.id for n in nested for x in walk(n) if isinstance(x, ast.Name)}

    return memo("nested-names", scope, collect)


def init_kind(target: ast.expr, scope: ast.AST) -> str | None:
    """"str" or "bytes" when a plain name is set to a literal of that type somewhere in its scope
    (a hint: the safety check still proves every piece)."""
    return _literal_inits(scope).get(target.id) if isinstance(target, ast.Name) else None


def _literal_inits(scope: ast.AST) -> dict[str, str]:
    def collect() -> dict[str, str]:
        found: dict[str, str] = {}
        for node in walk_scope(scope):
            if not isinstance(node, ast.Assign):
                continue
            value = node.value
            kind = "str" if isinstance(value, ast.JoinedStr) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes)):
                kind = type(value.value).__name__
            for t in node.targets:
                if kind is not None and isinstance(t, ast.Name):
                    found.setdefault(t.id, kind)
        return found

    return memo("literal-inits", scope, collect)


def scope_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.AST:
    return next(a for a in ancestors(node, parents) if isinstance(a, _SCOPES))


def choose_loop(acc: Accumulation, parents: dict[ast.AST, ast.AST]) -> ast.For | ast.While | None:
    """The outermost loop around ``acc`` (in its scope) in which every mention of the target is
    an accumulation in the same direction; the join then runs once for all of them."""
    loops = []
    for anc in ancestors(acc.stmt, parents):
        if isinstance(anc, _SCOPES):
            break
        if isinstance(anc, _LOOPS):
            loops.append(anc)
    for loop in reversed(loops):
        if not read_in(loop, acc):
            return loop
    return loops[0] if loops else None


def accumulations_in(loop: ast.AST, text: str) -> list[Accumulation]:
    found = []
    for node in walk_scope(loop) if not isinstance(loop, _SCOPES) else []:
        a = accumulation(node)
        if a is not None and a.text == text:
            found.append(a)
    return found


def read_in(loop: ast.AST, acc: Accumulation) -> str | None:
    """A mention of the target in the loop other than accumulations of it (or mixed directions).
    For an item target ``d[k]`` any other use of ``d`` counts (``d.get(k)`` reads it too)."""
    mine = accumulations_in(loop, acc.text)
    if len({a.direction for a in mine}) > 1:
        return f"{acc.text} is both prepended and appended to in the loop"
    covered: set[int] = set()
    for a in mine:
        covered |= {id(n) for n in walk(a.target)}
        if isinstance(a.stmt, ast.Assign) and isinstance(a.stmt.value, ast.BinOp):
            own = a.stmt.value.left if a.direction == "append" else a.stmt.value.right
            covered |= {id(n) for n in walk(own)}
    container = acc.target.value if isinstance(acc.target, ast.Subscript) else None
    for node in walk(loop):
        if id(node) in covered or not isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
            continue
        text = ast.unparse(node)
        if text == acc.text or _root_rebound(node, acc) or (container is not None and text == ast.unparse(container)):
            return f"{acc.text} is read or changed inside the loop (line {node.lineno}) before it is assembled"
    return None


def _root_rebound(node: ast.AST, acc: Accumulation) -> bool:
    """For ``obj.attr`` / ``d[k]`` targets: ``obj``, ``d`` or ``k`` is rebound in the loop."""
    if isinstance(acc.target, ast.Name) or not isinstance(node, ast.Name) or not isinstance(node.ctx, ast.Store):
        return False
    return any(isinstance(n, ast.Name) and n.id == node.id for n in walk(acc.target))


def observers(loop: ast.For | ast.While, env: Env) -> str | None:
    """Code in the loop that could look at a non-local target before it is assembled: calls to
    anything but pure builtins and pure methods, yields and awaits, lazy iterators."""
    for node in walk(loop):
        if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Await)):
            return f"the loop suspends (line {node.lineno}) while the target is half built"
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return f"the loop defines code (line {node.lineno}) that could read the target"
        if isinstance(node, ast.Call) and isinstance(loop, ast.For) and node is loop.iter and _eager_call(node):
            continue
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in PURE_BUILTINS:
                continue
            if isinstance(f, ast.Attribute) and f.attr in PURE_METHODS:
                continue
            return f"the loop calls {ast.unparse(f)}() (line {node.lineno}), which could read the target before it is assembled"
    return None


def _eager_call(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id in _EAGER_CALLS


def iterable_types(loop: ast.For | ast.While, env: Env) -> tuple[str | None, Types | None]:
    """(source text, static types) of what a ``for`` loop iterates (None, None for ``while``)."""
    if not isinstance(loop, ast.For):
        return None, None
    it = loop.iter
    if isinstance(it, ast.Call) and _eager_call(it):
        return ast.unparse(it), frozenset({"list"})
    return ast.unparse(it), expr_types(it, env)


def piece_facts(acc: Accumulation, loop: ast.AST, env: Env) -> tuple[str, Types | None, str | None]:
    """(piece text, static types, the iterable it is an element of when it is the loop variable)."""
    source = None
    if isinstance(acc.piece, ast.Name):
        for anc in [loop, *(n for n in walk(loop) if isinstance(n, ast.For))]:
            if isinstance(anc, ast.For) and isinstance(anc.target, ast.Name) and anc.target.id == acc.piece.id:
                source = ast.unparse(anc.iter)
    return ast.unparse(acc.piece), expr_types(acc.piece, env), source
