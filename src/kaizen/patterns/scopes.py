"""Scope facts on ``ast`` shared by the safety checks: who binds a name, where a node lives.

Detection must stay fast, so these are single passes over plain ``ast`` nodes; nothing here
imports libcst.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import accumulate
from typing import TypeVar

from kaizen.patterns.statements import ModuleParents, StatementIndex, is_compound
from kaizen.patterns.tree import FIELDS, children, walk, walk_all
from kaizen.patterns.tree import parents as parents_under

T = TypeVar("T")
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
ScopeNode = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
BUILTIN_NAMES = frozenset(dir(builtins))
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_COMPREHENSION_KINDS = frozenset(_COMPREHENSIONS)


_CACHE: dict[tuple[str, int], tuple[ast.AST, object]] = {}
# Room for every fact of a large module (a few entries per function); past it, start afresh.
_CACHE_SIZE = 4096


def memo(kind: str, node: ast.AST, compute: Callable[[], T]) -> T:
    """Remember ``compute()`` for ``node`` (by identity): every detector asks the same questions
    of the same module, so they should cost one walk, not one each. Callers must not mutate
    what they get back."""
    key = (kind, id(node))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is node:
        return hit[1]  # type: ignore[return-value]
    value = compute()
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = (node, value)  # holding the node keeps its id from being reused meanwhile
    return value


def forget() -> None:
    """Drop every remembered fact: the scan calls this after each module, so a worker holds one
    module's tree at a time rather than the last few thousand facts' worth."""
    _CACHE.clear()


def parent_map(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    """Each node's parent under ``tree`` (shared between callers: read it, never change it). For a
    module, parents are worked out region by region as they are asked for."""
    if isinstance(tree, ast.Module):
        return memo("parents", tree, lambda: ModuleParents(tree, statement_index(tree)))
    return memo("parents", tree, lambda: parents_under(tree))


def statement_index(tree: ast.Module) -> StatementIndex:
    """The statements of ``tree``, listed once (shared between callers)."""
    return memo("statements", tree, lambda: StatementIndex.of(tree))


def blocks(tree: ast.AST) -> list[list[ast.stmt]]:
    """Every statement list under ``tree`` (bodies, else/finally clauses, handlers, match cases),
    found by walking statements only: much cheaper than visiting every expression."""
    return statement_index(tree).blocks if isinstance(tree, ast.Module) else StatementIndex.of(tree).blocks


def line_offsets(tree: ast.Module, source: str) -> list[int]:
    """Where each line of ``source`` starts (index 0 is line 1), with the text's length last.
    Lines as ast numbers them: at newlines only (``str.splitlines`` also splits at form feeds)."""
    return memo("offsets", tree, lambda: [0, *accumulate(map((1).__add__, map(len, source.split("\n"))))])


def lines_matching(source: str, pattern: re.Pattern[str]) -> set[int]:
    """The 1-based numbers of the lines where ``pattern`` matches. Let ``pattern`` start with a
    literal (no leading ``\\b`` or lookbehind): the regex engine then jumps from one occurrence of
    it to the next instead of trying every position, which over a whole module is several times
    faster."""
    found: set[int] = set()
    line, counted = 1, 0
    for match in pattern.finditer(source):
        line += source.count("\n", counted, match.start())
        counted = match.start()
        found.add(line)
    return found


def statements_on(tree: ast.Module, lines: set[int]) -> Iterator[ast.AST]:
    """Every node of the statements that touch one of ``lines`` (compound statements: only their
    headers, their bodies are statements of their own). Lets a detector that found candidate
    lines with a text search skip walking the rest of the module."""
    for stmt in statement_index(tree).touching(lines):
        yield from own_nodes(stmt)


def own_nodes(stmt: ast.stmt) -> list[ast.AST]:
    """The nodes of a statement that are not in statements of their own: all of a simple
    statement, only the header of a compound one (its test, target, decorators; a ``match``'s
    case patterns and guards, a ``try``'s exception types)."""
    if not is_compound(stmt):
        return walk(stmt)
    parts: list[ast.AST] = [
        part
        for name, value in ast.iter_fields(stmt)
        if name not in ("body", "orelse", "finalbody", "handlers", "cases")
        for part in (value if isinstance(value, list) else [value])
        if isinstance(part, ast.AST)
    ]
    for case in getattr(stmt, "cases", ()):
        parts += [case.pattern, *([case.guard] if case.guard is not None else [])]
    parts += [h.type for h in getattr(stmt, "handlers", ()) if h.type is not None]
    return walk_all(parts)


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


def walk_scope(root: ast.AST) -> list[ast.AST]:
    """Every node under ``root`` that runs in root's own scope: nested defs, classes and lambdas
    are skipped (their decorators and defaults are not), comprehensions are entered because they
    read the enclosing scope. For a function root only its body is walked: decorators, defaults
    and annotations run in the enclosing scope. Shared between callers: read it, never change it."""
    return memo("scope", root, lambda: _walk_scope(root))


def _walk_scope(root: ast.AST) -> list[ast.AST]:
    if isinstance(root, (ast.FunctionDef, ast.AsyncFunctionDef)):
        stack: list[ast.AST] = list(root.body)
    elif isinstance(root, ast.Lambda):
        stack = [root.body]
    else:
        stack = children(root)
    found: list[ast.AST] = []
    fields = FIELDS
    while stack:
        node = stack.pop()
        found.append(node)
        kind = type(node)
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            stack += node.decorator_list  # type: ignore[attr-defined]
            stack += [d for d in (*node.args.defaults, *node.args.kw_defaults) if d is not None]  # type: ignore[attr-defined]
        elif kind is ast.ClassDef:
            stack += (*node.decorator_list, *node.bases, *node.keywords)  # type: ignore[attr-defined]
        elif kind is ast.Lambda:
            stack += [d for d in (*node.args.defaults, *node.args.kw_defaults) if d is not None]  # type: ignore[attr-defined]
        else:  # the children, in field order (inlined: this loop runs for every node of a function)
            for name, many, holes in fields[kind]:
                value = getattr(node, name)
                if many:
                    stack += [v for v in value if v is not None] if holes else value
                elif value is not None:
                    stack.append(value)
    return found


def _comprehension_targets(nodes: list[ast.AST]) -> set[ast.AST]:
    """Name nodes bound by comprehension ``for`` clauses: they live in the comprehension's scope."""
    found: set[ast.AST] = set()
    for node in nodes:
        if type(node) in _COMPREHENSION_KINDS:
            for gen in node.generators:  # type: ignore[attr-defined]
                found.update(walk(gen.target))
    return found


def params(func: FunctionNode | ast.Lambda) -> list[ast.arg]:
    a = func.args
    extra = [x for x in (a.vararg, a.kwarg) if x is not None]
    return [*a.posonlyargs, *a.args, *a.kwonlyargs, *extra]


def bindings(root: ScopeNode) -> Counter[str]:
    """How many times each name is bound in ``root``'s own scope (params count once)."""
    return memo("bindings", root, lambda: _bindings(root))


def _bindings(root: ScopeNode) -> Counter[str]:
    counts: Counter[str] = Counter()
    if isinstance(root, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        counts.update(p.arg for p in params(root))
    nodes = walk_scope(root)
    skip = _comprehension_targets(nodes)
    for node in nodes:
        kind = type(node)
        if kind is ast.Name:
            if type(node.ctx) is not ast.Load and node not in skip:  # type: ignore[attr-defined]
                counts[node.id] += 1  # type: ignore[attr-defined]
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef or kind is ast.ClassDef:
            counts[node.name] += 1  # type: ignore[attr-defined]
        elif kind is ast.alias:
            counts[(node.asname or node.name).split(".")[0]] += 1  # type: ignore[attr-defined]
        elif (kind is ast.ExceptHandler or kind is ast.MatchAs or kind is ast.MatchStar) and node.name:  # type: ignore[attr-defined]
            counts[node.name] += 1  # type: ignore[attr-defined]
    return counts


def declared(root: ast.AST, kind: type[ast.Global] | type[ast.Nonlocal]) -> set[str]:
    """Names declared ``global``/``nonlocal`` anywhere under ``root`` (nested scopes included)."""
    return memo(kind.__name__, root, lambda: {n for b in blocks(root) for s in b if isinstance(s, kind) for n in s.names})


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
