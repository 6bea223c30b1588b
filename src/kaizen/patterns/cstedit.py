"""libcst helpers the rewrites share: find the node a ``Site`` points at, make sure an import is
there, pick a fresh name. Only rewrites import this (libcst parses only files that change)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar, cast

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from kaizen.patterns.base import RewriteError

N = TypeVar("N", bound=cst.CSTNode)
Positions = Mapping[cst.CSTNode, CodeRange]


def with_positions(module: cst.Module) -> tuple[cst.Module, Positions]:
    """A copy of ``module`` and the source position of each of its nodes."""
    wrapper = MetadataWrapper(module)
    return wrapper.module, wrapper.resolve(PositionProvider)


def replace(module: cst.Module, old: cst.CSTNode, new: cst.CSTNode | cst.RemovalSentinel) -> cst.Module:
    """``module`` with the node ``old`` (found through ``with_positions``) swapped for ``new``."""
    out = cast(cst.CSTNode, module).deep_replace(old, cast(cst.CSTNode, new))  # the stub ties new to self
    if not isinstance(out, cst.Module):
        raise RewriteError("replacing a node did not give a module back")
    return out


def char_col(module: cst.Module, line: int, byte_col: int) -> int:
    """``ast`` counts columns in UTF-8 bytes, libcst in characters."""
    lines = module.code.splitlines()
    if not 0 < line <= len(lines):
        return byte_col
    return len(lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def find(module: cst.Module, where: Positions, kind: type[N], line: int, col: int | None = None) -> N:
    """The node of ``kind`` that starts at ``line`` (and ``col``, an ``ast`` byte column)."""
    want = None if col is None else char_col(module, line, col)
    for node, span in where.items():
        if isinstance(node, kind) and span.start.line == line and want in (None, span.start.column):
            return node
    raise RewriteError(f"no {kind.__name__} at line {line}: the file changed since it was scanned")


def find_function(module: cst.Module, where: Positions, line: int, name: str) -> cst.FunctionDef:
    """The function whose ``def`` keyword is on ``line`` (as ``ast`` reports it, decorators aside)."""
    for node in where:
        if isinstance(node, cst.FunctionDef) and node.name.value == name and where[node.name].start.line == line:
            return node
    raise RewriteError(f"no function {name!r} at line {line}: the file changed since it was scanned")


def names_used(node: cst.CSTNode) -> set[str]:
    """Every identifier in ``node`` that can name a variable (attribute names and the module paths
    of import statements are not variables)."""
    found: set[str] = set()

    class Collect(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            found.add(n.value)

        def visit_Attribute(self, n: cst.Attribute) -> bool:
            n.value.visit(self)
            return False

        def visit_ImportFrom(self, n: cst.ImportFrom) -> bool:
            if not isinstance(n.names, cst.ImportStar):
                for alias in n.names:
                    local = alias.asname.name if alias.asname else alias.name
                    local.visit(self)
            return False

    node.visit(Collect())
    return found


def fresh_name(taken: set[str], base: str) -> str:
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def _top_level_imports(module: cst.Module) -> list[cst.Import | cst.ImportFrom]:
    out: list[cst.Import | cst.ImportFrom] = []
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            out.extend(s for s in stmt.body if isinstance(s, (cst.Import, cst.ImportFrom)))
    return out


def _dotted(expr: cst.BaseExpression) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return f"{_dotted(expr.value)}.{expr.attr.value}"
    return ""


def module_ref(module: cst.Module, mod: str, attr: str) -> tuple[cst.BaseExpression, bool]:
    """An expression naming ``mod.attr``, and whether ``import mod`` must be added for it.

    Reuses a top-level ``import mod [as m]`` (or ``import mod.sub``, which binds ``mod`` too). A
    ``from mod import attr`` is not reused: that short name is too often rebound somewhere (a
    local ``cache = {}``) for the reuse to be safe without a full scope analysis.
    """
    for imp in _top_level_imports(module):
        if not isinstance(imp, cst.Import):
            continue
        for alias in imp.names:
            dotted = _dotted(alias.name)
            if alias.asname is None and (dotted == mod or dotted.startswith(mod + ".")):
                return cst.Attribute(cst.Name(mod), cst.Name(attr)), False
            if dotted == mod and alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                return cst.Attribute(cst.Name(alias.asname.name.value), cst.Name(attr)), False
    if mod in names_used(module):
        raise RewriteError(f"the name {mod!r} is already used in this module; cannot import {mod}")
    return cst.Attribute(cst.Name(mod), cst.Name(attr)), True


def add_import(module: cst.Module, mod: str) -> cst.Module:
    """``module`` with ``import mod`` placed where libcst's own codemods put it (after the
    docstring, ``__future__`` imports and the existing top-level imports)."""
    # libcst.codemod costs ~0.8 s to import; only a rewrite that adds an import pays for it
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, mod)
    return AddImportsVisitor(context).transform_module(module)


def has_comment(node: cst.CSTNode) -> bool:
    found = False

    class Look(cst.CSTVisitor):
        def visit_Comment(self, n: cst.Comment) -> None:
            nonlocal found
            found = True

    node.visit(Look())
    return found


def parenthesized(expr: N) -> N:
    """``expr`` wrapped in parentheses when it has none (safe inside any larger expression)."""
    lpar = getattr(expr, "lpar", None)
    if lpar is None or len(lpar) > 0:
        return expr
    return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
