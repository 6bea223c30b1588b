"""Fast traversal of ``ast`` trees: the walks every detector is built on.

``ast.walk`` and ``ast.iter_child_nodes`` look at every field of every node through two generators
and an ``isinstance`` per value; over a large code base that costs more than parsing did. Here each
node class has the fields that can hold child nodes listed once (from the grammar the ``ast``
classes document themselves with), so a walk is one ``getattr`` per such field and a list extend.

The shared singletons that carry no information of their own (``Load``/``Store``/``Del`` and the
operators, which ``ast`` reuses across the whole tree) are not visited: read ``node.ctx`` or
``node.op`` on the node that holds them. Everything else ``ast.walk`` yields, these walks yield too
(tests/patterns/test_tree.py checks that on real code).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

# Grammar types whose values are not child nodes worth visiting: plain values, and the singletons.
_LEAVES = frozenset(
    {"identifier", "constant", "int", "string", "object", "expr_context", "operator", "boolop", "unaryop", "cmpop"}
)
_SIGNATURE = re.compile(r"(\w+)(?:\((.*)\))?")


def _subclasses(cls: type[ast.AST]) -> Iterable[type[ast.AST]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _child_fields(cls: type[ast.AST]) -> tuple[tuple[str, bool], ...] | None:
    """The fields of a concrete node class that hold child nodes, in order, each with whether it
    holds a list. Read from the docstring ``ast`` generates from the grammar:
    ``BinOp(expr left, operator op, expr right)``."""
    match = _SIGNATURE.fullmatch((cls.__doc__ or "").strip())
    if match is None or match.group(1) != cls.__name__:
        return None  # an abstract base or a deprecated alias (ast.Num, ast.Index): never in a tree
    found: list[tuple[str, bool]] = []
    for spec in filter(None, (match.group(2) or "").split(", ")):
        kind, name = spec.split(" ")
        if kind.rstrip("*?") not in _LEAVES:
            found.append((name, kind.endswith("*")))
    return tuple(found)


# The only lists that hold None: `{**a}` has a None key, keyword-only arguments without default.
_HOLES = frozenset({(ast.Dict, "keys"), (ast.arguments, "kw_defaults")})
# Per class, every child-holding field: (name, holds a list, the list may hold None).
FIELDS: dict[type[ast.AST], tuple[tuple[str, bool, bool], ...]] = {}
for _cls in _subclasses(ast.AST):
    _found = _child_fields(_cls)
    if _found is not None:
        FIELDS[_cls] = tuple((name, many, (_cls, name) in _HOLES) for name, many in _found)


def children(node: ast.AST) -> list[ast.AST]:
    """The child nodes of ``node``, in field order (as ``ast.iter_child_nodes``, singletons left out)."""
    out: list[ast.AST] = []
    for name, many, holes in FIELDS[type(node)]:
        value = getattr(node, name)
        if many:
            out += [v for v in value if v is not None] if holes else value
        elif value is not None:
            out.append(value)
    return out


def walk(node: ast.AST) -> list[ast.AST]:
    """``node`` and everything under it, breadth first (the order of ``ast.walk``)."""
    return walk_all([node])


def walk_all(nodes: Iterable[ast.AST]) -> list[ast.AST]:
    """Every node under each of ``nodes`` (themselves included), breadth first."""
    out = list(nodes)
    fields = FIELDS
    for current in out:  # a list iterator sees what is appended while it runs
        for name, many, holes in fields[type(current)]:
            value = getattr(current, name)
            if many:
                out += [v for v in value if v is not None] if holes else value
            elif value is not None:
                out.append(value)
    return out


def parents(root: ast.AST) -> dict[ast.AST, ast.AST]:
    """Each node's parent under ``root`` (``root`` itself has none)."""
    found: dict[ast.AST, ast.AST] = {}
    add_parents(root, found)
    return found


def add_parents(root: ast.AST, parents: dict[ast.AST, ast.AST]) -> None:
    """Each node under ``root`` (not ``root`` itself) into ``parents``, with its parent."""
    stack = [root]
    fields = FIELDS
    while stack:
        node = stack.pop()
        for name, many, _holes in fields[type(node)]:
            value = getattr(node, name)
            if many:
                for child in value:
                    if child is not None:
                        parents[child] = node
                        stack.append(child)
            elif value is not None:
                parents[value] = node
                stack.append(value)


def discover(root: ast.AST, nodes: list[ast.AST]) -> None:
    """Every node under ``root`` (not ``root`` itself) into ``nodes``, in the order a depth-first
    walk discovers them. (The field loop is written out here and in ``add_parents`` rather than
    shared: a function call per node costs about a third of the walk.)"""
    stack = [root]
    fields = FIELDS
    while stack:
        node = stack.pop()
        for name, many, holes in fields[type(node)]:
            value = getattr(node, name)
            if many:
                kids = [v for v in value if v is not None] if holes else value
                nodes += kids
                stack += kids
            elif value is not None:
                nodes.append(value)
                stack.append(value)


def mentions(node: ast.AST, name: str) -> bool:
    """True when a ``Name`` called ``name`` occurs under ``node``."""
    return any(type(n) is ast.Name and n.id == name for n in walk(node))
