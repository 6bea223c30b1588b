"""KZ102 membership-in-loop: ``x in some_list`` inside a loop → a set built once before the loop."""

from __future__ import annotations

import ast
from collections import defaultdict

import libcst as cst

from kaizen.patterns.base import Evidence, Example, Pattern, Site
from kaizen.patterns.cstedit import fresh_name, with_positions
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

SEQUENCES = frozenset({"list", "tuple"})


class MembershipInLoop(Pattern):
    id = "KZ102"
    name = "membership-in-loop"
    title = "`x in some_list` inside a loop → a set built once before the loop"
    description = (
        "Testing membership in a list scans it element by element, so a test inside a loop costs "
        "O(len(list)) per iteration and the loop O(n·m). When the list does not change while the "
        "loop runs, kaizen builds `set(the_list)` once before the loop and tests against that, "
        "making each test O(1). The list itself is left untouched for every other use."
    )
    hazards = (
        "the list changes inside the loop: directly, through an alias, or by a called function that can reach it",
        "the list is rebound inside the loop (then it is not loop-invariant and nothing is reported)",
        "unhashable elements, or elements whose __eq__/__hash__ disagree: only str, bytes, numbers, bool and None are accepted",
        "an unhashable value tested: a set lookup raises TypeError where the list scan returned False",
        "the container is not a list or tuple: a str tests substrings, an iterator is consumed",
        "1 == 1.0 == True mixes are safe: builtin numbers hash consistently with ==",
        "a loop that never runs: set() is evaluated anyway, so the list must certainly be bound and hashable",
        "a lazy generator expression, which may run after the list changed",
        "`set` rebound in the module or function",
    )
    triggers = (" in ",)
    examples = (
        Example(
            before=(
                "def common(words, text):\n"
                "    stop = text.split()\n"
                "    # keep the words that are stop words\n"
                "    return [w for w in words.split() if w in stop]\n"
            ),
            after=(
                "def common(words, text):\n"
                "    stop = text.split()\n"
                "    # keep the words that are stop words\n"
                "    stop_set = set(stop)\n"
                "    return [w for w in words.split() if w in stop_set]\n"
            ),
            call="common",
            args="st.text('ab c', max_size=30), st.text('ab c', max_size=30)",
        ),
        Example(
            before=(
                "def overlap(a, b):\n"
                "    out = []\n"
                "    for x in a:\n"
                "        if x not in b:  # unseen\n"
                "            out.append(x)\n"
                "    return out\n"
            ),
            after=(
                "def overlap(a, b):\n"
                "    out = []\n"
                "    b_set = set(b)\n"
                "    for x in a:\n"
                "        if x not in b_set:  # unseen\n"
                "            out.append(x)\n"
                "    return out\n"
            ),
            call="overlap",
            args="st.lists(st.integers(-3, 3)), st.lists(st.integers(-3, 3))",
            evidence=Evidence(
                function="overlap",
                element_types={"a": frozenset({"int"}), "b": frozenset({"int"})},
                value_types={"b": frozenset({"list"})},
                calls_seen=12,
            ),
        ),
    )
    negatives = (
        # the list grows inside the loop: KZ103's shape, not this one
        "def f(a):\n    seen = []\n    for x in a:\n        if x not in seen:\n            seen.append(x)\n    return seen\n",
        # mutated in the loop
        "def f(a):\n    b = ['x', 'y']\n    for x in a:\n        if x in b:\n            b.remove(x)\n    return b\n",
        # already a set
        "def f(a):\n    b = {'x', 'y'}\n    return [x for x in a if x in b]\n",
        # a str: `in` tests substrings
        "def f(a):\n    b = 'xyz'\n    return [x for x in a if x in b]\n",
        # parameters of unknown type: reported, not rewritten
        "def f(a, b):\n    return [x for x in a if x in b]\n",
        # rebound in the loop: not invariant
        "def f(a):\n    for x in a:\n        b = x.split()\n        if 'k' in b:\n            return b\n",
    )

    def detect(self, tree: ast.Module, source: str) -> list[Site]:
        owner: dict[ast.Compare, Loop] = {}
        for loop in module_loops(tree, source):
            if loop.function is None:
                continue
            for node in loop.of_kind(ast.Compare):
                if len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
                    owner[node] = loop  # loops come outer first: the innermost one wins
        groups: dict[tuple[Loop, str], list[ast.Compare]] = defaultdict(list)
        for compare, loop in owner.items():
            if isinstance(compare.comparators[0], ast.Name) and not loop.lazy:
                groups[(loop, compare.comparators[0].id)].append(compare)
        sites: list[Site] = []
        for (loop, name), compares in groups.items():
            assert loop.function is not None
            site = self._site(function_facts(loop.function, tree), loop, name, compares)
            if site is not None:
                sites.append(site)
        return sites

    def _site(self, ff: FunctionFacts, loop: Loop, name: str, compares: list[ast.Compare]) -> Site | None:
        kinds = ff.sequence_kinds(name)
        if (kinds is not None and not kinds <= SEQUENCES) or (kinds is None and ff.not_a_sequence(name)):
            return None  # a set, dict, str or range: already fast, or `in` means something else
        used = {u.kind for u in uses_in(loop, name)}
        if "append" in used or "rebind" in used:
            return None  # grows in the loop (KZ103's shape) or is not loop-invariant
        hoist = hoist_target(loop, [name])
        stable = stability(ff, hoist, name)
        blocker = None
        if not ff.bound_before(hoist, name):
            blocker = f"{name} is not certainly assigned before the loop starts"
        elif ff.shadowed("set"):
            blocker = "the builtin set is rebound in this module or function"
        elements = ff.elements(name)
        probes = tuple(probe_facts(c.left, loop, loop_env(ff, loop)) for c in compares)
        first = compares[0]
        op = "not in" if isinstance(first.ops[0], ast.NotIn) else "in"
        return Site(
            line=first.lineno,
            col=first.col_offset,
            end_line=first.end_lineno or first.lineno,
            function=loop.qualname,
            message=f"`{probes[0].text} {op} {name}` scans {'a list' if kinds else name + ', if it is a list,'} on every iteration; "
            "a set built once before the loop makes it O(1)",
            facts=(
                ("container", name),
                ("container_kinds", kinds),
                ("elements", elements),
                ("probes", probes),
                ("blocker", blocker),
                *stable.as_facts(),
                ("hoist", (hoist.stmt.lineno, hoist.stmt.col_offset)),
                ("targets", tuple((c.comparators[0].lineno, c.comparators[0].col_offset) for c in compares)),
            ),
        )

    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None:
        name = str(site.fact("container"))
        reason = loop_refusal(site, name, evidence)
        if reason is not None:
            return reason
        reason = kinds_refusal(site, "container_kinds", name, evidence, SEQUENCES,
                               f"{name} may not be a list or tuple: its type is unknown (a str would test substrings)",
                               f"{name} is not always a list or tuple")
        if reason is not None:
            return reason
        reason = element_refusal(name, site.fact("elements"), evidence)  # type: ignore[arg-type]
        if reason is not None:
            return reason
        probes: tuple[ProbeFacts, ...] = site.fact("probes", ())  # type: ignore[assignment]
        return next((r for r in (probe_refusal(p, evidence) for p in probes) if r), None)

    def rewrite(self, module: cst.Module, site: Site) -> cst.Module:
        name = str(site.fact("container"))
        module, where = with_positions(module)
        stmt = statement_at(module, where, *position(site, "hoist"))
        targets = [node_at(module, where, cst.Name, ln, c) for ln, c in positions(site, "targets")]
        base = name.lower() if name.isupper() else name
        set_name = fresh_name(taken_names(module), f"{base}_set")
        return edit(module, {t: renamed(set_name) for t in targets}, {stmt: [new_statement(f"{set_name} = set({name})")]})

