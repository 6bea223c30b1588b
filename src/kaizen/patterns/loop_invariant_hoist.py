"""KZ105 loop-invariant-hoist: ``sorted(x)``, ``len(x)``, ``set(x)``, ``max(x)``, ``re.compile(...)``
… recomputed on every iteration from data the loop does not change → computed once before it."""

from __future__ import annotations

import ast
from collections import defaultdict

import libcst as cst

from kaizen.patterns.base import Evidence, Example, Pattern, Site
from kaizen.patterns.cstedit import fresh_name, with_positions
from kaizen.patterns.flow import (
    FunctionFacts,
    Stability,
    function_facts,
    hoist_target,
    module_binding_counts,
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
from kaizen.patterns.invariant_calls import (
    ITERABLE as SIZED,
)
from kaizen.patterns.invariant_calls import (
    MUTABLE_RESULTS,
    Inputs,
    callee_of,
    inputs_of,
    raise_refusal,
    read_only_use,
)
from kaizen.patterns.loops import Loop, module_loops
from kaizen.patterns.tree import walk

_NAMES = {
    "len": "n_{}", "sorted": "sorted_{}", "set": "{}_set", "frozenset": "{}_frozen", "tuple": "{}_tuple",
    "max": "max_{}", "min": "min_{}", "sum": "total_{}", "re.compile": "{}_re",
}


class LoopInvariantHoist(Pattern):
    id = "KZ105"
    name = "loop-invariant-hoist"
    title = "an expensive expression recomputed on every iteration → computed once before the loop"
    description = (
        "`sorted(x)`, `set(x)`, `max(x)`, `sum(x)`, `len(x)` or `re.compile(...)` inside a loop, on "
        "data the loop never changes, gives the same answer on every iteration: kaizen computes it "
        "once before the loop (`len()` only when that needs no runtime evidence: it is cheap). Because the hoisted expression now runs even when the loop body "
        "would not have, it is hoisted only when it provably cannot raise. Long attribute chains "
        "(`self.config.limits.max`) are reported for a person to judge: reading an attribute can "
        "run a property."
    )
    hazards = (
        "anything the expression reads is rebound, mutated, or reachable by a call in the loop",
        "calls that are not known to be pure: only builtins and re.compile on builtin values",
        "a loop that never runs: the hoisted expression is evaluated anyway, so it must not be able to raise "
        "(max()/min() of a possibly empty sequence, sorted() of mixed types, set() of unhashables, a bad regex)",
        "a mutable result (the list from sorted(), a set) stored or changed by the loop: only read-only uses",
        "a lazy generator expression, which may run after the data changed",
        "the builtin rebound in the module or function, or `re` not the re module",
        "attribute chains may run properties: reported, never rewritten",
    )
    triggers = ("(",)
    examples = (
        Example(
            before=(
                "def top3_hits(values, queries):\n"
                "    hits = 0\n"
                "    for q in queries:\n"
                "        if q in sorted(values)[:3]:  # the three smallest\n"
                "            hits += 1\n"
                "    return hits\n"
            ),
            after=(
                "def top3_hits(values, queries):\n"
                "    hits = 0\n"
                "    sorted_values = sorted(values)\n"
                "    for q in queries:\n"
                "        if q in sorted_values[:3]:  # the three smallest\n"
                "            hits += 1\n"
                "    return hits\n"
            ),
            call="top3_hits",
            args="st.lists(st.integers(-5, 5)), st.lists(st.integers(-5, 5))",
            evidence=Evidence(
                function="top3_hits",
                element_types={"values": frozenset({"int"})},
                value_types={"values": frozenset({"list"})},
                calls_seen=3,
            ),
        ),
        Example(
            before=(
                "import re\n"
                "\n"
                "\n"
                "def numbers(lines):\n"
                "    found = []\n"
                "    for line in lines:\n"
                "        found.extend(re.compile(r'\\d+').findall(line))\n"
                "    return found\n"
            ),
            after=(
                "import re\n"
                "\n"
                "\n"
                "def numbers(lines):\n"
                "    found = []\n"
                "    regex_re = re.compile(r'\\d+')\n"
                "    for line in lines:\n"
                "        found.extend(regex_re.findall(line))\n"
                "    return found\n"
            ),
            call="numbers",
            args="st.lists(st.text('a1 2', max_size=6), max_size=5),",
        ),
    )
    negatives = (
        # max() of a possibly empty list: hoisting would raise where the loop would not have run
        "def f(xs, ys):\n    zs = [y for y in ys.split()]\n    return [x for x in xs if x == max(zs)]\n",
        # the data changes in the loop
        "def f(xs):\n    seen = [0]\n    for x in xs:\n        if x > max(seen):\n            seen.append(x)\n    return seen\n",
        # the input depends on the loop variable
        "def f(groups):\n    return [sorted(g) for g in groups]\n",
        # the sorted list is stored and changed: each iteration needs its own copy
        "def f(xs, n):\n    ys = list(range(n))\n    out = []\n    for x in xs:\n        tmp = sorted(ys)\n        tmp.append(x)\n        out.append(tmp)\n    return out\n",
    )

    def detect(self, tree: ast.Module, source: str) -> list[Site]:
        owner: dict[ast.Call, Loop] = {}
        for loop in module_loops(tree, source):
            if loop.function is None:
                continue
            for node in loop.of_kind(ast.Call):
                if callee_of(node, tree) is not None and id(node) not in loop.in_nested_scope():
                    owner[node] = loop  # loops come outer first: the innermost one wins
        groups: dict[tuple[Loop, str], list[ast.Call]] = defaultdict(list)
        for call, loop in owner.items():
            if not loop.lazy:
                groups[(loop, ast.dump(call))].append(call)
        sites: list[Site] = []
        for (loop, _), calls in groups.items():
            assert loop.function is not None
            ff = function_facts(loop.function, tree)
            site = self._site(ff, loop, calls, tree)
            if site is not None:
                sites.append(site)
        sites.extend(_attribute_chains(tree, source))
        return sites

    def _site(self, ff: FunctionFacts, loop: Loop, calls: list[ast.Call], tree: ast.Module) -> Site | None:
        first = calls[0]
        callee = callee_of(first, tree)
        inputs = inputs_of(first)
        if inputs is None:
            return None  # reads something other than plain names and constants
        own = {n for c in calls for n in walk(c) if isinstance(n, ast.Name)}
        if any("rebind" in {u.kind for u in uses_in(loop, name, own)} for name in inputs.names):
            return None  # depends on something the loop changes: not invariant
        typed = inputs.with_kinds(ff)
        if callee == "len" and not (typed.value_kinds and all(k and k <= SIZED for k in typed.value_kinds)):
            return None  # len() is O(1): worth a finding only when the hoist needs no evidence
        hoist = hoist_target(loop, list(inputs.names), ignore=own)
        stables = [stability(ff, hoist, name, ignore=own) for name in inputs.names]
        blocker = None
        if callee in MUTABLE_RESULTS and not all(read_only_use(c, loop.parents()) for c in calls):
            blocker = f"the result of {callee}() is stored or changed in the loop, so each iteration needs a fresh one"
        elif callee != "re.compile" and ff.shadowed(str(callee)):
            blocker = f"the builtin {callee} is rebound in this module or function"
        elif callee == "re.compile" and (module_binding_counts(tree)["re"] != 1 or "re" in ff.bound):
            blocker = "the name re is rebound, so re.compile may not be the re module's"
        elif not all(ff.bound_before(hoist, name) for name in inputs.names):
            blocker = "an input is not certainly assigned before the loop starts"
        text = ast.unparse(first)
        return Site(
            line=first.lineno,
            col=first.col_offset,
            end_line=first.end_lineno or first.lineno,
            function=loop.qualname,
            message=f"`{text}` gives the same value on every iteration; compute it once before the loop",
            facts=(
                ("callee", callee),
                ("blocker", blocker),
                ("stables", tuple((s.name, s.blocker, s.calls) for s in stables)),
                ("inputs", typed),
                ("hoist", (hoist.stmt.lineno, hoist.stmt.col_offset)),
                ("targets", tuple((c.func.lineno, c.func.col_offset) for c in calls)),
                ("base", inputs.names[0] if inputs.names else "regex"),
            ),
        )

    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None:
        blocker = site.fact("blocker")
        if isinstance(blocker, str):
            return blocker
        for name, stable_blocker, calls in site.fact("stables", ()):  # type: ignore[attr-defined]
            reason = Stability(name, stable_blocker, calls).refusal(evidence)
            if reason is not None:
                return reason
        inputs = site.fact("inputs")
        assert isinstance(inputs, Inputs)
        return raise_refusal(str(site.fact("callee")), inputs, evidence)

    def rewrite(self, module: cst.Module, site: Site) -> cst.Module:
        module, where = with_positions(module)
        stmt = statement_at(module, where, *position(site, "hoist"))
        calls = [call_at(module, where, line, col) for line, col in positions(site, "targets")]
        base = str(site.fact("base"))
        name = fresh_name(taken_names(module), _NAMES[str(site.fact("callee"))].format(base.lower() if base.isupper() else base))
        code = module.code_for_node(calls[0].with_changes(lpar=[], rpar=[]))
        swaps: dict[cst.CSTNode, Swap] = {call: _to_name(name) for call in calls}
        return edit(module, swaps, {stmt: [new_statement(f"{name} = {code}")]})


def _to_name(name: str) -> Swap:
    def swap(call: cst.Call) -> cst.CSTNode:
        return cst.Name(name, lpar=call.lpar, rpar=call.rpar)

    return swap


_CHAIN_DEPTH = 3  # a.b.c: shorter chains cost about as much as a local name


def _attribute_chains(tree: ast.Module, source: str) -> list[Site]:
    """Report-only sites for long attribute chains read on every iteration of a statement loop."""
    imported = _imported(tree.body)
    sites: list[Site] = []
    seen: set[tuple[int, str]] = set()
    for loop in module_loops(tree, source):
        if loop.function is None or not isinstance(loop.node, (ast.For, ast.While)):
            continue
        attributes = loop.of_kind(ast.Attribute)
        called = {id(c.func) for c in loop.of_kind(ast.Call)}
        value_of = {id(a.value): a for a in attributes if type(a.value) is ast.Attribute}
        bound = {n.id for n in loop.of_kind(ast.Name) if type(n.ctx) is not ast.Load}
        stored = {a.attr for a in attributes if type(a.ctx) is not ast.Load}
        for node in attributes:
            chain = _chain(node, called, value_of)
            if chain is None or chain[0] in imported or chain[0] in bound or stored & set(chain[1:]):
                continue
            if chain[0] in _local_imports(function_facts(loop.function, tree)):
                continue
            text = ".".join(chain)
            key = (id(loop.node), text)
            if key in seen or any((id(outer.node), text) in seen for outer in loop.chain()):
                continue
            seen.add(key)
            assert isinstance(node, ast.Attribute)
            sites.append(
                Site(
                    node.lineno, node.col_offset, node.end_lineno or node.lineno, loop.qualname,
                    f"`{text}` is looked up on every iteration; if it cannot change in the loop, read it once before",
                    (("blocker", f"attribute reads may run properties or be changed by calls in the loop; hoist {text} by hand if it is a plain attribute"),),
                )
            )
    return sites


def _local_imports(ff: FunctionFacts) -> set[str]:
    return {
        (a.asname or a.name).split(".")[0]
        for n in ff.own_scope
        if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in n.names
    }


def _imported(stmts: list[ast.stmt]) -> set[str]:
    """Names bound by import statements among ``stmts`` and the blocks nested in them (not in defs)."""
    found: set[str] = set()
    stack = list(stmts)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            found.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for field in ("body", "orelse", "finalbody"):
                stack.extend(getattr(stmt, field, ()))
            for handler in getattr(stmt, "handlers", ()):
                stack.extend(handler.body)
    return found


def _chain(node: ast.AST, called: set[int], value_of: dict[int, ast.Attribute]) -> list[str] | None:
    """``["self", "config", "limit"]`` for a maximal ``self.config.limit`` read (a method's receiver
    counts). ``called``: ids of the loop's call targets; ``value_of``: the attribute read on each
    attribute (what a parent map would say, for the two questions asked here)."""
    if not isinstance(node, ast.Attribute) or not isinstance(node.ctx, ast.Load):
        return None
    if id(node) in called:
        return None  # a method lookup: its receiver is the chain
    outer = value_of.get(id(node))
    if outer is not None and id(outer) not in called:
        return None  # part of a longer chain, reported there
    names: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        names.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name) or len(names) + 1 < _CHAIN_DEPTH:
        return None
    return [current.id, *reversed(names)]

