"""The safety check of KZ107: find front-of-list operations, then judge every other use of the
list by whether a ``collections.deque`` behaves the same there."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from kaizen.patterns.scopes import (
    bindings,
    body_of,
    declared,
    is_builtin,
    lines_matching,
    params,
    statement_index,
    statements_on,
    walk_scope,
)
from kaizen.patterns.tree import walk

_SAME_METHODS = frozenset({"append", "extend", "remove", "clear", "count", "index", "reverse"})
_READERS = frozenset({"len", "bool", "list", "tuple", "sorted", "set", "frozenset", "sum", "min", "max", "any", "all", "reversed"})
_REMOVERS = frozenset({"pop", "remove", "clear", "popleft"})
_TESTS = (ast.If, ast.While, ast.IfExp, ast.Assert)


@dataclass(frozen=True)
class QueueOp:
    node: ast.stmt | ast.expr  # the pop/insert call, the del statement, or the ``q = q[1:]`` assignment
    target: str  # source text of the list: "queue", "self.items"
    kind: str  # how it is used from the front, for the message


def _zero(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value == 0


def _minus_one(node: ast.expr) -> bool:
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) and node.operand.value == 1


def _tail_slice(node: ast.expr, name: str) -> bool:
    """``name[1:]``"""
    return (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name
            and isinstance(node.slice, ast.Slice) and isinstance(node.slice.lower, ast.Constant)
            and type(node.slice.lower.value) is int and node.slice.lower.value == 1
            and node.slice.upper is None and node.slice.step is None)  # fmt: skip


# Lines that may hold a queue operation, each pattern starting with a literal (as one alternation
# the regex engine tried every position of the module: four times slower): calls, and statements.
_CALLS = (re.compile(r"pop\(\s*0\s*\)"), re.compile(r"insert\(\s*0\s*,"))
_FRONT = re.compile(r"\[\s*0\s*\]")  # del q[0]
_TAIL = re.compile(r"\[\s*1\s*:\s*\]")  # q = q[1:]


def find_ops(tree: ast.Module, source: str) -> list[QueueOp]:
    ops = []
    calls = lines_matching(source, _CALLS[0]) | lines_matching(source, _CALLS[1])
    for node in statements_on(tree, calls) if calls else ():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.keywords:
            f = node.func
            if f.attr == "pop" and len(node.args) == 1 and _zero(node.args[0]):
                ops.append(QueueOp(node, ast.unparse(f.value), "pop(0)"))
            elif f.attr == "insert" and len(node.args) == 2 and _zero(node.args[0]):
                ops.append(QueueOp(node, ast.unparse(f.value), "insert(0, x)"))
    # `x[0]` is everywhere, but only a `del` statement on such a line can be a queue operation:
    # the statements are looked at, not walked.
    index = statement_index(tree)
    for node in index.touching(lines_matching(source, _FRONT)):
        if isinstance(node, ast.Delete) and len(node.targets) == 1:
            t = node.targets[0]
            if isinstance(t, ast.Subscript) and _zero(t.slice):
                ops.append(QueueOp(node, ast.unparse(t.value), f"del {ast.unparse(t)}"))
    for node in index.touching(lines_matching(source, _TAIL)):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if _tail_slice(node.value, name):
                ops.append(QueueOp(node, name, f"{name} = {name}[1:]"))
    return ops


def judge_uses(scope: ast.AST, target: str, ops: list[QueueOp], tree: ast.Module, parents: dict[ast.AST, ast.AST]) -> list[str]:
    """Why turning ``target`` into a deque could change behaviour here (empty: it cannot)."""
    if not target.isidentifier():
        return [f"{target} is an attribute or element: its other uses are not visible here"]
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [f"{target!r} is a module or class attribute: other code may use it as a list"]
    if target in {p.arg for p in params(scope)}:
        return [f"{target!r} comes from the caller, who may rely on it being a list"]
    if target in declared(scope, ast.Global) or target in bindings(tree):
        return [f"{target!r} is a global: other code may use it as a list"]
    if target in declared(scope, ast.Nonlocal) or target not in bindings(scope):
        return [f"{target!r} belongs to an enclosing function: other code may use it as a list"]
    own = set(walk_scope(scope))
    for node in walk(scope):
        if isinstance(node, ast.Name) and node.id == target and node not in own:
            return [f"{target!r} is used by a nested function or class"]
    reasons = []
    for node in own:
        if isinstance(node, ast.Name) and node.id == target and (why := _judge(node, target, tree, scope, parents)):
            reasons.append((node.lineno, node.col_offset, why))
    for op in ops:
        if isinstance(op.node, ast.Assign) and (why := _nonempty(op.node, target, parents)):
            reasons.append((op.node.lineno, op.node.col_offset, why))
    return [why for _, _, why in sorted(reasons)]


def _new_list(value: ast.expr | None, tree: ast.Module, scope: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    if isinstance(value, (ast.List, ast.ListComp)):
        return True
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "list"
            and len(value.args) <= 1 and not value.keywords and is_builtin("list", tree, [scope]))  # type: ignore[list-item]  # fmt: skip


def _judge(n: ast.Name, q: str, tree: ast.Module, scope: ast.AST, parents: dict[ast.AST, ast.AST]) -> str | None:
    p = parents[n]
    if isinstance(n.ctx, ast.Store):
        if isinstance(p, ast.Assign) and p.targets == [n] and (_new_list(p.value, tree, scope, parents) or _tail_slice(p.value, q)):
            return None
        if isinstance(p, ast.AnnAssign) and _new_list(p.value, tree, scope, parents):
            return None
        if isinstance(p, ast.AugAssign) and isinstance(p.op, ast.Add):
            return None
        return f"{q!r} is rebound to something other than a new list (line {n.lineno})"
    if isinstance(n.ctx, ast.Del):
        return f"{q!r} is deleted"
    if isinstance(p, ast.Attribute):
        call = parents.get(p)
        if not (isinstance(call, ast.Call) and call.func is p):
            return f"{q}.{p.attr} is used as a value"
        if p.attr == "pop" and (not call.args or _zero(call.args[0]) or _minus_one(call.args[0])):
            return None
        if p.attr == "insert" and call.args and _zero(call.args[0]):
            return None
        if p.attr in _SAME_METHODS:
            return None
        return f"needs list.{p.attr}() at line {call.lineno} (a deque lacks it or does it differently)"
    if isinstance(p, ast.Subscript) and p.value is n:
        if isinstance(p.slice, ast.Slice):
            assign = parents.get(p)
            if isinstance(assign, ast.Assign) and _tail_slice(p, q):
                return None
            return f"{q!r} is sliced at line {p.lineno} (a deque cannot be sliced)"
        if _zero(p.slice) or _minus_one(p.slice):
            return None
        return f"{q!r} is indexed at {ast.unparse(p.slice)} (line {p.lineno}): O(n) away from the ends of a deque"
    if isinstance(p, ast.Call) and p.args[:1] == [n]:
        if isinstance(p.func, ast.Name) and p.func.id in _READERS and is_builtin(p.func.id, tree, [scope]):  # type: ignore[list-item]
            return None
        if isinstance(p.func, ast.Attribute) and p.func.attr == "join" and isinstance(p.func.value, ast.Constant):
            return None
    if isinstance(p, ast.Compare):
        if n in p.comparators and all(isinstance(op, (ast.In, ast.NotIn)) for op in p.ops):
            return None
        return f"{q!r} is compared at line {p.lineno} (a deque never equals a list)"
    if truth_test(n, parents):
        return None
    if isinstance(p, (ast.For, ast.comprehension)) and p.iter is n:
        body: list[ast.AST] = [*p.body] if isinstance(p, ast.For) else [parents[p]]
        if any(_changes(node, q) for part in body for node in walk(part)):
            return f"{q!r} is changed while it is iterated (line {p.iter.lineno}): a deque raises RuntimeError"
        if isinstance(parents[p], ast.GeneratorExp) and not _consumed(parents[p], parents):
            return f"{q!r} is iterated lazily by a generator (line {p.iter.lineno}): a later change would make a deque raise"
        return None
    where = {ast.Return: "returned", ast.Yield: "yielded", ast.YieldFrom: "yielded", ast.Call: "passed to a call",
             ast.Assign: "aliased to another name", ast.FormattedValue: "formatted into a string",
             ast.BinOp: "used with an operator (+ with a list fails on a deque)"}  # fmt: skip
    what = next((w for t, w in where.items() if isinstance(p, t)), "stored or used as a value")
    return f"{q!r} escapes: {what} at line {n.lineno}"


def _consumed(gen: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """A generator expression passed straight to a builtin that drains it (or to str.join)."""
    call = parents.get(gen)
    if not (isinstance(call, ast.Call) and gen in call.args):
        return False
    f = call.func
    return (isinstance(f, ast.Name) and f.id in _READERS) or (isinstance(f, ast.Attribute) and f.attr == "join")


def truth_test(n: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """True when only the truth value of ``n`` is used (if/while tests, ``not``, and/or inside them)."""
    child, p = n, parents.get(n)
    while isinstance(p, ast.BoolOp) or (isinstance(p, ast.UnaryOp) and isinstance(p.op, ast.Not)):
        if isinstance(p, ast.UnaryOp):
            return True
        child, p = p, parents.get(p)
    return (isinstance(p, _TESTS) and p.test is child) or (isinstance(p, ast.comprehension) and child in p.ifs)


def _changes(node: ast.AST, q: str) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        f = node.func
        return isinstance(f.value, ast.Name) and f.value.id == q and f.attr not in ("count", "index")
    if isinstance(node, (ast.Subscript, ast.Name)) and isinstance(node.ctx, (ast.Store, ast.Del)):
        root = node.value if isinstance(node, ast.Subscript) else node
        return isinstance(root, ast.Name) and root.id == q
    return False


def _nonempty(stmt: ast.Assign, q: str, parents: dict[ast.AST, ast.AST]) -> str | None:
    """``q = q[1:]`` becomes ``q.popleft()`` only where q cannot be empty: right under a
    ``while q:``/``if q:`` guard, or after ``q[0]`` was read (which raises on empty) in the same
    block, with nothing removed from q in between."""
    located = body_of(stmt, parents)
    refusal = f"{q} = {q}[1:] is a no-op on an empty list but popleft() raises: cannot prove {q!r} non-empty here"
    if located is None:
        return refusal
    block, index = located
    guard = parents.get(stmt)
    starts = []
    if isinstance(guard, (ast.If, ast.While)) and block is guard.body and _guards(guard.test, q):
        starts.append(0)
    for j in range(index - 1, -1, -1):
        if not isinstance(block[j], (ast.If, ast.For, ast.While, ast.With, ast.Try)) and any(
            isinstance(s, ast.Subscript) and isinstance(s.value, ast.Name) and s.value.id == q and _zero(s.slice)
            for s in walk(block[j])
        ):
            starts.append(j)
            break
    for start in starts:
        if not any(_removes(node, q) for s in block[start:index] for node in walk(s)):
            return None
    return refusal


def _guards(test: ast.expr, q: str) -> bool:
    if isinstance(test, ast.Name):
        return test.id == q
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "len":
        return len(test.args) == 1 and isinstance(test.args[0], ast.Name) and test.args[0].id == q
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Gt, ast.NotEq)):
        return _guards(test.left, q) and _zero(test.comparators[0])
    return False


def _removes(node: ast.AST, q: str) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _REMOVERS:
        return isinstance(node.func.value, ast.Name) and node.func.value.id == q
    if isinstance(node, (ast.Name, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
        root = node.value if isinstance(node, ast.Subscript) else node
        return isinstance(root, ast.Name) and root.id == q
    return False
