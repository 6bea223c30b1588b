"""KZ104 index-count-in-loop: ``lst.index(x)`` / ``lst.count(x)`` inside a loop → a position dict /
``collections.Counter`` built once before the loop."""

from __future__ import annotations

import ast
from collections import defaultdict

import libcst as cst

from kaizen.patterns.base import Evidence, Example, Pattern, RewriteError, Site
from kaizen.patterns.cstedit import add_import, fresh_name, module_ref, with_positions
from kaizen.patterns.flow import (
    FunctionFacts,
    function_facts,
    hoist_target,
    kinds_refusal,
    loop_refusal,
    stability,
    uses_in,
)
from kaizen.patterns.hoist import (
    Swap,
    call_at,
    edit,
    new_statement,
    position,
    positions,
    statement_at,
    taken_names,
)
from kaizen.patterns.loops import Loop, module_loops
from kaizen.patterns.membership import (
    ProbeFacts,
    element_refusal,
    loop_env,
    probe_facts,
    probe_refusal,
)

SEQUENCES = frozenset({"list", "tuple"})
# Where a conditional expression can stand without parentheses.
_BARE_PARENTS = (
    ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return, ast.keyword, ast.List, ast.Set, ast.Dict,
    ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp,
)


class IndexCountInLoop(Pattern):
    id = "KZ104"
    name = "index-count-in-loop"
    title = "`lst.index(x)` / `lst.count(x)` inside a loop → a position dict / Counter built once"
    description = (
        "`list.index` and `list.count` scan the whole list, so calling them for every item of a "
        "loop is O(n·m). When the list does not change while the loop runs, kaizen builds the "
        "answer for every value once before the loop: a dict of first positions for `index` "
        "(falling back to the original call when the value is absent, so the same ValueError is "
        "raised) and a `collections.Counter` for `count`."
    )
    hazards = (
        "first-occurrence semantics of index(): the position dict keeps the first index of equal values",
        "index() raises ValueError when the value is absent: the rewrite falls back to the original call",
        "index(x, start, stop) with bounds is left alone",
        "a str or bytes receiver counts and finds substrings: only lists and tuples are rewritten",
        "the list changes inside the loop (directly, through an alias, or by a called function)",
        "unhashable elements or values looked up, or ones whose __eq__/__hash__ disagree",
        "an index() argument with side effects or cost (it is evaluated twice): only names and constants",
        "a loop that never runs: the dict is built anyway, so the list must certainly be bound and hashable",
        "`reversed`, `list` or `enumerate` rebound, or the name `collections` taken",
    )
    triggers = (".index(", ".count(")
    examples = (
        Example(
            before=(
                "def ranks(order, picks):\n"
                "    names = order.split()\n"
                "    return [names.index(p) for p in picks.split()]\n"
            ),
            after=(
                "def ranks(order, picks):\n"
                "    names = order.split()\n"
                "    names_positions = {item: i for i, item in reversed(list(enumerate(names)))}\n"
                "    return [names_positions[p] if p in names_positions else names.index(p) for p in picks.split()]\n"
            ),
            call="ranks",
            args="st.text('ab ', max_size=12), st.text('ab ', max_size=8)",
        ),
        Example(
            before=(
                "import collections\n"
                "\n"
                "\n"
                "def tally(votes, names):\n"
                "    out = {}\n"
                "    for n in names:\n"
                "        out[n] = votes.count(n)  # slow\n"
                "    return out\n"
            ),
            after=(
                "import collections\n"
                "\n"
                "\n"
                "def tally(votes, names):\n"
                "    out = {}\n"
                "    votes_counts = collections.Counter(votes)\n"
                "    for n in names:\n"
                "        out[n] = votes_counts[n]  # slow\n"
                "    return out\n"
            ),
            call="tally",
            args="st.lists(st.sampled_from(['a', 'b', 'c'])), st.lists(st.sampled_from(['a', 'b', 'd']))",
            evidence=Evidence(
                function="tally",
                element_types={"votes": frozenset({"str"}), "names": frozenset({"str"})},
                value_types={"votes": frozenset({"list"})},
                calls_seen=7,
            ),
        ),
    )
    negatives = (
        # a str receiver: index/count of substrings
        "def f(words):\n    text = 'a b c'\n    return [text.index(w) for w in words]\n",
        # the list changes in the loop
        "def f(words):\n    seen = ['x']\n    for w in words:\n        seen.append(w)\n        print(seen.count(w))\n",
        # bounds on index
        "def f(words):\n    ws = list(words)\n    return [ws.index(w, 1) for w in ws]\n",
        # types unknown without evidence: reported, not rewritten
        "def f(xs, ys):\n    return [xs.count(y) for y in ys]\n",
    )

    def detect(self, tree: ast.Module, source: str) -> list[Site]:
        owner: dict[ast.Call, Loop] = {}
        for loop in module_loops(tree, source):
            if loop.function is None:
                continue
            for node in loop.of_kind(ast.Call):
                if _is_lookup(node) and not _is_fallback(node, loop.parents()):
                    owner[node] = loop  # loops come outer first: the innermost one wins
        groups: dict[tuple[Loop, str, str], list[ast.Call]] = defaultdict(list)
        for call, loop in owner.items():
            func = call.func
            assert isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            if not loop.lazy:
                groups[(loop, func.value.id, func.attr)].append(call)
        sites: list[Site] = []
        for (loop, name, method), calls in groups.items():
            assert loop.function is not None
            ff = function_facts(loop.function, tree)
            site = self._site(ff, loop, name, method, calls)
            if site is not None:
                sites.append(site)
        return sites

    def _site(self, ff: FunctionFacts, loop: Loop, name: str, method: str, calls: list[ast.Call]) -> Site | None:
        kinds = ff.sequence_kinds(name)
        if (kinds is not None and not kinds <= SEQUENCES) or (kinds is None and ff.not_a_sequence(name)):
            return None  # str.index/str.count: substrings, a different operation
        if "rebind" in {u.kind for u in uses_in(loop, name)}:
            return None
        hoist = hoist_target(loop, [name])
        stable = stability(ff, hoist, name)
        blocker = None
        needed = ("reversed", "list", "enumerate") if method == "index" else ()
        if not ff.bound_before(hoist, name):
            blocker = f"{name} is not certainly assigned before the loop starts"
        elif any(ff.shadowed(b) for b in needed):
            blocker = "one of the builtins reversed, list, enumerate is rebound here"
        elif method == "index" and not all(isinstance(c.args[0], (ast.Name, ast.Constant)) for c in calls):
            blocker = "the value looked up is an expression, which the rewrite would evaluate twice"
        env = loop_env(ff, loop)
        probes = tuple(probe_facts(c.args[0], loop, env) for c in calls)
        parents = loop.parents()
        first = calls[0]
        verb = "finds the first position of" if method == "index" else "counts"
        return Site(
            line=first.lineno,
            col=first.col_offset,
            end_line=first.end_lineno or first.lineno,
            function=loop.qualname,
            message=f"`{name}.{method}()` {verb} a value by scanning the list on every iteration; "
            f"build a {'position dict' if method == 'index' else 'Counter'} once before the loop",
            facts=(
                ("container", name),
                ("method", method),
                ("container_kinds", kinds),
                ("elements", ff.elements(name)),
                ("probes", probes),
                ("blocker", blocker),
                *stable.as_facts(),
                ("hoist", (hoist.stmt.lineno, hoist.stmt.col_offset)),
                ("targets", tuple((c.func.lineno, c.func.col_offset) for c in calls)),
                ("bare", tuple(isinstance(parents.get(c), _BARE_PARENTS) or _is_argument(c, parents) for c in calls)),
            ),
        )

    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None:
        name = str(site.fact("container"))
        reason = loop_refusal(site, name, evidence)
        if reason is not None:
            return reason
        reason = kinds_refusal(site, "container_kinds", name, evidence, SEQUENCES,
                               f"{name} may not be a list or tuple: its type is unknown (str.{site.fact('method')} works on substrings)",
                               f"{name} is not always a list or tuple")
        if reason is not None:
            return reason
        reason = element_refusal(name, site.fact("elements"), evidence)  # type: ignore[arg-type]
        if reason is not None:
            return reason
        probes: tuple[ProbeFacts, ...] = site.fact("probes", ())  # type: ignore[assignment]
        return next((r for r in (probe_refusal(p, evidence) for p in probes) if r), None)

    def rewrite(self, module: cst.Module, site: Site) -> cst.Module:
        name, method = str(site.fact("container")), str(site.fact("method"))
        module, where = with_positions(module)
        stmt = statement_at(module, where, *position(site, "hoist"))
        calls = [call_at(module, where, line, col) for line, col in positions(site, "targets")]
        bare: tuple[bool, ...] = site.fact("bare", ())  # type: ignore[assignment]
        base = name.lower() if name.isupper() else name
        taken = taken_names(module)
        if method == "index":
            table = fresh_name(taken, f"{base}_positions")
            build = f"{table} = {{item: i for i, item in reversed(list(enumerate({name})))}}"
            swaps: dict[cst.CSTNode, Swap] = {
                c: _position_lookup(module, table, keep_bare) for c, keep_bare in zip(calls, bare, strict=True)
            }
            return edit(module, swaps, {stmt: [new_statement(build)]})
        counter, needs_import = module_ref(module, "collections", "Counter")
        table = fresh_name(taken, f"{base}_counts")
        build = f"{table} = {module.code_for_node(counter)}({name})"
        swaps = {call: _count_lookup(table) for call in calls}
        module = edit(module, swaps, {stmt: [new_statement(build)]})
        return add_import(module, "collections") if needs_import else module


def _is_lookup(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or len(node.args) != 1 or node.keywords:
        return False
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in ("index", "count")
        and isinstance(func.value, ast.Name)
        and not isinstance(node.args[0], ast.Starred)
    )


def _is_fallback(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
    """The ``lst.index(x)`` left in ``table[x] if x in table else lst.index(x)`` by an earlier fix."""
    parent = parents.get(call)
    return (
        isinstance(parent, ast.IfExp)
        and parent.orelse is call
        and isinstance(parent.test, ast.Compare)
        and isinstance(parent.test.ops[0], ast.In)
        and isinstance(parent.body, ast.Subscript)
    )


def _is_argument(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(call)
    return (isinstance(parent, ast.Call) and call in parent.args) or (isinstance(parent, ast.Subscript) and parent.slice is call)


def _position_lookup(module: cst.Module, table: str, bare: bool) -> Swap:
    def swap(call: cst.Call) -> cst.CSTNode:
        if len(call.args) != 1:
            raise RewriteError("the index() call changed shape")
        value = module.code_for_node(call.args[0].value)
        lookup = cst.parse_expression(f"{table}[{value}] if {value} in {table} else None")
        assert isinstance(lookup, cst.IfExp)
        result = lookup.with_changes(orelse=call)
        if not bare:
            result = result.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return result

    return swap


def _count_lookup(table: str) -> Swap:
    def swap(call: cst.Call) -> cst.CSTNode:
        return cst.Subscript(
            value=cst.Name(table),
            slice=[cst.SubscriptElement(slice=cst.Index(value=call.args[0].value))],
            lpar=call.lpar,
            rpar=call.rpar,
        )

    return swap
