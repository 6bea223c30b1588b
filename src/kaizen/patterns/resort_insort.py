"""KZ111 resort-insort: ``lst.append(x); lst.sort()`` inside a loop re-sorts the whole list for
every insertion; ``bisect.insort(lst, x)`` finds the place in O(log n) comparisons.

Equal elements stay where a stable sort puts them: after the append, ``x`` is the last of its
equals, and ``insort`` (``insort_right``) inserts after all equal elements too.

Runtime evidence: ``element_types[lst]``, the types of the list's elements.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from itertools import pairwise

import libcst as cst

from kaizen.patterns import cstedit
from kaizen.patterns.base import Evidence, Example, Pattern, RewriteError, Site
from kaizen.patterns.infer import Env, Types, element_types, expr_types, function_env, union
from kaizen.patterns.scopes import ancestors, blocks, body_of, function_of, parent_map
from kaizen.patterns.sorted_list import (
    assigned_value,
    escapes_before,
    is_call,
    loop_uses,
    sort_args,
    sorted_on_entry,
)
from kaizen.patterns.tree import walk

_ORDERED = (frozenset({"int"}), frozenset({"int", "bool"}), frozenset({"bool"}), frozenset({"str"}), frozenset({"bytes"}))
_PURE_KEYS = {"len": "int", "str.lower": "str", "str.upper": "str", "str.casefold": "str", "abs": None}
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


class ResortInsort(Pattern):
    id = "KZ111"
    name = "resort-insort"
    title = "append then sort() in a loop re-sorts everything: use bisect.insort"
    description = (
        "Appending one element and calling sort() again costs a full pass of comparisons per "
        "insertion. bisect.insort puts the element in place with a binary search, and leaves "
        "equal elements in the same order a stable sort would."
    )
    hazards = (
        "the list not provably sorted before the loop (insort assumes it is)",
        "other changes to the list in the loop (append, insert, item assignment, passing it to code that could)",
        "reverse=True (insort only keeps ascending order); a key with side effects (called a different number of times)",
        "elements without a total order: floats (NaN), mixed types, unknown types",
        "the list read between the append and the sort (only adjacent statements are rewritten)",
    )
    triggers = (".sort(",)
    examples = (
        Example(
            before=(
                "def running_top(xs: list[int], k: int) -> list[list[int]]:\n    seen: list[int] = []\n"
                "    out = []\n    for x in xs:\n        seen.append(x)\n        seen.sort()  # keep ordered\n"
                "        out.append(seen[-k:])\n    return out\n"
            ),
            after=(
                "import bisect\n\ndef running_top(xs: list[int], k: int) -> list[list[int]]:\n    seen: list[int] = []\n"
                "    out = []\n    for x in xs:\n        bisect.insort(seen, x)  # keep ordered\n"
                "        out.append(seen[-k:])\n    return out\n"
            ),
            call="running_top",
            args="st.lists(st.integers(-5, 5)), st.integers(1, 3)",
        ),
        Example(
            before=(
                "import bisect\n\n\ndef by_length(words: list[str]) -> list[str]:\n    ranked = sorted(words[:1], key=len)\n"
                "    for w in words[1:]:\n        if w:\n            ranked.append(w); ranked.sort(key=len)\n"
                "    return ranked\n"
            ),
            after=(
                "import bisect\n\n\ndef by_length(words: list[str]) -> list[str]:\n    ranked = sorted(words[:1], key=len)\n"
                "    for w in words[1:]:\n        if w:\n            bisect.insort(ranked, w, key=len)\n"
                "    return ranked\n"
            ),
            call="by_length",
            args="st.lists(st.text('abc', max_size=3)),",
        ),
    )
    negatives = (
        "def f(xs: list[int], acc: list[int]) -> None:\n    for x in xs:\n        acc.append(x)\n        acc.sort()\n",
        "def f(xs: list[int]) -> list[int]:\n    acc = [3, 1]\n    for x in xs:\n        acc.append(x)\n        acc.sort()\n    return acc\n",
        "def f(xs: list[int]) -> list[int]:\n    acc = []\n    for x in xs:\n        acc.append(x)\n        acc.sort(reverse=True)\n    return acc\n",
        "def f(xs: list[float]) -> list[float]:\n    acc = []\n    for x in xs:\n        acc.append(x)\n        acc.sort()\n    return acc\n",
        "def f(xs):\n    acc = []\n    for x in xs:\n        acc.append(x)\n        acc.sort()\n    return acc\n",
        "def f(xs: list[int]) -> list[int]:\n    acc = []\n    for x in xs:\n        acc.append(x)\n        acc.insert(0, x)\n        acc.sort()\n    return acc\n",
        "def f(xs: list[int]) -> list[int]:\n    acc = []\n    for x in xs:\n        acc.append(x)\n        acc[0] = x\n    acc.sort()\n    return acc\n",
        "def f(xs: list[int]) -> list[int]:\n    acc = []\n    for x in xs:\n        acc.append(x)\n        log(acc)\n        acc.sort()\n    return acc\n",
        "def f(xs: list[str]) -> list[str]:\n    acc = []\n    for x in xs:\n        acc.append(x)\n        acc.sort(key=weigh)\n    return acc\n",
    )

    def detect(self, tree: ast.Module, source: str) -> list[Site]:
        sites: list[Site] = []
        envs: dict[ast.AST, Env] = {}
        pairs = [pair for block in blocks(tree) for pair in pairwise(block)]
        for stmt, following in pairs:
            append = stmt if isinstance(stmt, ast.Expr) else None
            call = append.value if append is not None else None
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "append"
                    and isinstance(call.func.value, ast.Name) and len(call.args) == 1 and not call.keywords):  # fmt: skip
                continue
            name = call.func.value.id
            sort = is_call(following, name, "sort")
            if sort is None:
                continue
            parents = parent_map(tree)
            loop = next((a for a in ancestors(stmt, parents) if isinstance(a, (*_SCOPES, ast.For, ast.While))), None)
            if sort is None or not isinstance(loop, (ast.For, ast.While)) or sort.args:
                continue
            func = next((a for a in ancestors(stmt, parents) if isinstance(a, _SCOPES)), tree)
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) and func not in envs:
                envs[func] = function_env(func)
            env = envs.get(func, Env())
            assert isinstance(stmt, ast.Expr)
            sites.append(self._site(stmt, call, sort, name, env, func, parents))
        return sites

    def _site(self, stmt: ast.Expr, call: ast.Call, sort: ast.Call, name: str, env: Env, func: ast.AST,
              parents: dict[ast.AST, ast.AST]) -> Site:
        kw = {k.arg: k.value for k in sort.keywords}
        args = sort_args(sort)
        reason, region = sorted_on_entry(stmt, name, args, parents)
        if region is not None:
            pairs: set[ast.stmt] = {s for s in walk(region) if isinstance(s, ast.Expr) and is_call(s, name, "append")
                     and (loc := body_of(s, parents)) and loc[1] + 1 < len(loc[0])
                     and (nxt := is_call(loc[0][loc[1] + 1], name, "sort")) is not None and sort_args(nxt) == args}  # fmt: skip
            reason = loop_uses(region, name, pairs, parents) or escapes_before(func, name, region, parents)
        key = kw.get("key")
        rev = kw.get("reverse")
        if rev is not None and not (isinstance(rev, ast.Constant) and rev.value is False):
            reason = reason or "reverse order: insort only keeps a list in ascending order"
        elems = element_types(ast.Name(name, ast.Load()), env)
        item = expr_types(call.args[0], env)
        start = None if region is None else _initial_elements(region, name, parents, env)
        facts: dict[str, object] = {
            "name": name, "reason": reason, "key": None if key is None else ast.unparse(key),
            "key_pure": key is None or ast.unparse(key) in _PURE_KEYS,
            "types": elems if elems is not None else (item | start if item is not None and start is not None else None),
        }  # fmt: skip
        return Site(
            line=stmt.lineno, col=stmt.col_offset, end_line=sort.end_lineno or stmt.lineno,
            function=function_of(stmt, parents),
            message=f"{name}.append() then {name}.sort() re-sorts the whole list each time; use bisect.insort",
            facts=tuple(sorted(facts.items())),
        )

    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None:
        name = str(site.fact("name"))
        if site.fact("reason"):
            return str(site.fact("reason"))
        if not site.fact("key_pure"):
            return f"key={site.fact('key')} is not known to be pure: insort calls it a different number of times"
        static = site.fact("types")
        types: Types | None = static if isinstance(static, frozenset) else None
        if types is None and evidence is not None:
            types = evidence.element_types.get(name)
        key = site.fact("key")
        if key is not None:
            kind = _PURE_KEYS.get(str(key))
            if kind is None and not (types is not None and types <= {"int", "bool"}):  # abs of ints is an int
                return f"the values of key={key} are not known to be totally ordered"
            return None
        if types is None:
            return f"the elements of {name!r} are of unknown type: NaN or mixed types would order differently"
        if types not in _ORDERED:
            return f"the elements of {name!r} may be {', '.join(sorted(types))}: no total order (NaN, mixed types)"
        return None

    def rewrite(self, module: cst.Module, site: Site) -> cst.Module:
        module, where = cstedit.with_positions(module)
        expr = cstedit.find(module, where, cst.Expr, site.line, site.col)
        insort, needs_import = cstedit.module_ref(module, "bisect", "insort")
        merger = _Merge(expr, str(site.fact("name")), insort)
        module = module.visit(merger)
        if not merger.done:
            raise RewriteError("the append/sort pair moved since the scan")
        return cstedit.add_import(module, "bisect") if needs_import else module


def _initial_elements(region: ast.stmt, name: str, parents: dict[ast.AST, ast.AST], env: Env) -> Types | None:
    """Element types the list starts with: none for ``[]``, else those of the sorted source."""
    located = body_of(region, parents)
    for stmt in reversed(located[0][: located[1]] if located else []):
        value = assigned_value(stmt, name)
        if isinstance(value, ast.List):
            parts = [expr_types(e, env) for e in value.elts]
            return union(parts)
        if isinstance(value, ast.Call):
            return element_types(value.args[0], env) if value.args else frozenset()
        if value is not None:
            return None
    return None


class _Merge(cst.CSTTransformer):
    """Replaces ``append`` + the ``sort`` right after it with one ``insort`` call."""

    def __init__(self, append: cst.Expr, name: str, insort: cst.BaseExpression) -> None:
        super().__init__()
        self.append, self.name, self.insort, self.done = append, name, insort, False

    def _call(self, append: cst.Expr, sort: cst.Expr) -> cst.Expr:
        assert isinstance(append.value, cst.Call) and isinstance(sort.value, cst.Call)
        item = append.value.args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        keys = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in sort.value.args
                if a.keyword is not None and a.keyword.value == "key"]  # fmt: skip
        args = [cst.Arg(cst.Name(self.name)), item, *keys]
        return append.with_changes(value=cst.Call(self.insort, args), semicolon=cst.MaybeSentinel.DEFAULT)

    def _is_sort(self, node: cst.CSTNode) -> bool:
        return (isinstance(node, cst.Expr) and isinstance(node.value, cst.Call)
                and isinstance(node.value.func, cst.Attribute) and node.value.func.attr.value == "sort"
                and isinstance(node.value.func.value, cst.Name) and node.value.func.value.value == self.name)  # fmt: skip

    def _merge_small(self, body: Sequence[cst.BaseSmallStatement]) -> list[cst.BaseSmallStatement] | None:
        for i, small in enumerate(body[:-1]):
            if small is self.append and self._is_sort(body[i + 1]):
                self.done = True
                merged = self._call(self.append, body[i + 1])  # type: ignore[arg-type]
                if i + 2 < len(body):
                    merged = merged.with_changes(semicolon=self.append.semicolon)
                return [*body[:i], merged, *body[i + 2 :]]
        return None

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
        merged = self._merge_small(original.body)
        return updated if merged is None else updated.with_changes(body=merged)

    def leave_SimpleStatementSuite(self, original: cst.SimpleStatementSuite, updated: cst.SimpleStatementSuite) -> cst.SimpleStatementSuite:
        merged = self._merge_small(original.body)
        return updated if merged is None else updated.with_changes(body=merged)

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        body = list(original.body)
        for i, line in enumerate(body[:-1]):
            nxt = body[i + 1]
            if (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and line.body[0] is self.append
                    and isinstance(nxt, cst.SimpleStatementLine) and len(nxt.body) == 1 and self._is_sort(nxt.body[0])):  # fmt: skip
                self.done = True
                trailing = line.trailing_whitespace
                if nxt.trailing_whitespace.comment is not None:
                    if trailing.comment is not None:
                        raise RewriteError("both the append and the sort carry a comment; merging would drop one")
                    trailing = nxt.trailing_whitespace
                new = line.with_changes(
                    body=[self._call(self.append, nxt.body[0])],  # type: ignore[arg-type]
                    leading_lines=[*line.leading_lines, *nxt.leading_lines],
                    trailing_whitespace=trailing,
                )
                return updated.with_changes(body=[*updated.body[:i], new, *updated.body[i + 2 :]])
        return updated
