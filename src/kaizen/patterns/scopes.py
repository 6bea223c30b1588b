"""Scope facts on ``ast`` shared by the safety checks: who binds a name, where a node lives.

Detection must stay fast, so these are single passes over plain ``ast`` nodes; nothing here
imports libcst.
"""

from __future__ import annotations

import ast
import builtins
from collections import Counter
from collections.abc import Iterator

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
ScopeNode = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
BUILTIN_NAMES = frozenset(dir(builtins))
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def parent_map(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def ancestors(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> Iterator[ast.AST]:
    while node in parents:
        node = parents[node]
        yield node


def enclosing_scope(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ScopeNode:
    for anc in ancestors(node, parents):
        if isinstance(anc, (ast.Module, *_NESTED)):
            return anc
    raise ValueError("node is not inside a module")


def qualname(scope: ScopeNode, parents: dict[ast.AST, ast.AST]) -> str | None:
    """``Class.method`` style name of a function or class scope; None for the module."""
    if isinstance(scope, ast.Module):
        return None
    name = "<lambda>" if isinstance(scope, ast.Lambda) else scope.name
    outer = enclosing_scope(scope, parents)
    prefix = qualname(outer, parents)
    return f"{prefix}.{name}" if prefix else name


def function_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str | None:
    """The qualified name of the function (or class) a node sits in, as findings report it."""
    return qualname(enclosing_scope(node, parents), parents)


def walk_scope(root: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``root`` that runs in root's own scope: nested defs, classes and lambdas
    are skipped (their decorators and defaults are not), comprehensions are entered because they
    read the enclosing scope. For a function root only its body is walked: decorators, defaults
    and annotations run in the enclosing scope."""
    if isinstance(root, (ast.FunctionDef, ast.AsyncFunctionDef)):
        stack: list[ast.AST] = list(root.body)
    elif isinstance(root, ast.Lambda):
        stack = [root.body]
    else:
        stack = list(ast.iter_child_nodes(root))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(node.decorator_list)
            stack.extend(d for d in (*node.args.defaults, *node.args.kw_defaults) if d is not None)
        elif isinstance(node, ast.ClassDef):
            stack.extend((*node.decorator_list, *node.bases, *node.keywords))
        elif isinstance(node, ast.Lambda):
            stack.extend(d for d in (*node.args.defaults, *node.args.kw_defaults) if d is not None)
        else:
            stack.extend(ast.iter_child_nodes(node))


def _comprehension_targets(root: ast.AST) -> set[ast.AST]:
    """Name nodes bound by comprehension ``for`` clauses: they live in the comprehension's scope."""
    found: set[ast.AST] = set()
    for node in walk_scope(root):
        if isinstance(node, _COMPREHENSIONS):
            for gen in node.generators:
                found.update(ast.walk(gen.target))
    return found


def params(func: FunctionNode | ast.Lambda) -> list[ast.arg]:
    a = func.args
    extra = [x for x in (a.vararg, a.kwarg) if x is not None]
    return [*a.posonlyargs, *a.args, *a.kwonlyargs, *extra]


def bindings(root: ScopeNode) -> Counter[str]:
    """How many times each name is bound in ``root``'s own scope (params count once)."""
    counts: Counter[str] = Counter()
    if isinstance(root, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        counts.update(p.arg for p in params(root))
    skip = _comprehension_targets(root)
    for node in walk_scope(root):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            if node not in skip:
                counts[node.id] += 1
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            counts[node.name] += 1
        elif isinstance(node, ast.alias):
            counts[(node.asname or node.name).split(".")[0]] += 1
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            counts[node.name] += 1
    return counts


def declared(root: ast.AST, kind: type[ast.Global] | type[ast.Nonlocal]) -> set[str]:
    """Names declared ``global``/``nonlocal`` anywhere under ``root`` (nested scopes included)."""
    return {name for node in ast.walk(root) if isinstance(node, kind) for name in node.names}


def loads(root: ast.AST, name: str) -> list[ast.Name]:
    """Every read of ``name`` under root, nested scopes included (a closure read counts)."""
    return [
        n for n in ast.walk(root) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
    ]


def mentions(root: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(root))


def is_builtin(name: str, tree: ast.Module, scopes: list[ScopeNode]) -> bool:
    """True when ``name`` resolves to the builtin: bound neither at module level nor in ``scopes``."""
    if name not in BUILTIN_NAMES or name in declared(tree, ast.Global):
        return False
    return all(name not in bindings(s) for s in (tree, *scopes))


def function_scopes(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> list[ScopeNode]:
    """The function scopes whose names ``node`` can see (innermost first; class bodies are not
    visible from methods, so they are left out)."""
    return [a for a in ancestors(node, parents) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]


def in_try(node: ast.AST, parents: dict[ast.AST, ast.AST], stop: ast.AST | None = None) -> bool:
    """True when ``node`` runs inside a ``try`` body (up to ``stop``): an exception mid-way would
    then be observable by the handler."""
    child = node
    for anc in ancestors(node, parents):
        if anc is stop or isinstance(anc, _NESTED):
            return False
        if isinstance(anc, (ast.Try, ast.TryStar)) and child in anc.body:
            return True
        child = anc
    return False


def body_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> tuple[list[ast.stmt], int] | None:
    """The statement list holding ``node`` and its index there."""
    parent = parents.get(node)
    if parent is None:
        return None
    for field in ("body", "orelse", "finalbody", "handlers"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and node in block:
            return block, block.index(node)
    return None
