"""KZ110 sum-of-lists: ``sum(lists, [])`` copies the growing result at every step (quadratic);
``list(itertools.chain.from_iterable(lists))`` copies each item once.

Runtime evidence: ``element_types[x]``, the types of the items of the summed iterable.
"""

from __future__ import annotations

import ast
import re

import libcst as cst

from kaizen.patterns import cstedit
from kaizen.patterns.base import Evidence, Example, Pattern, RewriteError, Site
from kaizen.patterns.infer import Env, Types, element_types, function_env, scoped_env
from kaizen.patterns.scopes import (
    ancestors,
    function_of,
    function_scopes,
    is_builtin,
    lines_matching,
    parent_map,
    statements_on,
)

_CANDIDATE = re.compile(r"sum\s*\(")  # lines that may hold a finding (no leading \b: a literal start is found fast)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class SumOfLists(Pattern):
    id = "KZ110"
    name = "sum-of-lists"
    title = "sum(lists, []) is quadratic: use list(itertools.chain.from_iterable(lists))"
    description = (
        "sum() adds with +, so sum(lists, []) builds a new, longer list for every item: O(n²) "
        "copying. itertools.chain.from_iterable walks each item once. Tuples summed onto () are "
        "handled the same way."
    )
    hazards = (
        "items that are not lists (tuples, strings, generators): sum() raises TypeError, chain would accept them",
        "sum, list, tuple shadowed by a local or global name",
    )
    triggers = ("sum(",)
    examples = (
        Example(
            before="def flatten(rows: list[list[int]]) -> list[int]:\n    return sum(rows, [])\n",
            after=(
                "import itertools\n\ndef flatten(rows: list[list[int]]) -> list[int]:\n"
                "    return list(itertools.chain.from_iterable(rows))\n"
            ),
            call="flatten",
            args="st.lists(st.lists(st.integers(), max_size=3), max_size=5),",
        ),
        Example(
            before=(
                "import itertools\n\n\ndef pairs(xs: list[int]) -> tuple[int, ...]:\n"
                "    # every neighbour pair, flattened\n    return sum(((a, b) for a, b in zip(xs, xs[1:])), start=())\n"
            ),
            after=(
                "import itertools\n\n\ndef pairs(xs: list[int]) -> tuple[int, ...]:\n"
                "    # every neighbour pair, flattened\n"
                "    return tuple(itertools.chain.from_iterable((a, b) for a, b in zip(xs, xs[1:])))\n"
            ),
            call="pairs",
            args="st.lists(st.integers(), max_size=6),",
        ),
    )
    negatives = (
        "def f(rows):\n    return sum(rows, [])\n",
        "def f(rows: list[tuple[int, int]]) -> list[int]:\n    return sum(rows, [])\n",
        "def f(rows: list[list[int]]) -> list[int]:\n    list = 1\n    return sum(rows, [])\n",
        "def f(xs: list[int]) -> int:\n    return sum(xs, 0)\n",
    )

    def detect(self, tree: ast.Module, source: str) -> list[Site]:
        sites = []
        envs: dict[ast.AST, Env] = {}
        for node in statements_on(tree, lines_matching(source, _CANDIDATE)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "sum"):
                continue
            parents = parent_map(tree)
            start = _start(node)
            if start is None or len(node.args) not in (1, 2) or isinstance(node.args[0], ast.Starred):
                continue
            scopes = function_scopes(node, parents)
            env = Env()
            if scopes and isinstance(scopes[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
                env = envs.setdefault(scopes[0], function_env(scopes[0]))
            env = _comprehension_env(node, env, parents)
            x = node.args[0]
            facts: dict[str, object] = {
                "start": start, "x": ast.unparse(x), "elements": element_types(x, env),
                "builtins": all(is_builtin(n, tree, scopes) for n in ("sum", start)),
            }  # fmt: skip
            sites.append(Site(
                line=node.lineno, col=node.col_offset, end_line=node.end_lineno or node.lineno,
                function=function_of(node, parents),
                message=f"sum(..., {'[]' if start == 'list' else '()'}) copies the result at every step; use {start}(itertools.chain.from_iterable(...))",
                facts=tuple(sorted(facts.items())),
            ))  # fmt: skip
        return sites

    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None:
        start, x = str(site.fact("start")), str(site.fact("x"))
        if not site.fact("builtins"):
            return f"sum or {start} is shadowed here"
        static = site.fact("elements")
        items: Types | None = static if isinstance(static, frozenset) else None
        if items is None and evidence is not None:
            items = evidence.element_types.get(x)
        if items is None:
            return f"the items of {x} are not known to be {start}s: sum() raises TypeError on other items, chain() would not"
        if items != {start}:
            return f"the items of {x} may be {', '.join(sorted(items - {start}))}: sum() raises TypeError there, chain() would not"
        return None

    def rewrite(self, module: cst.Module, site: Site) -> cst.Module:
        module, where = cstedit.with_positions(module)
        call = cstedit.find(module, where, cst.Call, site.line, site.col)
        if not (isinstance(call.func, cst.Name) and call.func.value == "sum"):
            raise RewriteError("the sum(...) call moved since the scan")
        chain, needs_import = cstedit.module_ref(module, "itertools", "chain")
        items = call.args[0].value
        if isinstance(items, cst.GeneratorExp):  # the sole argument of from_iterable needs no parentheses
            items = items.with_changes(lpar=[], rpar=[])
        flat = cst.Call(cst.Attribute(chain, cst.Name("from_iterable")), [cst.Arg(items)])
        new = cst.Call(cst.Name(str(site.fact("start"))), [cst.Arg(flat)], lpar=call.lpar, rpar=call.rpar)
        module = cstedit.replace(module, call, new)
        return cstedit.add_import(module, "itertools") if needs_import else module


def _start(call: ast.Call) -> str | None:
    """"list" for a ``[]`` start, "tuple" for ``()``, else None."""
    start = call.args[1] if len(call.args) == 2 else next((k.value for k in call.keywords if k.arg == "start"), None)
    if len(call.keywords) > (0 if len(call.args) == 2 else 1):
        return None
    if isinstance(start, ast.List) and not start.elts:
        return "list"
    if isinstance(start, ast.Tuple) and not start.elts:
        return "tuple"
    return None


def _comprehension_env(node: ast.AST, env: Env, parents: dict[ast.AST, ast.AST]) -> Env:
    """The env inside the comprehensions around ``node`` (their targets get element types)."""
    comps = [a for a in ancestors(node, parents) if isinstance(a, _COMPREHENSIONS)]
    for comp in reversed(comps):
        inner = scoped_env(env, comp.generators)
        if inner is None:
            return env
        env = inner
    return env
