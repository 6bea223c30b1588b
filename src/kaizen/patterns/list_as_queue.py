"""KZ107 list-as-queue: a local list consumed from the front (``pop(0)``, ``insert(0, x)``,
``del q[0]``, ``q = q[1:]``) becomes a ``collections.deque``.

Only a list that lives and dies inside one function is rewritten: every use of the name is
checked to be something a deque does the same way. Anything else (returned, passed on, sliced,
sorted, printed, compared with a list) is reported with the reason.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

import libcst as cst

from kaizen.patterns import cstedit
from kaizen.patterns.base import Evidence, Example, Pattern, RewriteError, Site
from kaizen.patterns.queue_uses import QueueOp, find_ops, judge_uses
from kaizen.patterns.scopes import ScopeNode, enclosing_scope, parent_map, qualname


class ListAsQueue(Pattern):
    id = "KZ107"
    name = "list-as-queue"
    title = "list used as a queue: pop(0)/insert(0, x) are O(n); use collections.deque"
    description = (
        "Removing or inserting at the front of a list moves every other element, so a list used "
        "as a FIFO queue makes a loop quadratic. collections.deque does both ends in O(1): "
        "pop(0) becomes popleft(), insert(0, x) appendleft(x)."
    )
    hazards = (
        "the list escaping: returned, yielded, passed to a function, stored in an attribute or container",
        "uses a deque does not support or does differently: slicing, sort(), + with a list, == with a list, printing",
        "indexing at arbitrary positions (O(n) on a deque)",
        "changing the list while iterating over it (a deque raises RuntimeError)",
        "lists that come from a parameter, a global, a closure or an attribute (other uses are not visible)",
        "q = q[1:] on a possibly empty list (gives [] where popleft() raises)",
    )
    triggers = ("pop(0)", "insert(0", "[0]", "[1:]")
    examples = (
        Example(
            before=(
                "def bfs(start: int, edges: dict[int, list[int]]) -> list[int]:\n"
                "    order = []\n    seen = {start}\n    queue = [start]  # frontier\n"
                "    while queue:\n        node = queue.pop(0)\n        order.append(node)\n"
                "        for nxt in edges.get(node, []):\n            if nxt not in seen:\n"
                "                seen.add(nxt)\n                queue.append(nxt)\n    return order\n"
            ),
            after=(
                "import collections\n\n"
                "def bfs(start: int, edges: dict[int, list[int]]) -> list[int]:\n"
                "    order = []\n    seen = {start}\n    queue = collections.deque([start])  # frontier\n"
                "    while queue:\n        node = queue.popleft()\n        order.append(node)\n"
                "        for nxt in edges.get(node, []):\n            if nxt not in seen:\n"
                "                seen.add(nxt)\n                queue.append(nxt)\n    return order\n"
            ),
            call="bfs",
            args="st.integers(0, 5), st.dictionaries(st.integers(0, 5), st.lists(st.integers(0, 5)))",
        ),
        Example(
            before=(
                "import collections\n\n\ndef rotate(items: list[int], k: int) -> list[int]:\n"
                "    window: list[int] = []\n    for x in items:\n        window.insert(0, x)\n"
                "        if len(window) > k:\n            del window[0]\n"
                "    while window:\n        head = window[0]\n        window = window[1:]\n"
                "        items = items + [head]\n    return items\n"
            ),
            after=(
                "import collections\n\n\ndef rotate(items: list[int], k: int) -> list[int]:\n"
                "    window: collections.deque[int] = collections.deque()\n    for x in items:\n"
                "        window.appendleft(x)\n        if len(window) > k:\n            window.popleft()\n"
                "    while window:\n        head = window[0]\n        window.popleft()\n"
                "        items = items + [head]\n    return items\n"
            ),
            call="rotate",
            args="st.lists(st.integers()), st.integers(-1, 4)",
        ),
    )
    negatives = (
        "def drain(q: list[int]) -> int:\n    total = 0\n    while q:\n        total += q.pop(0)\n    return total\n",
        "def f(xs: list[int]) -> list[int]:\n    q = list(xs)\n    q.pop(0)\n    return q\n",
        "def f(xs: list[int]) -> int:\n    q = list(xs)\n    q.pop(0)\n    q.sort()\n    return q[0]\n",
        "def f(xs: list[int]) -> list[int]:\n    q = list(xs)\n    q.pop(0)\n    return q[1:3]\n",
        "def f(xs: list[int]) -> None:\n    q = list(xs)\n    q.insert(0, 1)\n    print(q)\n",
        "def f(xs: list[int]) -> bool:\n    q = list(xs)\n    q.pop(0)\n    return q == [1]\n",
        "class C:\n    def f(self) -> int:\n        return self.items.pop(0)\n",
        "QUEUE = [1, 2]\n\ndef f() -> int:\n    return QUEUE.pop(0)\n",
        "def f(xs: list[int]) -> list[int]:\n    q = list(xs)\n    q = q[1:]\n    return list(q)\n",
        "def f(xs: list[int]) -> int:\n    q = list(xs)\n    for x in q:\n        q.append(x)\n        q.pop(0)\n    return len(q)\n",
        "def f(xs: list[int], i: int) -> int:\n    q = list(xs)\n    q.pop(0)\n    return q[i]\n",
    )

    def detect(self, tree: ast.Module, source: str) -> list[Site]:
        groups: dict[tuple[ScopeNode, str], list[QueueOp]] = {}
        for op in find_ops(tree, source):
            parents = parent_map(tree)
            scope = enclosing_scope(op.node, parents)
            groups.setdefault((scope, op.target), []).append(op)
        sites = []
        for (scope, target), ops in groups.items():
            first = min(ops, key=lambda o: (o.node.lineno, o.node.col_offset))
            parents = parent_map(tree)
            reasons = judge_uses(scope, target, ops, tree, parents)
            facts: dict[str, object] = {"name": target, "reasons": tuple(reasons)}
            if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
                facts.update(def_line=scope.lineno, def_name=scope.name)
            node = first.node
            sites.append(Site(
                line=node.lineno, col=node.col_offset, end_line=node.end_lineno or node.lineno,
                function=qualname(scope, parents),
                message=f"list {target!r} is used as a queue ({first.kind} is O(n)); use collections.deque",
                facts=tuple(sorted(facts.items())),
            ))  # fmt: skip
        return sites

    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None:
        reasons = site.fact("reasons", ())
        assert isinstance(reasons, tuple)
        return str(reasons[0]) if reasons else None

    def rewrite(self, module: cst.Module, site: Site) -> cst.Module:
        module, where = cstedit.with_positions(module)
        func = cstedit.find_function(module, where, int(str(site.fact("def_line"))), str(site.fact("def_name")))
        deque, needs_import = cstedit.module_ref(module, "collections", "deque")
        new_func = func.with_changes(body=func.body.visit(_ToDeque(str(site.fact("name")), deque)))
        module = cstedit.replace(module, func, new_func)
        return cstedit.add_import(module, "collections") if needs_import else module


def _is_name(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _int_arg(args: Sequence[cst.Arg], index: int, value: str) -> bool:
    arg = args[index] if len(args) > index else None
    return arg is not None and isinstance(arg.value, cst.Integer) and arg.value.value == value and not arg.keyword


def _front(sub: cst.Subscript) -> bool:
    """``q[0]``"""
    el = sub.slice[0].slice if len(sub.slice) == 1 else None
    return isinstance(el, cst.Index) and isinstance(el.value, cst.Integer) and el.value.value == "0"


def _tail(sub: cst.Subscript) -> bool:
    """``q[1:]``"""
    el = sub.slice[0].slice if len(sub.slice) == 1 else None
    return (isinstance(el, cst.Slice) and isinstance(el.lower, cst.Integer) and el.lower.value == "1"
            and el.upper is None and el.step is None)  # fmt: skip


class _ToDeque(cst.CSTTransformer):
    """Turns the list ``name`` into a deque inside one function body (nested scopes untouched:
    the safety check refused any use of the name there)."""

    def __init__(self, name: str, deque: cst.BaseExpression) -> None:
        super().__init__()
        self.name, self.deque = name, deque

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def _made(self, value: cst.BaseExpression) -> cst.BaseExpression:
        if isinstance(value, cst.List) and not value.elements:
            return cst.Call(self.deque)
        if isinstance(value, (cst.List, cst.ListComp)):
            return cst.Call(self.deque, [cst.Arg(value)])
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "list":
            return value.with_changes(func=self.deque)
        raise RewriteError(f"cannot turn {cst.Module([]).code_for_node(value)!r} into a deque")

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.BaseSmallStatement:
        if len(updated.targets) != 1 or not _is_name(updated.targets[0].target, self.name):
            return updated
        value = updated.value
        if isinstance(value, cst.Subscript) and _is_name(value.value, self.name) and _tail(value):  # q = q[1:]
            return cst.Expr(cst.Call(cst.Attribute(cst.Name(self.name), cst.Name("popleft"))))
        return updated.with_changes(value=self._made(value))

    def leave_AnnAssign(self, original: cst.AnnAssign, updated: cst.AnnAssign) -> cst.AnnAssign:
        if not _is_name(updated.target, self.name) or updated.value is None:
            return updated
        ann = updated.annotation.annotation
        base = ann.value if isinstance(ann, cst.Subscript) else ann
        if not (isinstance(base, cst.Name) and base.value in ("list", "List")):
            raise RewriteError(f"{self.name!r} is annotated as something other than a list")
        new_ann = ann.with_changes(value=self.deque) if isinstance(ann, cst.Subscript) else self.deque
        return updated.with_changes(
            value=self._made(updated.value), annotation=updated.annotation.with_changes(annotation=new_ann)
        )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if not (isinstance(func, cst.Attribute) and _is_name(func.value, self.name)):
            return updated
        if func.attr.value == "pop" and len(updated.args) == 1 and _int_arg(updated.args, 0, "0"):
            return updated.with_changes(func=func.with_changes(attr=cst.Name("popleft")), args=[])
        if func.attr.value == "insert" and len(updated.args) == 2 and _int_arg(updated.args, 0, "0"):
            value = updated.args[1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated.with_changes(func=func.with_changes(attr=cst.Name("appendleft")), args=[value])
        return updated

    def leave_Del(self, original: cst.Del, updated: cst.Del) -> cst.BaseSmallStatement:
        target = updated.target
        if isinstance(target, cst.Subscript) and _is_name(target.value, self.name) and _front(target):
            return cst.Expr(cst.Call(cst.Attribute(cst.Name(self.name), cst.Name("popleft"))))
        return updated

