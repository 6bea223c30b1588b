"""KZ108 quadratic-accumulation: building a str/bytes by ``+`` in a loop where CPython cannot grow
it in place (attribute, item, global or closure targets; prepending; bytes) copies everything
built so far at every step. Collect the pieces in a list and join once after the loop.

The plain local ``s += x`` on a ``str`` is left alone: CPython already extends it in place.
For targets other code can see (attributes, items, globals, closure cells) the join happens in a
``finally`` block, so an exception or ``return`` mid-loop leaves the same partial value behind.

Runtime evidence: ``value_types[<target or piece source>]``, and ``element_types[<iterable>]``
for a piece that is the loop variable.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import libcst as cst

from kaizen.patterns import cstedit
from kaizen.patterns.accumulation import (
    EAGER,
    Accumulation,
    accumulation,
    accumulations_in,
    choose_loop,
    init_kind,
    iterable_types,
    observers,
    piece_facts,
    read_in,
    target_kind,
)
from kaizen.patterns.base import Evidence, Example, Pattern, RewriteError, Site
from kaizen.patterns.infer import Env, Types, expr_types, function_env
from kaizen.patterns.scopes import (
    FunctionNode,
    ancestors,
    function_of,
    parent_map,
    statement_index,
)

_KINDS = (frozenset({"str"}), frozenset({"bytes"}))
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class QuadraticAccumulation(Pattern):
    id = "KZ108"
    name = "quadratic-accumulation"
    title = "str/bytes built by + in a loop where CPython copies it every time: join a list"
    description = (
        "s += x is only fast on a plain local str. On an attribute, item, global or closure "
        "variable, when prepending (s = x + s), or for bytes, every step copies the whole value: "
        "O(n²). Appending the pieces to a list and joining once after the loop is O(n)."
    )
    hazards = (
        "the accumulated value read (or its object rebound) inside the loop before it is assembled",
        "types not provably str/bytes (join() fails later than + would, or + means something else)",
        "non-local targets: calls, lazy iterators, yields that could look at the half-built value",
        "exceptions or return mid-loop (the join runs in a finally block for visible targets)",
        "mixing prepends and appends to the same target",
    )
    triggers = ("+",)
    examples = (
        Example(
            before=(
                "class Page:\n    def __init__(self) -> None:\n        self.html = ''\n\n"
                "    def render(self, items: list[str]) -> str:\n        for item in items:\n"
                "            self.html += '<li>' + item + '</li>'  # one row\n        return self.html\n\n\n"
                "def render(items: list[str]) -> str:\n    return Page().render(items)\n"
            ),
            after=(
                "class Page:\n    def __init__(self) -> None:\n        self.html = ''\n\n"
                "    def render(self, items: list[str]) -> str:\n        html_parts = []\n        try:\n"
                "            for item in items:\n                html_parts.append('<li>' + item + '</li>')  # one row\n"
                "        finally:\n            self.html += ''.join(html_parts)\n        return self.html\n\n\n"
                "def render(items: list[str]) -> str:\n    return Page().render(items)\n"
            ),
            call="render",
            args="st.lists(st.text(max_size=3), max_size=6),",
            evidence=Evidence("m.Page.render", value_types={"self.html": frozenset({"str"})}),
        ),
        Example(
            before=(
                "def reverse_words(words: list[str]) -> str:\n    out = ''\n    for w in words:\n"
                "        out = w + ' ' + out\n    return out\n"
            ),
            after=(
                "def reverse_words(words: list[str]) -> str:\n    out = ''\n    out_parts = []\n    for w in words:\n"
                "        out_parts.append(w + ' ')\n    out = ''.join(out_parts[::-1]) + out\n    return out\n"
            ),
            call="reverse_words",
            args="st.lists(st.text(max_size=3), max_size=6),",
        ),
        Example(
            before=(
                "def pack(chunks: list[bytes]) -> bytes:\n    buf = b''\n    for c in chunks:\n"
                "        buf += len(c).to_bytes(2, 'big') + c\n    return buf\n"
            ),
            after=(
                "def pack(chunks: list[bytes]) -> bytes:\n    buf = b''\n    buf_parts = []\n    for c in chunks:\n"
                "        buf_parts.append(len(c).to_bytes(2, 'big') + c)\n    buf += b''.join(buf_parts)\n    return buf\n"
            ),
            call="pack",
            args="st.lists(st.binary(max_size=4), max_size=5),",
        ),
    )
    negatives = (
        "def f(words: list[str]) -> str:\n    s = ''\n    for w in words:\n        s += w\n    return s\n",
        "def f(words: list[str]) -> str:\n    s = ''\n    for w in words:\n        s = w + s\n        print(len(s))\n    return s\n",
        "def f(words: list[str], out: object) -> None:\n    for w in words:\n        out.text += w + ','\n        log(w)\n",
        "def f(words) -> str:\n    s = ''\n    for w in words:\n        s = w + s\n    return s\n",
        "def f(items: list[int]) -> int:\n    n = 0\n    for i in items:\n        n = i + n\n    return n\n",
        "def f(words: list[str]) -> str:\n    s = ''\n    for w in words:\n        s = w + s\n        s += '.'\n    return s\n",
    )

    def detect(self, tree: ast.Module, source: str) -> list[Site]:
        sites, seen = [], set()
        envs: dict[ast.AST, Env] = {}
        index = statement_index(tree)
        for position in index.positions_of(ast.AugAssign, ast.Assign):
            node = index.statements[position]
            value = node.value if isinstance(node, ast.Assign) else None
            op = node.op if isinstance(node, ast.AugAssign) else value.op if isinstance(value, ast.BinOp) else None
            if type(op) is not ast.Add:
                continue  # the cheap test first: `accumulation` needs a +
            chain = index.chain(position)
            at = max((i for i, a in enumerate(chain) if isinstance(a, _DEFS)), default=-1)
            scope = chain[at] if at >= 0 else tree
            if not any(isinstance(a, (ast.For, ast.While)) for a in chain[at + 1 :]):
                continue
            acc = accumulation(node)
            if acc is None:
                continue
            if not isinstance(scope, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            def scope_env(scope: ast.Module | FunctionNode = scope) -> Env:
                if scope not in envs:
                    envs[scope] = function_env(scope)
                return envs[scope]

            hint = _textual(acc, scope, scope_env)
            if hint is None:
                continue  # the cheap exit for the many numeric counters
            kind = target_kind(acc, scope)
            if kind == "local" and acc.direction == "append" and hint == "str":
                continue  # CPython's in-place case (the full check below would skip it too)
            env = scope_env()
            parents = parent_map(tree)
            loop = choose_loop(acc, parents)
            if loop is None or (loop, acc.text) in seen:
                continue
            seen.add((loop, acc.text))
            # a global's own type comes from the module; the pieces from the function
            target_env = envs.setdefault(tree, function_env(tree)) if kind == "global" else env
            site = self._site(acc, loop, kind, scope, env, target_env, parents)
            if site is not None:
                sites.append(site)
        return sites

    def _site(self, acc: Accumulation, loop: ast.For | ast.While, kind: str, scope: ast.AST, env: Env,
              target_env: Env, parents: dict[ast.AST, ast.AST]) -> Site | None:
        group = accumulations_in(loop, acc.text)
        acc_types = expr_types(acc.target, target_env) if isinstance(acc.target, ast.Name) else None
        pieces = tuple(piece_facts(a, loop, env) for a in group)
        init = init_kind(acc.target, scope)
        static = _static_kind(acc_types, [types for _, types, _ in pieces]) or init
        if static is None or (kind == "local" and acc.direction == "append" and static == "str"):
            return None  # not a str/bytes build we can see, or one CPython already does in place
        reasons = [r for r in (read_in(loop, acc), observers(loop, env) if kind != "local" else None) if r]
        in_try = any(isinstance(a, (ast.Try, ast.TryStar, ast.With, ast.AsyncWith)) for a in _up_to(loop, scope, parents))
        iter_text, iter_types = iterable_types(loop, env) if kind != "local" else (None, None)
        facts: dict[str, object] = {
            "target": acc.text, "kind": kind, "direction": acc.direction, "static": static,
            "acc_types": acc_types, "init": init, "pieces": pieces, "reasons": tuple(reasons),
            "iter": iter_text, "iter_types": iter_types, "guarded": kind != "local" or in_try,
            "loop": (loop.lineno, loop.col_offset),
        }  # fmt: skip
        how = "prepends to" if acc.direction == "prepend" else "appends to"
        return Site(
            line=acc.stmt.lineno, col=acc.stmt.col_offset, end_line=loop.end_lineno or loop.lineno,
            function=function_of(loop, parents),
            message=f"loop {how} {static} {acc.text} ({kind}): each step copies it; collect the pieces and join once",
            facts=tuple(sorted(facts.items())),
        )

    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None:
        f = dict(site.facts)
        reasons, target = f["reasons"], str(f["target"])
        assert isinstance(reasons, tuple)
        if reasons:
            return str(reasons[0])
        values = evidence.value_types if evidence else {}
        elements = evidence.element_types if evidence else {}
        acc = _types(f["acc_types"]) or values.get(target)
        if acc is None and f["init"] is not None:  # starts as a str/bytes literal; the pieces are checked next
            acc = frozenset({str(f["init"])})
        if acc not in _KINDS or acc is None:
            return f"{target} is not provably a str or bytes (+ could mean something else for it)"
        (kind,) = acc
        if kind != f["static"]:
            return f"{target} holds {kind} but its pieces look like {f['static']}"
        pieces = f["pieces"]
        assert isinstance(pieces, tuple)
        for text, static, source in pieces:
            types = _types(static) or values.get(text) or (elements.get(source) if source else None)
            if types != frozenset({kind}):
                return f"the piece {text} is not provably {kind}: join() would fail later than + does"
        if f["iter"] is not None:
            it = _types(f["iter_types"]) or values.get(str(f["iter"]))
            if it is None or not it <= EAGER:
                return f"iterating {f['iter']} may run code that reads {target} while it is half built"
        return None

    def rewrite(self, module: cst.Module, site: Site) -> cst.Module:
        module, where = cstedit.with_positions(module)
        position = site.fact("loop")
        assert isinstance(position, tuple)
        line, col = int(position[0]), int(position[1])
        loop = next((n for n in where if isinstance(n, (cst.For, cst.While)) and where[n].start.line == line
                     and where[n].start.column == cstedit.char_col(module, line, col)), None)  # fmt: skip
        if loop is None:
            raise RewriteError("the loop moved since the scan")
        target = str(site.fact("target"))
        parts = cstedit.fresh_name(cstedit.names_used(module), f"{_last_name(target)}_parts")
        collect = _Collect(target, parts)
        new_loop = loop.visit(collect)
        if not collect.count or not isinstance(new_loop, (cst.For, cst.While)):
            raise RewriteError("no accumulation found in the loop")
        sep = "b''" if site.fact("static") == "bytes" else "''"
        target_code = collect.target_code or target
        joined = f"{sep}.join({parts})" if site.fact("direction") == "append" else f"{sep}.join({parts}[::-1])"
        join = cst.parse_statement(
            f"{target_code} += {joined}\n" if site.fact("direction") == "append" else f"{target_code} = {joined} + {target_code}\n"
        )
        start = cst.parse_statement(f"{parts} = []\n").with_changes(leading_lines=loop.leading_lines)
        body = new_loop.with_changes(leading_lines=[])
        if site.fact("guarded"):
            guarded = cst.Try(body=cst.IndentedBlock([body]), finalbody=cst.Finally(body=cst.IndentedBlock([join])))
            replacement: list[cst.BaseStatement] = [start, guarded]
        else:
            replacement = [start, body, join]
        return module.visit(_Splice(loop, replacement))


def _textual(acc: Accumulation, scope: ast.AST, env: Callable[[], Env]) -> str | None:
    """"str" or "bytes" when something says this builds one: the piece, the target's start
    value, or the target's inferred type (asked last: inferring a function's types costs most)."""
    literal = expr_types(acc.piece, Env())  # literals and builtin calls, no names
    if literal is not None:
        return _static_kind(literal, [])
    if (init := init_kind(acc.target, scope)) is not None:
        return init
    if (piece := _static_kind(expr_types(acc.piece, env()), [])) is not None:
        return piece
    return _static_kind(expr_types(acc.target, env()), []) if isinstance(acc.target, ast.Name) else None


def _static_kind(acc: Types | None, pieces: list[Types | None]) -> str | None:
    for types in (acc, *pieces):
        if types in _KINDS and types is not None:
            return next(iter(types))
    return None


def _types(value: object) -> Types | None:
    return value if isinstance(value, frozenset) else None


def _up_to(node: ast.AST, scope: ast.AST, parents: dict[ast.AST, ast.AST]) -> list[ast.AST]:
    out = []
    for anc in ancestors(node, parents):
        if anc is scope:
            break
        out.append(anc)
    return out


def _last_name(target: str) -> str:
    words = [w for w in "".join(c if c.isidentifier() or c.isdigit() else " " for c in target).split() if w.isidentifier()]
    return words[-1] if words and not target.endswith("]") else "text"


def _same(node: cst.BaseExpression, text: str) -> bool:
    try:
        return ast.unparse(ast.parse(cst.Module([]).code_for_node(node).strip(), mode="eval").body) == text
    except SyntaxError:
        return False


class _Collect(cst.CSTTransformer):
    """Turns each accumulation of the target into ``parts.append(piece)``."""

    def __init__(self, target: str, parts: str) -> None:
        super().__init__()
        self.target, self.parts, self.count, self.target_code = target, parts, 0, ""

    def _append(self, target: cst.BaseExpression, piece: cst.BaseExpression) -> cst.Expr:
        self.count += 1
        self.target_code = self.target_code or cst.Module([]).code_for_node(target).strip()
        return cst.Expr(cst.Call(cst.Attribute(cst.Name(self.parts), cst.Name("append")), [cst.Arg(piece)]))

    def leave_AugAssign(self, original: cst.AugAssign, updated: cst.AugAssign) -> cst.BaseSmallStatement:
        if isinstance(updated.operator, cst.AddAssign) and _same(updated.target, self.target):
            return self._append(updated.target, updated.value)
        return updated

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.BaseSmallStatement:
        value = updated.value
        if len(updated.targets) != 1 or not isinstance(value, cst.BinaryOperation) or not isinstance(value.operator, cst.Add):
            return updated
        target = updated.targets[0].target
        if not _same(target, self.target):
            return updated
        if _same(value.left, self.target):
            return self._append(target, value.right)
        if _same(value.right, self.target):
            return self._append(target, value.left)
        return updated


class _Splice(cst.CSTTransformer):
    def __init__(self, old: cst.CSTNode, new: list[cst.BaseStatement]) -> None:
        super().__init__()
        self.old, self.new = old, new

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode | cst.FlattenSentinel[cst.CSTNode]:  # type: ignore[override]
        return cst.FlattenSentinel(self.new) if original is self.old else updated
