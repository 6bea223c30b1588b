"""KZ109 sorted-min-max: ``sorted(x)[0]`` / ``sorted(x)[-1]`` sort n log n to keep one element;
``min(x)`` / ``max(x)`` find it in one pass.

Which element comes back among equal ones is kept: ``sorted`` is stable, so ``sorted(x)[0]`` is
the *first* smallest, like ``min``; but ``sorted(x)[-1]`` is the *last* largest while ``max``
returns the first. That case becomes ``max(reversed(x))`` unless equal elements cannot be told
apart (all ints, or all strs, with no key). ``reverse=True`` swaps min and max; it keeps equal
elements in their original order, so ``sorted(x, reverse=True)[-1]`` is ``min(reversed(x))``.

Runtime evidence: ``element_types[x]`` (the elements' types) and ``value_types[x]`` (the type of
``x`` itself, to know it can be reversed); for a ``key=lambda``, ``value_types[<lambda body>]``.
"""

from __future__ import annotations

import ast
import re

import libcst as cst

from kaizen.patterns import cstedit
from kaizen.patterns.base import Evidence, Example, Pattern, RewriteError, Site
from kaizen.patterns.guards import nonempty
from kaizen.patterns.infer import Env, Types, element_types, expr_types, function_env
from kaizen.patterns.purity import PURE_BUILTINS, PURE_METHODS
from kaizen.patterns.scopes import (
    ScopeNode,
    function_of,
    function_scopes,
    is_builtin,
    lines_matching,
    parent_map,
    statements_on,
)
from kaizen.patterns.tree import walk

_CANDIDATE = re.compile(r"sorted\s*\(")  # lines that may hold a finding (no leading \b: a literal start is found fast)
_INDISTINGUISHABLE = ({"int"}, {"str"}, {"bytes"})  # equal values of these types are interchangeable
_REVERSIBLE = frozenset({"list", "tuple", "str", "range", "bytes"})
_KEY_TYPES = {"len": "int", "str": "str", "repr": "str", "ord": "int", "str.lower": "str", "str.upper": "str", "str.casefold": "str"}


class SortedMinMax(Pattern):
    id = "KZ109"
    name = "sorted-min-max"
    title = "sorted(x)[0] / sorted(x)[-1] sorts everything to keep one element: use min/max"
    description = (
        "Sorting is O(n log n) and allocates a list; min() and max() are one O(n) pass. The rewrite "
        "keeps which of several equal elements is returned, and is only made where NaN, an empty "
        "input (IndexError vs ValueError) and a shadowed builtin are ruled out."
    )
    hazards = (
        "ties: sorted(x)[-1] returns the last of equal elements, max(x) the first (rewritten as max(reversed(x)))",
        "a key function with side effects, called in a different order by the reversed form",
        "reverse= given as a non-literal",
        "NaN: with floats (elements or key values) sorted() and min()/max() can disagree",
        "empty input: IndexError becomes ValueError (rewritten only where x is provably non-empty)",
        "sorted/min/max/reversed shadowed by a local or global name",
    )
    triggers = ("sorted(",)
    examples = (
        Example(
            before="def lowest(xs: list[int]) -> int:\n    if not xs:\n        return 0\n    return sorted(xs)[0]  # smallest\n",
            after="def lowest(xs: list[int]) -> int:\n    if not xs:\n        return 0\n    return min(xs)  # smallest\n",
            call="lowest",
            args="st.lists(st.integers()),",
        ),
        Example(
            before=(
                "def longest(words: list[str]) -> str:\n    if words:\n"
                "        return sorted(words, key=len)[-1]\n    return ''\n"
            ),
            after=(
                "def longest(words: list[str]) -> str:\n    if words:\n"
                "        return max(reversed(words), key=len)\n    return ''\n"
            ),
            call="longest",
            args="st.lists(st.text(max_size=3)),",
        ),
        Example(
            before="def top(xs: list[str]) -> str:\n    return sorted(xs, reverse=True)[0] if xs else ''\n",
            after="def top(xs: list[str]) -> str:\n    return max(xs) if xs else ''\n",
            call="top",
            args="st.lists(st.text(max_size=2)),",
        ),
    )
    negatives = (
        "def f(xs: list[int]) -> int:\n    return sorted(xs)[0]\n",
        "def f(xs: list[float]) -> float:\n    return sorted(xs)[0] if xs else 0.0\n",
        "def f(xs):\n    return sorted(xs)[-1] if xs else None\n",
        "def f(xs: list[int], r: bool) -> int:\n    return sorted(xs, reverse=r)[0] if xs else 0\n",
        "def f(xs: list[tuple[int, str]]) -> tuple[int, str]:\n    return sorted(xs, key=lambda t: t[0])[-1] if xs else (0, '')\n",
        "def f(xs: list[int]) -> int:\n    min = 3\n    return sorted(xs)[0] if xs else min\n",
        "def f(xs: list[int]) -> int:\n    if xs:\n        xs.clear()\n        return sorted(xs)[0]\n    return 0\n",
    )

    def detect(self, tree: ast.Module, source: str) -> list[Site]:
        sites = []
        envs: dict[ast.AST, Env] = {}
        for node in statements_on(tree, lines_matching(source, _CANDIDATE)):
            call = node.value if isinstance(node, ast.Subscript) else None
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "sorted"):
                continue
            parents = parent_map(tree)
            index = _index(node.slice) if isinstance(node, ast.Subscript) else None
            if index is None or len(call.args) != 1 or isinstance(call.args[0], ast.Starred):
                continue
            kw = {k.arg: k.value for k in call.keywords}
            if set(kw) - {"key", "reverse"} or None in kw:
                continue
            scopes = function_scopes(node, parents)
            env = Env()
            if scopes and isinstance(scopes[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
                env = envs.setdefault(scopes[0], function_env(scopes[0]))
            assert isinstance(node, ast.Subscript)
            sites.append(self._site(node, call, index, kw, env, tree, scopes, parents))
        return sites

    def _site(self, node: ast.Subscript, call: ast.Call, index: int, kw: dict[str | None, ast.expr], env: Env,
              tree: ast.Module, scopes: list[ScopeNode], parents: dict[ast.AST, ast.AST]) -> Site:
        x = call.args[0]
        reverse = kw.get("reverse")
        rev = "false" if reverse is None else "dynamic"
        if isinstance(reverse, ast.Constant) and isinstance(reverse.value, bool):
            rev = "true" if reverse.value else "false"
        key = kw.get("key")
        if isinstance(key, ast.Constant) and key.value is None:
            key = None
        elems = element_types(x, env)
        facts: dict[str, object] = {
            "index": index, "reverse": rev, "x": ast.unparse(x), "elements": elems,
            "value": expr_types(x, env), "key": None if key is None else ast.unparse(key),
            "key_types": _key_types(key, elems), "key_pure": key is None or _pure_key(key),
            "key_body": ast.unparse(key.body) if isinstance(key, ast.Lambda) else None,
            "builtins": all(is_builtin(n, tree, scopes) for n in ("sorted", "min", "max", "reversed")),
            "nonempty": nonempty(node, x, parents),
        }  # fmt: skip
        return Site(
            line=node.lineno, col=node.col_offset, end_line=node.end_lineno or node.lineno,
            function=function_of(node, parents),
            message=f"{ast.unparse(node)} sorts all of {facts['x']} to keep one element; use {_want(index, rev)}()",
            facts=tuple(sorted(facts.items())),
        )

    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None:
        f = dict(site.facts)
        x, index, rev = str(f["x"]), int(str(f["index"])), str(f["reverse"])
        if not f["builtins"]:
            return "sorted, min, max or reversed is shadowed here"
        if rev == "dynamic":
            return "reverse= is not a literal: cannot tell min from max"
        elems = _types(f["elements"]) or (evidence.element_types.get(x) if evidence else None)
        compared = elems
        if f["key"] is not None:
            compared = _types(f["key_types"]) or (evidence.value_types.get(str(f["key_body"])) if evidence else None)
        if compared is None:
            return f"the types of the {'key values' if f['key'] else 'elements'} of {x} are unknown (NaN or mixed types order differently)"
        if "float" in compared or "complex" in compared:
            return f"the {'key values' if f['key'] else 'elements'} may be floats: with NaN, sorted() and {_want(index, rev)}() disagree"
        if not f["nonempty"]:
            return f"{x} may be empty: sorted(...)[{index}] raises IndexError where {_want(index, rev)}() raises ValueError"
        if _needs_last(index, rev) and not _plain_ok(f):
            value = _types(f["value"]) or (evidence.value_types.get(x) if evidence else None)
            if value is None or not value <= _REVERSIBLE:
                return f"ties: sorted keeps the last of equal elements and {x} is not known to be a sequence to reverse"
            if not f["key_pure"]:
                return "ties: the reversed form calls the key in another order, and the key is not known to be pure"
        return None

    def rewrite(self, module: cst.Module, site: Site) -> cst.Module:
        module, where = cstedit.with_positions(module)
        sub = cstedit.find(module, where, cst.Subscript, site.line, site.col)
        call = sub.value
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value == "sorted"):
            raise RewriteError("the sorted(...) call moved since the scan")
        index, rev = int(str(site.fact("index"))), str(site.fact("reverse"))
        args = [a for a in call.args if not (a.keyword and a.keyword.value == "reverse")]
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        if _needs_last(index, rev) and not _plain_ok(dict(site.facts)):
            args[0] = args[0].with_changes(value=cst.Call(cst.Name("reversed"), [cst.Arg(args[0].value)]))
        new = cst.Call(cst.Name(_want(index, rev)), args, lpar=sub.lpar, rpar=sub.rpar)
        return cstedit.replace(module, sub, new)


def _index(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int and node.value == 0:
        return 0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return -1 if type(node.operand.value) is int and node.operand.value == 1 else None
    return None


def _want(index: int, rev: str) -> str:
    return "min" if (index == 0) == (rev != "true") else "max"


def _needs_last(index: int, rev: str) -> bool:
    """The wanted element is the last of its equals (min/max return the first). ``reverse=True``
    keeps equal elements in their original order, so it swaps min and max but not first/last."""
    return index == -1


def _plain_ok(facts: dict[str, object]) -> bool:
    """Equal elements are interchangeable, so first-or-last does not matter (static facts only:
    the rewrite sees no evidence)."""
    return facts["key"] is None and facts["elements"] is not None and set(facts["elements"]) in _INDISTINGUISHABLE  # type: ignore[call-overload]


def _types(value: object) -> Types | None:
    return value if isinstance(value, frozenset) else None


def _key_types(key: ast.expr | None, elems: Types | None) -> Types | None:
    if key is None:
        return None
    text = ast.unparse(key)
    if text in _KEY_TYPES:
        return frozenset({_KEY_TYPES[text]})
    if isinstance(key, ast.Lambda) and len(key.args.args) == 1 and elems is not None:
        return expr_types(key.body, Env(values={key.args.args[0].arg: elems}))
    return None


def _pure_key(key: ast.expr) -> bool:
    if ast.unparse(key) in _KEY_TYPES:
        return True
    if not isinstance(key, ast.Lambda):
        return False
    for node in walk(key.body):
        if isinstance(node, (ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await, ast.Lambda)):
            return False
        if isinstance(node, ast.Call):
            f = node.func
            if not ((isinstance(f, ast.Name) and f.id in PURE_BUILTINS) or (isinstance(f, ast.Attribute) and f.attr in PURE_METHODS)):
                return False
    return True
