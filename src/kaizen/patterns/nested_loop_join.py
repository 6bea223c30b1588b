"""KZ101 nested-loop-join: an inner loop that searches a collection for equal keys → a dict index."""

from __future__ import annotations

import ast

import libcst as cst

from kaizen.patterns.base import Evidence, Example, Pattern, RewriteError, Site
from kaizen.patterns.cstedit import Positions, fresh_name, with_positions
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
    edit,
    new_statement,
    node_at,
    position,
    statement_at,
    taken_names,
)
from kaizen.patterns.infer import SAFE_TUPLE
from kaizen.patterns.invariant_calls import ITERABLE
from kaizen.patterns.join_shape import JoinShape, join_shape, names_in
from kaizen.patterns.loops import Loop, module_loops
from kaizen.patterns.membership import ProbeFacts, loop_env, probe_facts, probe_refusal
from kaizen.patterns.tree import walk

# Elements whose items an unpacking target reads in order, as indexing by position does.
_INDEXABLE = frozenset({"tuple", SAFE_TUPLE, "list", "str", "bytes"})
# Key types that can hold a NaN, which `==` never matches but a dict finds by identity.
_NAN_CAPABLE = frozenset({"float", "complex"})


class NestedLoopJoin(Pattern):
    id = "KZ101"
    name = "nested-loop-join"
    title = "nested loops matching keys with `==` → a dict index built once"
    description = (
        "An inner loop that scans a whole collection for the elements whose key equals the current "
        "outer item's key makes the pair of loops O(n·m). kaizen builds a dict from key to the list "
        "of matching elements once, in their original order, and loops over just the matches. "
        "First-match searches (`break`) still find the first match, all-match loops still see every "
        "match in order, and the inner loop's `else` clause still runs when no match broke out."
    )
    hazards = (
        "duplicate keys: the index keeps every match in order, so `break` on the first match keeps the first",
        "unhashable keys, or keys whose __eq__/__hash__ disagree: only str, bytes, numbers, bool and None",
        "the inner collection changes or is rebound while the outer loop runs",
        "an inner collection that is an iterator (consumed by the first outer iteration in the original)",
        "`else` clauses: the inner loop's `else` keeps its meaning; an `else` on the `if` means non-matches do work, left alone",
        "the inner loop variable read after the inner loop (it would hold a different value)",
        "conditions before the equality, or an outer key that the inner loop changes",
        "key reads are attribute or item reads, taken to be free of side effects",
        "unpacking targets (`for cid, name in customers`): the index reads the key by position, so the "
        "elements must be tuples, lists or strings; one of the wrong length raises only when it matches",
        "float keys on both sides (annotated or seen): the same NaN object never matches itself with `==`, but a "
        "dict finds it by identity (keys inside tuples are safe: tuples compare items by identity first too); "
        "items of tuples seen only as 'tuples of immutables' are not taken to be floats",
    )
    triggers = ("==",)
    examples = (
        Example(
            before=(
                "def attach(orders, customers):\n"
                "    out = []\n"
                "    for o in orders:\n"
                "        for c in customers:\n"
                "            if o[0] == c[0]:  # same customer id\n"
                "                out.append((o, c))\n"
                "                break\n"
                "        else:\n"
                "            out.append((o, None))\n"
                "    return out\n"
            ),
            after=(
                "def attach(orders, customers):\n"
                "    out = []\n"
                "    customers_by_key = {}\n"
                "    for c in customers:\n"
                "        customers_by_key.setdefault(c[0], []).append(c)\n"
                "    for o in orders:\n"
                "        for c in customers_by_key.get(o[0], ()):  # same customer id\n"
                "            out.append((o, c))\n"
                "            break\n"
                "        else:\n"
                "            out.append((o, None))\n"
                "    return out\n"
            ),
            call="attach",
            args=(
                "st.lists(st.tuples(st.integers(0, 3), st.sampled_from('xy'))), "
                "st.lists(st.tuples(st.integers(0, 3), st.sampled_from('pq')))"
            ),
            evidence=Evidence(
                function="attach",
                element_types={"orders": frozenset({"tuple"}), "customers": frozenset({"tuple"})},
                value_types={"customers": frozenset({"list"}), "o[0]": frozenset({"int"}), "c[0]": frozenset({"int"})},
                calls_seen=5,
            ),
        ),
        Example(
            before=(
                "def matches(names, queries):\n"
                "    known = names.split()\n"
                "    found = []\n"
                "    for q in queries.split():\n"
                "        found.append(next((n for n in known if n == q), None))\n"
                "    return found\n"
            ),
            after=(
                "def matches(names, queries):\n"
                "    known = names.split()\n"
                "    found = []\n"
                "    known_index = {}\n"
                "    for n in known:\n"
                "        known_index.setdefault(n, []).append(n)\n"
                "    for q in queries.split():\n"
                "        found.append(next((n for n in known_index.get(q, ())), None))\n"
                "    return found\n"
            ),
            call="matches",
            args="st.text('ab ', max_size=12), st.text('ab ', max_size=12)",
        ),
        Example(
            before=(
                "def attach(orders: list[tuple[int, int]], customers: list[tuple[int, str]]) -> list[tuple[int, str]]:\n"
                "    result = []\n"
                "    for order in orders:\n"
                "        for customer in customers:\n"
                "            if customer[0] == order[1]:\n"
                "                result.append((order[0], customer[1]))\n"
                "                break\n"
                "    return result\n"
            ),
            after=(
                "def attach(orders: list[tuple[int, int]], customers: list[tuple[int, str]]) -> list[tuple[int, str]]:\n"
                "    result = []\n"
                "    customers_by_key = {}\n"
                "    for customer in customers:\n"
                "        customers_by_key.setdefault(customer[0], []).append(customer)\n"
                "    for order in orders:\n"
                "        for customer in customers_by_key.get(order[1], ()):\n"
                "            result.append((order[0], customer[1]))\n"
                "            break\n"
                "    return result\n"
            ),
            call="attach",
            args=(
                "st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3))), "
                "st.lists(st.tuples(st.integers(0, 3), st.sampled_from('pq')))"
            ),
        ),
        Example(
            before=(
                "def attach(orders, customers):\n"
                "    result = []\n"
                "    for order_id, customer_id in orders:\n"
                "        for cid, name in customers:\n"
                "            if cid == customer_id:\n"
                "                result.append((order_id, name))\n"
                "    return result\n"
            ),
            after=(
                "def attach(orders, customers):\n"
                "    result = []\n"
                "    customers_by_cid = {}\n"
                "    for item in customers:\n"
                "        customers_by_cid.setdefault(item[0], []).append(item)\n"
                "    for order_id, customer_id in orders:\n"
                "        for cid, name in customers_by_cid.get(customer_id, ()):\n"
                "            result.append((order_id, name))\n"
                "    return result\n"
            ),
            call="attach",
            args=(
                "st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3))), "
                "st.lists(st.tuples(st.integers(0, 3), st.sampled_from('pq')))"
            ),
            evidence=Evidence(  # what the behaviour check reports: parameter names only
                function="attach",
                element_types={"orders": frozenset({SAFE_TUPLE}), "customers": frozenset({SAFE_TUPLE})},
                value_types={"orders": frozenset({"list"}), "customers": frozenset({"list"})},
                calls_seen=5,
            ),
        ),
    )
    negatives = (
        # the join key is an unhashable item of the unpacked element
        "def f(orders: list[tuple[int, int]], groups: list[tuple[list[int], str]]):\n    out = []\n    for o, k in orders:\n        for key, name in groups:\n            if key == k:\n                out.append(name)\n    return out\n",
        # an unpacked inner name is read after the inner loop
        "def f(orders: list[tuple[int, int]], customers: list[tuple[int, str]]):\n    for o, k in orders:\n        for cid, name in customers:\n            if cid == k:\n                break\n        print(name)\n",
        # the parameter is rebound, so its annotation no longer describes what is scanned
        "def f(orders: list[tuple[int, int]], customers: list[tuple[int, str]]):\n    customers = load(customers)\n    for o in orders:\n        for c in customers:\n            if c[0] == o[1]:\n                print(o, c)\n",
        # the inner collection grows inside the outer loop
        "def f(xs):\n    ys = xs.split()\n    for x in xs.split():\n        for y in ys:\n            if x == y:\n                ys.append(x)\n                break\n    return ys\n",
        # non-matching pairs do work too (an else on the if)
        "def f(xs, ys):\n    xs, ys = xs.split(), ys.split()\n    n = 0\n    for x in xs:\n        for y in ys:\n            if x == y:\n                n += 1\n            else:\n                n -= 1\n    return n\n",
        # the inner loop variable is used after the inner loop
        "def f(xs, ys):\n    xs, ys = xs.split(), ys.split()\n    for x in xs:\n        for y in ys:\n            if x == y:\n                break\n        print(y)\n",
        # key types unknown without evidence: reported, not rewritten
        "def f(orders, customers):\n    for o in orders:\n        for c in customers:\n            if o.cid == c.id:\n                print(o, c)\n",
    )

    def detect(self, tree: ast.Module, source: str) -> list[Site]:
        sites: list[Site] = []
        for loop in module_loops(tree, source):
            if loop.function is None or loop.parent is None or loop.lazy:
                continue
            shape = join_shape(loop.node)
            if shape is None or "rebind" in {u.kind for u in uses_in(loop.parent, shape.inner.id)}:
                continue
            ff = function_facts(loop.function, tree)
            sites.append(self._site(ff, loop, shape))
        return sites

    def _site(self, ff: FunctionFacts, loop: Loop, shape: JoinShape) -> Site:
        assert loop.parent is not None
        inner = shape.inner.id
        hoist = hoist_target(loop.parent, [inner])
        stable = stability(ff, hoist, inner)
        inside = set(walk(loop.node))
        blocker = None
        rebound_inside = {n.id for n in inside if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
        outside = [v for v in shape.names if any(n not in inside for n in ff.names.get(v, ()))]
        if shape.form == "statement" and outside:
            blocker = f"the loop variable {outside[0]} is used outside the inner loop, where it would hold another value"
        elif set(shape.names) & ff.declared:
            blocker = f"the loop variable {min(set(shape.names) & ff.declared)} is declared global or nonlocal"
        elif (names_in(shape.outer_key) - set(shape.names)) & rebound_inside:
            blocker = "the outer key is changed inside the inner loop"
        elif not ff.bound_before(hoist, inner):
            blocker = f"{inner} is not certainly assigned before the outer loop starts"
        free = not shape.unpacked and (shape.form == "statement" or not outside)
        env = loop_env(ff, loop)
        inner_key = probe_facts(shape.inner_key, loop, env)
        if isinstance(shape.inner_key, ast.Name) and not shape.unpacked:
            inner_key = ProbeFacts(inner_key.text, inner_key.kinds or ff.elements(inner), inner)
        outer_env = loop_env(ff, loop.parent)
        outer_key = probe_facts(shape.outer_key, loop.parent, outer_env)
        key = ast.unparse(shape.test)
        anchor = shape.inner
        return Site(
            line=loop.node.lineno,
            col=loop.node.col_offset,
            end_line=loop.node.end_lineno or loop.node.lineno,
            function=loop.qualname,
            message=f"an inner loop scans all of {inner} for `{key}` on every outer iteration (O(n·m)); index {inner} by key once",
            facts=(
                ("form", shape.form),
                ("inner", inner),
                ("target", shape.target),
                ("build_var", shape.target if free else ""),
                ("key_name", shape.key_name),
                ("inner_key", inner_key),
                ("outer_key", outer_key),
                ("inner_kinds", ff.sequence_kinds(inner)),
                ("position", shape.position),
                ("elements", ff.elements(inner) if shape.unpacked else None),
                ("rest", shape.rest),
                ("outer_on_left", shape.outer_key is shape.test.left),
                ("blocker", blocker),
                *stable.as_facts(),
                ("hoist", (hoist.stmt.lineno, hoist.stmt.col_offset)),
                ("loop", (loop.node.lineno, loop.node.col_offset)),
                ("iter", (anchor.lineno, anchor.col_offset)),
                ("test", (shape.test.lineno, shape.test.col_offset)),
            ),
        )

    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None:
        inner = str(site.fact("inner"))
        reason = loop_refusal(site, inner, evidence)
        if reason is not None:
            return reason
        reason = kinds_refusal(site, "inner_kinds", inner, evidence, ITERABLE,
                               f"{inner} may be an iterator (consumed by the first pass of the original loops): its type is unknown",
                               f"{inner} is not always a builtin collection")
        if reason is not None:
            return reason
        if int(site.fact("position", -1)) >= 0:  # type: ignore[call-overload]
            elements = site.fact("elements") or (evidence.element_types.get(inner) if evidence else None)
            if not elements or not elements <= _INDEXABLE:  # type: ignore[operator]
                return f"the elements of {inner} are not known to be tuples (the index reads the key by position)"
        probes = [site.fact(fact) for fact in ("inner_key", "outer_key")]
        for probe in probes:
            assert isinstance(probe, ProbeFacts)
            reason = probe_refusal(probe, evidence)
            if reason is not None:
                return reason.replace("the value looked up", "the join key")
        inner_kinds, outer_kinds = (_key_types(p, evidence) for p in probes)  # type: ignore[arg-type]
        if inner_kinds & outer_kinds & _NAN_CAPABLE:
            return ("both join keys may be floats, so possibly the same NaN object: `==` never matches NaN, "
                    "but a dict finds a key by identity first")  # fmt: skip
        return None

    def rewrite(self, module: cst.Module, site: Site) -> cst.Module:
        inner, target = str(site.fact("inner")), str(site.fact("target"))
        module, where = with_positions(module)
        taken = taken_names(module)
        key_name = str(site.fact("key_name"))
        index = fresh_name(taken, f"{inner.lower()}_by_{key_name}" if key_name else f"{inner.lower()}_index")
        var = str(site.fact("build_var")) or fresh_name(taken | {index}, "item")
        test = node_at(module, where, cst.Comparison, *position(site, "test"))
        assert isinstance(test, cst.Comparison)
        outer_on_left = bool(site.fact("outer_on_left"))
        inner_key = test.comparisons[0].comparator if outer_on_left else test.left
        outer_key = test.left if outer_on_left else test.comparisons[0].comparator
        key_code = module.code_for_node(inner_key.with_changes(lpar=[], rpar=[]))
        slot = int(site.fact("position", -1))  # type: ignore[call-overload]
        if slot >= 0:
            key_code = f"{var}[{slot}]"  # for cid, name in customers → item[0]
        elif var != target:
            key_code = var + key_code[len(target):]  # c.id → item.id (the key starts with the variable)
        build = [
            new_statement(f"{index} = {{}}"),
            new_statement(f"for {var} in {inner}:\n    {index}.setdefault({key_code}, []).append({var})"),
        ]
        lookup = cst.parse_expression(f"{index}.get({module.code_for_node(outer_key)}, ())")
        hoist = statement_at(module, where, *position(site, "hoist"))
        anchor = node_at(module, where, cst.Name, *position(site, "iter"))
        swaps: dict[cst.CSTNode, Swap] = {anchor: lambda _: lookup}
        if site.fact("form") == "statement":
            loop = statement_at(module, where, *position(site, "loop"))
            swaps[loop] = _unwrap_if
        else:
            swaps[_comp_for(where, anchor)] = _drop_equality
        return edit(module, swaps, {hoist: build})


def _without_first_conjunct(test: cst.BaseExpression) -> cst.BaseExpression | None:
    """``b and c`` for ``a and b and c``; None when ``test`` is just ``a``."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        left = _without_first_conjunct(test.left)
        return test.right if left is None else test.with_changes(left=left)
    return None


def _unwrap_if(loop: cst.For) -> cst.CSTNode:
    """The inner loop's body becomes the body of its ``if`` (or the ``if`` keeps only the other conditions)."""
    if not isinstance(loop.body, cst.IndentedBlock) or len(loop.body.body) != 1 or not isinstance(loop.body.body[0], cst.If):
        raise RewriteError("the inner loop changed shape")
    branch = loop.body.body[0]
    rest = _without_first_conjunct(branch.test)
    if rest is not None:
        return loop.with_changes(body=loop.body.with_changes(body=[branch.with_changes(test=rest)]))
    if not isinstance(branch.body, cst.IndentedBlock):
        raise RewriteError("the match body sits on the if line; put it on its own lines first")
    first, *others = branch.body.body
    if isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        first = first.with_changes(leading_lines=[*branch.leading_lines, *first.leading_lines])
    header = loop.body.header if loop.body.header.comment is not None else branch.body.header
    return loop.with_changes(body=branch.body.with_changes(body=[first, *others], header=header))


def _comp_for(where: Positions, anchor: cst.CSTNode) -> cst.CompFor:
    for node in where:
        if isinstance(node, cst.CompFor) and node.iter is anchor:
            return node
    raise RewriteError("the comprehension changed shape")


def _drop_equality(comp: cst.CompFor) -> cst.CSTNode:
    first, *others = comp.ifs
    rest = _without_first_conjunct(first.test)
    ifs = [first.with_changes(test=rest), *others] if rest is not None else others
    if rest is None and others:
        ifs[0] = ifs[0].with_changes(whitespace_before=first.whitespace_before)
    return comp.with_changes(ifs=ifs)


def _key_types(probe: ProbeFacts, evidence: Evidence | None) -> frozenset[str]:
    """The types a join key is known to take: from the source, or seen for the key expression
    itself at run time (not widened from "a tuple of immutables", which says nothing of floats)."""
    if probe.kinds is not None:
        return probe.kinds
    seen = evidence.value_types.get(probe.text) if evidence is not None else None
    return seen or frozenset()
