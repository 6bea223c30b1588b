"""A static guess at how each function's running time grows with its input (and its McCabe number,
from ``mccabe.py``).

Pure (``ast`` in, values out). The growth estimate reads one function at a time and does not follow
calls into other functions; it is a hint for ranking and a label for people, shown with the lines
that justify it, never a proof. Rules:

- a loop over an input-dependent iterable (not ``range(10)``, not a literal) adds one degree to
  everything inside it; comprehensions count as loops;
- work linear in a collection adds one more degree to the loops around it (or is O(n) alone): ``x in seq`` on a list (or on a name
  not known to be a set or dict: the evidence says "if it is a list"), ``.index()``, ``.count()``,
  ``.remove()``, ``.pop(0)``, ``.insert(0, …)``, ``sum/min/max/list/set/…(seq)``; ``sorted()`` /
  ``.sort()`` adds a degree and a log factor;
- recursion: two or more self-calls on halves (``xs[:mid]``, ``n // 2``) → ``O(n log n)``; on
  ``n - k`` → exponential ``O(2^n)``; one self-call on ``n // 2`` adds a log factor, on ``n - 1`` or
  ``xs[1:]`` a degree; memoized (``@cache``, ``@lru_cache``) recursion is linear.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field

from kaizen.analyze.functions import FunctionNode, function_nodes, own_nodes
from kaizen.analyze.mccabe import cyclomatic

_LINEAR_METHODS = frozenset({"index", "count", "remove"})
_LINEAR_BUILTINS = frozenset({"sum", "min", "max", "any", "all", "list", "tuple", "set", "frozenset", "dict", "sorted"})
_HASHED_CALLS = frozenset({"set", "frozenset", "dict", "Counter", "defaultdict", "OrderedDict"})
_LIST_CALLS = frozenset({"list", "sorted", "tuple"})
_HASHED_METHODS = frozenset({"add", "get", "items", "keys", "values", "setdefault", "discard", "update"})
_MEMO_DECORATORS = frozenset({"cache", "lru_cache", "cached", "memoize", "memoized", "cached_property"})
_SUPERSCRIPT = {2: "²", 3: "³"}


@dataclass(frozen=True)
class Evidence:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class Growth:
    degree: int = 0  # polynomial degree in the input size
    log: bool = False  # an extra log n factor
    exponential: bool = False
    evidence: tuple[Evidence, ...] = ()

    @property
    def label(self) -> str:
        if self.exponential:
            return "O(2^n)"
        if self.degree == 0:
            return "O(log n)" if self.log else "O(1)"
        power = "n" if self.degree == 1 else f"n{_SUPERSCRIPT.get(self.degree, f'^{self.degree}')}"
        return f"O({power} log n)" if self.log else f"O({power})"

    @property
    def order(self) -> float:
        """A number to compare growths by (exponential above every polynomial)."""
        return 10.0 if self.exponential else self.degree + (0.5 if self.log else 0.0)


@dataclass(frozen=True)
class FunctionShape:
    qualname: str
    line: int
    end_line: int
    growth: Growth
    cyclomatic: int


def analyze_source(source: str) -> tuple[FunctionShape, ...]:
    """Every function and method of a module; an unparsable module has none."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return ()
    return tuple(
        FunctionShape(qualname, node.lineno, node.end_lineno or node.lineno, estimate_growth(node), cyclomatic(node))
        for qualname, node in function_nodes(tree)
    )


def shape_at(shapes: Sequence[FunctionShape], line: int) -> FunctionShape | None:
    """The innermost function containing ``line`` (for a finding's place)."""
    inside = [s for s in shapes if s.line <= line <= s.end_line]
    return min(inside, key=lambda s: s.end_line - s.line, default=None)


def shape_of(shapes: Sequence[FunctionShape], qualname: str) -> FunctionShape | None:
    """Exactly the function named ``qualname`` (for a profiled function; ``<module>`` has none)."""
    return next((s for s in shapes if s.qualname == qualname), None)


# --- growth -------------------------------------------------------------------------------------


def _text(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."


def _call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id
        if isinstance(node.func, ast.Attribute):
            return node.func.attr
    return None


def _is_constant_size(node: ast.expr) -> bool:
    """An iterable whose length does not depend on the input: literals, ``range(10)``."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return not any(isinstance(e, ast.Starred) for e in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == "range":
            return all(isinstance(a, ast.Constant | ast.UnaryOp) for a in node.args)
        if node.func.id in ("enumerate", "reversed", "sorted", "zip") and node.args:
            return all(_is_constant_size(a) for a in node.args)
    return False


class _Kinds:
    """What the function's names hold, as far as its own text says: a list, a set/dict, or unknown."""

    def __init__(self, function: FunctionNode, nodes: list[ast.AST]) -> None:
        self.kinds: dict[str, str] = {}
        for arg in function.args.args + function.args.kwonlyargs + function.args.posonlyargs:
            if arg.annotation is not None:
                text = ast.unparse(arg.annotation).lower()
                if text.startswith(("list", "tuple", "sequence")):
                    self.kinds[arg.arg] = "list"
                elif text.startswith(("set", "frozenset", "dict", "mapping", "abstractset")):
                    self.kinds[arg.arg] = "hashed"
        for node in nodes:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                kind = self._kind_of(node.value) if node.value is not None else None
                for target in targets:
                    if isinstance(target, ast.Name) and kind:
                        self.kinds[target.id] = kind
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                receiver = node.func.value
                if isinstance(receiver, ast.Name) and node.func.attr in _HASHED_METHODS:
                    self.kinds.setdefault(receiver.id, "hashed")

    @staticmethod
    def _kind_of(value: ast.expr) -> str | None:
        if isinstance(value, ast.List | ast.ListComp) or (isinstance(value, ast.BinOp) and isinstance(value.left, ast.List)):
            return "list"
        if isinstance(value, ast.Set | ast.Dict | ast.SetComp | ast.DictComp):
            return "hashed"
        name = _call_name(value)
        if name in _HASHED_CALLS:
            return "hashed"
        if name in _LIST_CALLS or name == "split":
            return "list"
        return None

    def of(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name):
            return self.kinds.get(node.id, "unknown")
        if isinstance(node, ast.List | ast.ListComp):
            return "list"
        if isinstance(node, ast.Set | ast.Dict | ast.SetComp | ast.DictComp | ast.Constant):
            return "hashed"  # constants: a fixed-size tuple/str costs O(1) per test
        if isinstance(node, ast.Tuple):
            return "hashed" if _is_constant_size(node) else "unknown"
        return "unknown"


@dataclass
class _Walk:
    kinds: _Kinds
    best: Growth = field(default_factory=Growth)

    def offer(self, degree: int, log: bool, chain: list[Evidence]) -> None:
        candidate = Growth(degree, log, False, tuple(chain))
        if candidate.order > self.best.order:
            self.best = candidate

    def visit(self, node: ast.AST, chain: list[Evidence]) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            return
        if isinstance(node, ast.For | ast.AsyncFor):
            self.visit(node.iter, chain)
            inner = chain if _is_constant_size(node.iter) else [*chain, Evidence(node.lineno, f"loop over `{_text(node.iter)}`")]
            self.offer(len(inner), False, inner)
            for child in [node.target, *node.body, *node.orelse]:
                self.visit(child, inner)
            return
        if isinstance(node, ast.While):
            bounded = isinstance(node.test, ast.Compare) and all(isinstance(c, ast.Constant) for c in node.test.comparators) and isinstance(node.test.left, ast.Constant)
            inner = chain if bounded else [*chain, Evidence(node.lineno, f"while loop on `{_text(node.test)}`")]
            self.offer(len(inner), False, inner)
            for child in [node.test, *node.body, *node.orelse]:
                self.visit(child, inner)
            return
        if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            inner = chain
            for generator in node.generators:
                self.visit(generator.iter, inner)
                if not _is_constant_size(generator.iter):
                    inner = [*inner, Evidence(node.lineno, f"comprehension over `{_text(generator.iter)}`")]
                for condition in generator.ifs:
                    self.visit(condition, inner)
            self.offer(len(inner), False, inner)
            elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            for element in elements:
                self.visit(element, inner)
            return
        self._cost(node, chain)
        for child in ast.iter_child_nodes(node):
            self.visit(child, chain)

    def _cost(self, node: ast.AST, chain: list[Evidence]) -> None:
        """Work linear in a collection done here (it multiplies with the loops around it)."""
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, ast.In | ast.NotIn):
                    kind = self.kinds.of(right)
                    if kind == "list":
                        self.offer(len(chain) + 1, False, [*chain, Evidence(line, f"`{_text(node)}` scans the list `{_text(right)}`")])
                    elif kind == "unknown":
                        self.offer(len(chain) + 1, False, [*chain, Evidence(line, f"`{_text(node)}` scans `{_text(right)}` if it is a list")])
            return
        if not isinstance(node, ast.Call):
            return
        name = _call_name(node)
        if isinstance(node.func, ast.Attribute):
            zero_arg = bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value == 0
            if name in _LINEAR_METHODS or (name in ("pop", "insert") and zero_arg):
                self.offer(len(chain) + 1, False, [*chain, Evidence(line, f"`{_text(node)}` is linear in the collection")])
            elif name == "sort":
                self.offer(len(chain) + 1, True, [*chain, Evidence(line, f"`{_text(node)}` sorts the collection")])
        elif name in _LINEAR_BUILTINS and len(node.args) == 1 and isinstance(node.args[0], ast.Name | ast.Attribute | ast.Subscript):
            self.offer(len(chain) + 1, name == "sorted", [*chain, Evidence(line, f"`{_text(node)}` walks the whole collection")])


def _self_calls(function: FunctionNode, nodes: list[ast.AST]) -> list[ast.Call]:
    def is_self(func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id == function.name
        return (
            isinstance(func, ast.Attribute)
            and func.attr == function.name
            and isinstance(func.value, ast.Name)
            and func.value.id in ("self", "cls")
        )

    calls = [node for node in nodes if isinstance(node, ast.Call) and is_self(node.func)]
    return sorted(calls, key=lambda c: (c.lineno, c.col_offset))


def _shrinks_by_constant(call: ast.Call) -> bool:
    """``f(n - 1)``, ``f(xs[1:])``: one level of recursion per element."""
    for node in (n for a in call.args for n in ast.walk(a)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.right, ast.Constant):
            return True
        if isinstance(node, ast.Slice) and any(isinstance(b, ast.Constant | ast.UnaryOp) for b in (node.lower, node.upper)):
            return True
    return False


def _halves(call: ast.Call, *, slices: bool) -> bool:
    """``f(n // 2)``, and with ``slices``: ``f(xs[:mid])`` (mid computed elsewhere)."""
    for node in (n for a in call.args for n in ast.walk(a)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv | ast.RShift | ast.Div):
            return True
        if slices and isinstance(node, ast.Slice) and any(isinstance(b, ast.Name | ast.BinOp) for b in (node.lower, node.upper)):
            return True
    return False


def estimate_growth(function: FunctionNode) -> Growth:
    nodes = own_nodes(function)
    walk = _Walk(_Kinds(function, nodes))
    for statement in function.body:
        walk.visit(statement, [])
    body = walk.best
    calls = _self_calls(function, nodes)
    if not calls:
        return body
    lines = tuple(Evidence(c.lineno, f"calls itself: `{_text(c)}`") for c in calls)
    memoized = any(
        (_call_name(d) if isinstance(d, ast.Call) else (d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", None))) in _MEMO_DECORATORS
        for d in function.decorator_list
    )
    if memoized:
        return Growth(max(body.degree, 1), body.log, False, (*body.evidence, Evidence(function.lineno, "memoized recursion")))
    if len(calls) >= 2 and any(_halves(c, slices=True) for c in calls):
        # divide and conquer, T(n) = 2T(n/2) + O(n^d): n log n when the split/merge work is linear
        if body.degree == 1 and not body.log:
            return Growth(1, True, False, (*body.evidence, *lines))
        return Growth(max(body.degree, 1), body.log, False, (*body.evidence, *lines))
    if len(calls) >= 2 and any(_shrinks_by_constant(c) for c in calls):
        return Growth(body.degree, body.log, True, lines)  # each level branches: fib(n-1) + fib(n-2)
    if any(_halves(c, slices=False) for c in calls):
        return Growth(body.degree, True, False, (*body.evidence, *lines))  # bisection
    if any(_shrinks_by_constant(c) for c in calls):
        return Growth(body.degree + 1, body.log, False, (*body.evidence, *lines))
    return Growth(max(body.degree, 1), body.log, False, (*body.evidence, *lines))
