"""The shape of a nested-loop equality join, read from ``ast`` (KZ101's detector half).

An inner loop over a collection ``inner`` nested in an outer loop, whose only work is guarded by an
equality between a key of the inner element (``c``, ``c.attr`` or ``c[const]``, or one of the names
an unpacking target ``for cid, name in customers`` binds) and a key computed without it
(``o.customer_id``). The equality must be the first condition, so everything else is
evaluated only for matching pairs, before and after the rewrite alike.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from kaizen.patterns.tree import walk

_SIMPLE = (ast.Name, ast.Attribute, ast.Subscript, ast.Constant)


@dataclass(frozen=True)
class JoinShape:
    form: str  # "statement" (for c in inner: if ...) or "comprehension"
    target: str  # the inner loop variable, c
    inner: ast.Name  # the inner collection
    test: ast.Compare  # the equality
    inner_key: ast.expr  # the side computed from c
    outer_key: ast.expr  # the side computed without c
    rest: bool  # other conditions follow the equality
    unpacked: tuple[str, ...] = ()  # every name of an unpacking target; ``target`` is the key among them

    @property
    def names(self) -> tuple[str, ...]:
        """The names the inner loop binds."""
        return self.unpacked or (self.target,)

    @property
    def position(self) -> int:
        """Where the key sits in an unpacking target (-1 for a plain loop variable)."""
        return self.unpacked.index(self.target) if self.unpacked else -1

    @property
    def key_name(self) -> str:
        """"id" for ``c.id`` / ``c["id"]``, "key" for ``c[0]``, "" for ``c`` itself."""
        key = self.inner_key
        if self.unpacked:
            return self.target
        if isinstance(key, ast.Attribute):
            return key.attr
        if isinstance(key, ast.Subscript) and isinstance(key.slice, ast.Constant):
            value = key.slice.value
            return value if isinstance(value, str) and value.isidentifier() else "key"
        return ""


def join_shape(node: ast.AST) -> JoinShape | None:
    if isinstance(node, ast.For):
        if len(node.body) != 1 or not isinstance(node.body[0], ast.If) or node.body[0].orelse:
            return None
        return _shape("statement", node.target, node.iter, node.body[0].test)
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) and len(node.generators) == 1:
        gen = node.generators[0]
        if gen.is_async or not gen.ifs:
            return None
        shape = _shape("comprehension", gen.target, gen.iter, gen.ifs[0])
        if shape is not None and len(gen.ifs) > 1:
            return JoinShape(
                shape.form, shape.target, shape.inner, shape.test, shape.inner_key, shape.outer_key, True, shape.unpacked
            )
        return shape
    return None


def _shape(form: str, target: ast.expr, iterable: ast.expr, test: ast.expr) -> JoinShape | None:
    if not isinstance(iterable, ast.Name):
        return None
    unpacked = _unpacked(target)
    if not isinstance(target, ast.Name) and unpacked is None:
        return None
    rest = False
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        test, rest = test.values[0], True
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return None
    left, right = test.left, test.comparators[0]
    for inner_key, outer_key in ((left, right), (right, left)):
        if unpacked is not None:  # the key is one of the unpacked names, the other side uses none
            if isinstance(inner_key, ast.Name) and inner_key.id in unpacked and all(_outer_key(outer_key, n) for n in unpacked):
                return JoinShape(form, inner_key.id, iterable, test, inner_key, outer_key, rest, unpacked)
        elif isinstance(target, ast.Name) and _inner_key(inner_key, target.id) and _outer_key(outer_key, target.id):
            return JoinShape(form, target.id, iterable, test, inner_key, outer_key, rest)
    return None


def _unpacked(target: ast.expr) -> tuple[str, ...] | None:
    """``("cid", "name")`` for a flat unpacking target ``cid, name`` of distinct names."""
    if not isinstance(target, (ast.Tuple, ast.List)) or not all(isinstance(n, ast.Name) for n in target.elts):
        return None
    names = tuple(n.id for n in target.elts if isinstance(n, ast.Name))
    return names if len(set(names)) == len(names) >= 2 else None


def _inner_key(node: ast.expr, c: str) -> bool:
    """``c``, ``c.attr`` or ``c[constant]``."""
    if isinstance(node, ast.Name):
        return node.id == c
    if isinstance(node, ast.Attribute):
        return isinstance(node.value, ast.Name) and node.value.id == c
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name) and node.value.id == c and isinstance(node.slice, ast.Constant)
    return False


def _outer_key(node: ast.expr, c: str) -> bool:
    """A side-effect-free read that does not involve ``c``: names, attributes, constant subscripts."""
    for part in walk(node):
        if isinstance(part, ast.Name) and part.id == c:
            return False
        if not isinstance(part, (*_SIMPLE, ast.expr_context)):
            return False
        if isinstance(part, ast.Subscript) and not isinstance(part.slice, (ast.Constant, ast.Name)):
            return False
    return not isinstance(node, ast.Constant)


def names_in(node: ast.AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, ast.Name)}
