"""KZ113 append-comprehension: ``result = []`` followed by a loop whose only statement is
``result.append(expr)`` (optionally under one ``if``) becomes a list comprehension, which skips
the attribute lookup and method call per item.

A comprehension runs in its own scope, so the places where that is visible are refused: the
loop variable read after the loop, the list read while it is built, a partial list surviving an
exception (``try``/``with``), class bodies and module level.
"""

from __future__ import annotations

import ast
from itertools import pairwise

import libcst as cst

from kaizen.patterns import cstedit
from kaizen.patterns.base import Evidence, Example, Pattern, RewriteError, Site
from kaizen.patterns.loop_vars import leaks_after, refusal_in_body
from kaizen.patterns.scopes import ancestors, blocks, declared, function_of, parent_map

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.Module)


class AppendComprehension(Pattern):
    id = "KZ113"
    name = "append-comprehension"
    title = "a loop that only appends to a new list: use a list comprehension"
    description = (
        "result = [] followed by for x in xs: result.append(f(x)) looks up and calls "
        "result.append for every item; [f(x) for x in xs] builds the same list in one "
        "specialised loop."
    )
    hazards = (
        "the loop variable read after the loop (a comprehension does not leak it)",
        "the list read inside the loop, or captured by a nested function",
        "else clauses, break/continue, async for, await/yield/:= or super() in the loop",
        "a try/with around the loop (a partial list could survive an exception)",
        "module level (the loop variable is a module attribute) and class bodies (scoping)",
    )
    triggers = (".append(",)
    examples = (
        Example(
            before=(
                "def squares(xs: list[int]) -> list[int]:\n    result = []  # squares of evens\n"
                "    for x in xs:\n        if x % 2 == 0:\n            result.append(x * x)\n    return result\n"
            ),
            after=(
                "def squares(xs: list[int]) -> list[int]:\n"
                "    result = [x * x for x in xs if x % 2 == 0]  # squares of evens\n    return result\n"
            ),
            call="squares",
            args="st.lists(st.integers()),",
        ),
        Example(
            before=(
                "def pairs(d: dict[str, int]) -> list[str]:\n    out: list[str] = []\n"
                "    # one line per key\n    for k, v in sorted(d.items()):\n        out.append(f'{k}={v}')\n"
                "    return out\n"
            ),
            after=(
                "def pairs(d: dict[str, int]) -> list[str]:\n"
                "    # one line per key\n    out: list[str] = [f'{k}={v}' for k, v in sorted(d.items())]\n"
                "    return out\n"
            ),
            call="pairs",
            args="st.dictionaries(st.text(max_size=2), st.integers()),",
        ),
    )
    negatives = (
        "def f(xs: list[int]) -> int:\n    out = []\n    for x in xs:\n        out.append(x)\n    return x\n",
        "def f(xs: list[int]) -> list[int]:\n    out = []\n    for x in xs:\n        out.append(len(out) + x)\n    return out\n",
        "def f(xs: list[int]) -> list[int]:\n    out = []\n    for x in xs:\n        out.append(x)\n    else:\n        out.append(0)\n    return out\n",
        "def f(xs: list[int]) -> list[int]:\n    try:\n        out = []\n        for x in xs:\n            out.append(10 // x)\n"
        "    except ZeroDivisionError:\n        pass\n    return out\n",
        "out = []\nfor x in range(3):\n    out.append(x)\n",
        "class C:\n    K = 2\n    out = []\n    for x in range(3):\n        out.append(x * K)\n",
        "async def f(xs: list[int]) -> list[int]:\n    out = []\n    for x in xs:\n        out.append(await g(x))\n    return out\n",
        "def f(xs: list[int]) -> list[int]:\n    out = []\n    for x in xs:\n        if x:\n            out.append(x)\n        else:\n            out.append(0)\n    return out\n",
    )

    def detect(self, tree: ast.Module, source: str) -> list[Site]:
        sites = []
        for block in blocks(tree):
            for first, loop in pairwise(block):
                shape = _shape(loop) if isinstance(loop, (ast.For, ast.AsyncFor)) else None
                if shape is None or not _starts_empty(first, shape[0]):
                    continue
                assert isinstance(loop, (ast.For, ast.AsyncFor))
                sites.append(self._site(first, loop, shape[0], tree))
        return sites

    def _site(self, first: ast.stmt, loop: ast.For | ast.AsyncFor, name: str, tree: ast.Module) -> Site:
        parents = parent_map(tree)
        scope = next(a for a in ancestors(loop, parents) if isinstance(a, _SCOPES))
        reason = _refusal(loop, first, name, scope, parents)
        return Site(
            line=first.lineno, col=first.col_offset, end_line=loop.end_lineno or loop.lineno,
            function=function_of(loop, parents),
            message=f"loop only appends to {name!r}: build it with a list comprehension",
            facts=(("name", name), ("reason", reason)),
        )

    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None:
        reason = site.fact("reason")
        return None if reason is None else str(reason)

    def rewrite(self, module: cst.Module, site: Site) -> cst.Module:
        module, where = cstedit.with_positions(module)
        first = cstedit.find(module, where, cst.SimpleStatementLine, site.line, site.col)
        owner = next((n for n in where if isinstance(n, (cst.IndentedBlock, cst.Module)) and first in n.body), None)
        if owner is None:
            raise RewriteError("the list and its loop moved since the scan")
        body = list(owner.body)
        i = body.index(first)
        loop = body[i + 1] if i + 1 < len(body) else None
        if not isinstance(loop, cst.For):
            raise RewriteError("the loop moved since the scan")
        new = _merged(first, loop)
        return cstedit.replace(module, owner, owner.with_changes(body=[*body[:i], new, *body[i + 2 :]]))


def _shape(loop: ast.For | ast.AsyncFor) -> tuple[str, ast.expr, ast.expr | None] | None:
    """(list name, appended expression, condition) when the loop body is only an append."""
    if len(loop.body) != 1:
        return None
    stmt, cond = loop.body[0], None
    if isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1:
        cond = stmt.test
        stmt = stmt.body[0]
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return None
    call = stmt.value
    f = call.func
    if not (isinstance(f, ast.Attribute) and f.attr == "append" and isinstance(f.value, ast.Name)):
        return None
    if len(call.args) != 1 or call.keywords or isinstance(call.args[0], ast.Starred):
        return None
    return f.value.id, call.args[0], cond


def _starts_empty(stmt: ast.stmt, name: str) -> bool:
    value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
    elif isinstance(stmt, ast.AnnAssign):
        target = stmt.target
    else:
        return False
    return isinstance(target, ast.Name) and target.id == name and isinstance(value, ast.List) and not value.elts


def _refusal(loop: ast.For | ast.AsyncFor, first: ast.stmt, name: str, scope: ast.AST, parents: dict[ast.AST, ast.AST]) -> str | None:
    if isinstance(scope, ast.Module):
        return "at module level the loop variable is a module attribute that a comprehension would not set"
    if isinstance(scope, ast.ClassDef):
        return "in a class body a comprehension cannot see the class's names"
    if isinstance(loop, ast.AsyncFor):
        return "async for: left as a loop"
    if loop.orelse:
        return "the loop has an else clause"
    if name in declared(scope, ast.Global) | declared(scope, ast.Nonlocal):
        return f"{name!r} is declared global or nonlocal"
    for anc in ancestors(loop, parents):
        if anc is scope:
            break
        if isinstance(anc, (ast.Try, ast.TryStar, ast.With, ast.AsyncWith)):
            return "inside try/with: after an exception the loop leaves a partial list, a comprehension none"
    return refusal_in_body(loop, name, scope) or leaks_after(loop, scope, parents)


def _merged(first: cst.SimpleStatementLine, loop: cst.For) -> cst.SimpleStatementLine:
    """``name = [expr for target in iter if cond]`` keeping the assignment's comments, with the
    loop's own comments moved above it."""
    inner = loop.body.body[0] if isinstance(loop.body, cst.IndentedBlock) else loop.body
    cond = None
    if isinstance(inner, cst.If):
        cond = inner.test
        inner = inner.body.body[0] if isinstance(inner.body, cst.IndentedBlock) else inner.body
    small = inner.body[0] if isinstance(inner, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else None
    if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)):
        raise RewriteError("the loop body is not a single append")
    elt = small.value.args[0].value
    if isinstance(elt, cst.GeneratorExp):
        elt = cstedit.parenthesized(elt)
    iter_ = loop.iter
    if isinstance(iter_, (cst.IfExp, cst.Lambda, cst.Tuple)):
        iter_ = cstedit.parenthesized(iter_)
    ifs = [] if cond is None else [cst.CompIf(cstedit.parenthesized(cond) if isinstance(cond, (cst.IfExp, cst.Lambda)) else cond)]
    comp = cst.ListComp(elt, cst.CompFor(target=loop.target, iter=iter_, ifs=ifs))
    assign = first.body[0]
    if not isinstance(assign, (cst.Assign, cst.AnnAssign)):
        raise RewriteError("the list is not made by a plain assignment")
    comments = [cst.EmptyLine(comment=c) for c in _comments(loop)]
    return first.with_changes(body=[assign.with_changes(value=comp)], leading_lines=[*first.leading_lines, *comments])


def _comments(node: cst.CSTNode) -> list[cst.Comment]:
    found: list[cst.Comment] = []

    class Collect(cst.CSTVisitor):
        def visit_Comment(self, c: cst.Comment) -> None:
            found.append(c)

    node.visit(Collect())
    return found
