"""KZ103 dedup-seen-set: ``if x not in seen: seen.append(x)`` in a loop → a set of seen values."""

from __future__ import annotations

import ast

import libcst as cst

from kaizen.patterns.base import Evidence, Example, Pattern, RewriteError, Site
from kaizen.patterns.cstedit import Positions, fresh_name, with_positions
from kaizen.patterns.flow import (
    FunctionFacts,
    classify,
    function_facts,
    hoist_target,
    loop_refusal,
    stability,
    uses_in,
)
from kaizen.patterns.hoist import (
    Swap,
    call_at,
    edit,
    new_statement,
    node_at,
    position,
    positions,
    renamed,
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

_STATEMENT_LOOPS = (ast.For, ast.AsyncFor, ast.While)
ALLOWED = ("probe", "read", "append")


class DedupSeenSet(Pattern):
    id = "KZ103"
    name = "dedup-seen-set"
    title = "order-preserving dedup with `x not in seen_list` → a seen-set"
    description = (
        "Removing duplicates while keeping order by testing `x not in seen` against a list that the "
        "loop appends to is O(n²): every test scans everything kept so far. kaizen turns a list "
        "used only for that into a set (`seen = set()`, `seen.add(x)`), or, when the list is also "
        "used as a list, keeps it and maintains a set beside it that every membership test in the "
        "loop uses instead."
    )
    hazards = (
        "the list changes inside the loop other than by append (remove, pop, insert, del, slice assignment)",
        "the list is reachable by other code (a parameter, a global, an alias) and a call in the loop may change it",
        "unhashable elements or values tested, or ones whose __eq__/__hash__ disagree",
        "1 == 1.0 == True mixes: the set keeps the first of equal values, exactly as the list test did",
        "an appended value that is an expression would be evaluated twice: only names and constants when the list is kept",
        "`set` rebound in the module or function",
    )
    triggers = (".append(",)
    examples = (
        Example(
            before=(
                "def unique_words(text):\n"
                "    seen = []\n"
                "    out = []\n"
                "    for word in text.split():\n"
                "        if word not in seen:\n"
                "            seen.append(word)\n"
                "            out.append(word)\n"
                "    return out\n"
            ),
            after=(
                "def unique_words(text):\n"
                "    seen = set()\n"
                "    out = []\n"
                "    for word in text.split():\n"
                "        if word not in seen:\n"
                "            seen.add(word)\n"
                "            out.append(word)\n"
                "    return out\n"
            ),
            call="unique_words",
            args="st.text('ab c', max_size=40),",
        ),
        Example(
            before=(
                "def dedup(values):\n"
                "    result = []\n"
                "    for v in values:\n"
                "        if v not in result:  # first time\n"
                "            result.append(v)\n"
                "    return result\n"
            ),
            after=(
                "def dedup(values):\n"
                "    result = []\n"
                "    result_set = set()\n"
                "    for v in values:\n"
                "        if v not in result_set:  # first time\n"
                "            result.append(v)\n"
                "            result_set.add(v)\n"
                "    return result\n"
            ),
            call="dedup",
            args="st.lists(st.one_of(st.integers(-2, 2), st.booleans(), st.sampled_from([1.0, 0.0, 2.5]))),",
            evidence=Evidence(function="dedup", element_types={"values": frozenset({"int", "bool", "float"})}, calls_seen=9),
        ),
    )
    negatives = (
        # removes as well as appends: not a dedup
        "def f(xs):\n    seen = []\n    for x in xs.split():\n        if x in seen:\n            seen.remove(x)\n        else:\n            seen.append(x)\n    return seen\n",
        # the list is a parameter and the loop calls unknown code: it could change it
        "def f(xs, seen):\n    for x in xs.split():\n        if x not in seen:\n            seen.append(x)\n            log(x)\n    return seen\n",
        # unknown element types: reported, not rewritten
        "def f(xs):\n    seen = []\n    for x in xs:\n        if x not in seen:\n            seen.append(x)\n    return seen\n",
        # the appended value is an expression and the list is returned: left alone
        "def f(xs):\n    seen = []\n    for x in xs.split():\n        if x.lower() not in seen:\n            seen.append(x.lower())\n    return seen\n",
    )

    def detect(self, tree: ast.Module, source: str) -> list[Site]:
        done: set[tuple[int, str]] = set()
        sites: list[Site] = []
        for loop in module_loops(tree, source):
            if loop.function is None or not isinstance(loop.node, _STATEMENT_LOOPS):
                continue
            names = {
                node.comparators[0].id
                for node in loop.of_kind(ast.Compare)
                if len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn))
                and isinstance(node.comparators[0], ast.Name)
            }
            for name in sorted(names):
                if any((id(outer), name) in done for outer in loop.chain()):
                    continue  # already reported for an enclosing loop
                used = {u.kind for u in uses_in(loop, name)}
                if not {"probe", "append"} <= used or "rebind" in used:
                    continue
                ff = function_facts(loop.function, tree)
                hoist = hoist_target(loop, [name], ALLOWED)
                done.add((id(hoist), name))
                sites.append(self._site(ff, hoist, name))
        return sites

    def _site(self, ff: FunctionFacts, hoist: Loop, name: str) -> Site:
        uses = uses_in(hoist, name)
        parents = hoist.parents()
        probes = [u.node for u in uses if u.kind == "probe"]
        appends = [_append_call(u.node, parents) for u in uses if u.kind == "append"]
        convert = _only_membership(ff, name)
        blocker = None
        if ff.shadowed("set"):
            blocker = "the builtin set is rebound in this module or function"
        elif not all(isinstance(ff.parents.get(call), ast.Expr) for call in appends):
            blocker = f"the result of {name}.append() is used"
        elif not convert and not ff.bound_before(hoist, name):
            blocker = f"{name} is not certainly assigned before the loop starts"
        elif not convert and not all(isinstance(c.args[0], (ast.Name, ast.Constant)) for c in appends):
            blocker = "an appended value is an expression, which keeping a set beside the list would evaluate twice"
        env = loop_env(ff, hoist)
        compares = [c for c in (parents[p] for p in probes) if isinstance(c, ast.Compare)]
        added = tuple(probe_facts(c.args[0], hoist, env) for c in _all_appends(ff, name))
        first = compares[0]
        assign = _single_empty_assignment(ff, name)
        stable = stability(ff, hoist, name, ALLOWED)
        return Site(
            line=first.lineno,
            col=first.col_offset,
            end_line=first.end_lineno or first.lineno,
            function=hoist.qualname,
            message=f"`... in {name}` scans every value kept so far while the loop appends to {name} (quadratic dedup); use a set of seen values",
            facts=(
                ("container", name),
                ("mode", "convert" if convert else "shadow"),
                ("blocker", blocker),
                *stable.as_facts(),
                ("elements", ff.elements(name)),
                ("starts_empty", assign is not None),
                ("added", added),
                ("probes", tuple(probe_facts(c.left, hoist, env) for c in compares)),
                ("hoist", (hoist.stmt.lineno, hoist.stmt.col_offset)),
                ("empty_before", _assigned_right_before(hoist, name)),
                ("targets", tuple((p.lineno, p.col_offset) for p in probes)),
                ("appends", tuple((c.func.lineno, c.func.col_offset) for c in appends)),
                ("all_appends", tuple((c.func.lineno, c.func.col_offset) for c in _all_appends(ff, name))),
                ("assign", (assign.value.lineno, assign.value.col_offset) if assign is not None else None),
            ),
        )

    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None:
        name = str(site.fact("container"))
        reason = loop_refusal(site, name, evidence)
        if reason is not None:
            return reason
        added: tuple[ProbeFacts, ...] = site.fact("added", ())  # type: ignore[assignment]
        reason = element_refusal(name, site.fact("elements"), evidence)  # type: ignore[arg-type]
        if reason is not None and site.fact("starts_empty"):
            # Everything the list ever holds was appended: proving each appended value is enough.
            reason = next((r for r in (probe_refusal(a, evidence) for a in added) if r), None)
        if reason is not None:
            return reason
        probes: tuple[ProbeFacts, ...] = site.fact("probes", ())  # type: ignore[assignment]
        return next((r for r in (probe_refusal(p, evidence) for p in probes) if r), None)

    def rewrite(self, module: cst.Module, site: Site) -> cst.Module:
        name = str(site.fact("container"))
        module, where = with_positions(module)
        if site.fact("mode") == "convert":
            empty = node_at(module, where, cst.List, *position(site, "assign"))
            swaps: dict[cst.CSTNode, Swap] = {empty: lambda node: cst.parse_expression("set()")}
            for line, col in positions(site, "all_appends"):
                swaps[call_at(module, where, line, col)] = _renamed_method("add")
            return edit(module, swaps)
        stmt = statement_at(module, where, *position(site, "hoist"))
        set_name = fresh_name(taken_names(module), f"{name.lower() if name.isupper() else name}_set")
        start = "set()" if site.fact("empty_before") else f"set({name})"
        swaps = {node_at(module, where, cst.Name, line, col): renamed(set_name) for line, col in positions(site, "targets")}
        after: dict[cst.CSTNode, list[cst.BaseStatement]] = {}
        for line, col in positions(site, "appends"):
            call = call_at(module, where, line, col)
            statement = _statement_of(where, call)
            added = f"{set_name}.add({module.code_for_node(call.args[0].value)})"
            if isinstance(statement, cst.SimpleStatementSuite):
                swaps[statement] = _append_small(added)
            else:
                after.setdefault(statement, []).append(new_statement(added))
        return edit(module, swaps, {stmt: [new_statement(f"{set_name} = {start}")]}, after)


def _append_call(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> ast.Call:
    call = parents[parents[name]]
    assert isinstance(call, ast.Call)
    return call


def _all_appends(ff: FunctionFacts, name: str) -> list[ast.Call]:
    """Every ``name.append(v)`` in the function."""
    calls = []
    for node in ff.names.get(name, ()):
        attribute = ff.parents.get(node)
        if not (isinstance(attribute, ast.Attribute) and attribute.attr == "append"):
            continue
        call = ff.parents.get(attribute)
        if isinstance(call, ast.Call) and call.func is attribute and len(call.args) == 1 and not call.keywords:
            calls.append(call)
    return calls


def _single_empty_assignment(ff: FunctionFacts, name: str) -> ast.Assign | None:
    """The one ``name = []`` when that is the only binding of ``name`` in the function."""
    if not ff.owned(name) or ff.bound[name] != 1:
        return None
    for node in ff.names.get(name, ()):
        assign = ff.parents.get(node)
        if isinstance(node.ctx, ast.Store) and isinstance(assign, ast.Assign) and isinstance(assign.value, ast.List):
            return assign if not assign.value.elts else None
    return None


def _only_membership(ff: FunctionFacts, name: str) -> bool:
    """True when the list is born empty and is only ever tested and appended to: a set in disguise."""
    if _single_empty_assignment(ff, name) is None:
        return False
    for node in ff.names.get(name, ()):
        if isinstance(node.ctx, ast.Store):
            continue
        use = classify(node, ff.parents)
        if use.kind == "append" and isinstance(ff.parents.get(_append_call(node, ff.parents)), ast.Expr):
            continue
        if use.kind != "probe":
            return False
    return True


def _assigned_right_before(loop: Loop, name: str) -> bool:
    """The statement just before the loop is ``name = []``: the list is empty when it starts."""
    block, index = loop.path[-1]
    if index == 0:
        return False
    prev = block[index - 1]
    return (
        isinstance(prev, ast.Assign)
        and len(prev.targets) == 1
        and isinstance(prev.targets[0], ast.Name)
        and prev.targets[0].id == name
        and isinstance(prev.value, ast.List)
        and not prev.value.elts
    )


def _renamed_method(method: str) -> Swap:
    def swap(call: cst.Call) -> cst.CSTNode:
        if not isinstance(call.func, cst.Attribute):
            raise RewriteError("the append call changed shape")
        return call.with_changes(func=call.func.with_changes(attr=cst.Name(method)))

    return swap


def _statement_of(where: Positions, call: cst.Call) -> cst.CSTNode:
    """The line (or one-line block) whose statement is exactly ``call``."""
    for node in where:
        if not isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            continue
        if any(isinstance(s, cst.Expr) and s.value is call for s in node.body):
            return node
    raise RewriteError("the append is not a statement of its own")


def _append_small(code: str) -> Swap:
    def swap(suite: cst.SimpleStatementSuite) -> cst.CSTNode:
        added = cst.parse_statement(code + "\n")
        assert isinstance(added, cst.SimpleStatementLine)
        return suite.with_changes(body=[*suite.body, *added.body])

    return swap
