"""KZ106 recursion-cache: a pure recursive function that recomputes its subproblems gets
``@functools.cache``.

Runtime evidence: ``Evidence.value_types[param]``, the types of the values passed for that
parameter, can stand in for a missing annotation.
"""

from __future__ import annotations

import ast
import bisect

import libcst as cst

from kaizen.patterns import cstedit
from kaizen.patterns.base import Evidence, Example, Pattern, RewriteError, Site
from kaizen.patterns.infer import IMMUTABLE, NUMERIC, Types, annotation_types
from kaizen.patterns.purity import fresh_locals, impurities, return_kind
from kaizen.patterns.scopes import (
    FunctionNode,
    ancestors,
    line_offsets,
    own_nodes,
    params,
    parent_map,
    statement_index,
)
from kaizen.patterns.statements import StatementIndex
from kaizen.patterns.tree import walk

_SAFE_TUPLE = "tuple[immutable]"  # a tuple whose annotation promises immutable items
_LOOPS = (ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class RecursionCache(Pattern):
    id = "KZ106"
    name = "recursion-cache"
    triggers = ("def ",)
    title = "recursive function recomputes the same subproblems: cache it"
    description = (
        "A function that calls itself more than once per call (fib(n - 1) + fib(n - 2)) solves "
        "the same subproblems again and again, often exponentially many times. When the function "
        "is pure and its arguments hashable, @functools.cache makes each subproblem cost once."
    )
    hazards = (
        "reads of globals or closure variables that can change between calls",
        "side effects: I/O, counters, appends, global/nonlocal, changing its arguments",
        "arguments that are unhashable or of unknown type (annotations or runtime evidence must show hashable builtins)",
        "equal arguments of different types (1, 1.0, True) sharing one cache entry",
        "a returned list/dict/set would be shared by every caller",
        "identity tests ('is'), methods (the cache would key on self), generators, async functions",
        "functions already decorated",
        "deep recursion: each cached level spends two frames of the recursion limit (measured: RecursionError at "
        "498 levels instead of 997); not provable from the source, so the night relies on the tests and the "
        "behaviour check, which reject a rewrite that raises where the original returned on the inputs they exercise",
    )
    examples = (
        Example(
            before="def fib(n: int) -> int:\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n",
            after=(
                "import functools\n\n@functools.cache\ndef fib(n: int) -> int:\n    if n < 2:\n"
                "        return n\n    return fib(n - 1) + fib(n - 2)\n"
            ),
            call="fib",
            args="st.integers(-3, 22),",
        ),
        Example(
            before=(
                'import functools\n\n\ndef ways(n: int, coins: tuple[int, ...]) -> int:\n'
                '    """Count the ways to pay n."""\n    if n == 0:\n        return 1\n'
                "    # each coin starts a branch\n    return sum(ways(n - c, coins) for c in coins if c <= n)\n"
            ),
            after=(
                'import functools\n\n\n@functools.cache\ndef ways(n: int, coins: tuple[int, ...]) -> int:\n'
                '    """Count the ways to pay n."""\n    if n == 0:\n        return 1\n'
                "    # each coin starts a branch\n    return sum(ways(n - c, coins) for c in coins if c <= n)\n"
            ),
            call="ways",
            args="st.integers(-2, 25), st.lists(st.integers(1, 9), min_size=1, max_size=4, unique=True).map(tuple)",
        ),
    )
    negatives = (
        "calls = 0\n\ndef fib(n: int) -> int:\n    global calls\n    calls += 1\n"
        "    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
        "def fib(n: int) -> int:\n    print(n)\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
        "def paths(xs: list[int]) -> int:\n    return 1 if not xs else paths(xs[1:]) + paths(xs[2:])\n",
        "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
        "def fib(n: float) -> float:\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
        "def subsets(n: int) -> list[int]:\n    return [n] if n < 1 else subsets(n - 1) + subsets(n - 1)\n",
        "class T:\n    def fib(self, n: int) -> int:\n        return n if n < 2 else self.fib(n - 1) + self.fib(n - 2)\n",
        "import functools\n\n@functools.lru_cache(maxsize=None)\ndef fib(n: int) -> int:\n"
        "    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
        "def fib(n: int):\n    if n < 2:\n        yield n\n    yield from fib(n - 1)\n    yield from fib(n - 2)\n",
        "LIMIT = [10]\n\ndef f(n: int) -> int:\n    return 0 if n > LIMIT[0] else f(n + 1) + f(n + 2)\n",
        "def count(n: int, seen: set[int]) -> int:\n    seen.add(n)\n"
        "    return 1 if n < 2 else count(n - 1, seen) + count(n - 2, seen)\n",
    )

    def detect(self, tree: ast.Module, source: str) -> list[Site]:
        offsets = line_offsets(tree, source)
        sites: list[Site] = []
        index = statement_index(tree)
        for position in index.functions:
            func = index.statements[position]
            assert isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
            end = func.end_lineno or func.lineno
            if source.count(func.name + "(", offsets[func.lineno - 1], offsets[end]) < 2:
                continue  # the def itself, plus at least one self-call: a cheap text test first
            chain = index.chain(position)
            owner = chain[-1] if chain else None
            candidates = _call_candidates(index, position, source, offsets)
            calls = _self_calls(func, owner.name if isinstance(owner, ast.ClassDef) else None, candidates)
            if not (len(calls) >= 2 or any(_in_loop(c, func) for c in calls)):
                continue
            kind = "async" if isinstance(func, ast.AsyncFunctionDef) else "method" if isinstance(owner, ast.ClassDef) else "function"
            if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in walk(func)):
                kind = "generator"
            named = [a.name for a in chain if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
            outer: list[ast.AST] = [a for a in chain if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))]
            facts: dict[str, object] = {
                "name": func.name,
                "kind": kind,
                "decorators": tuple(ast.unparse(d) for d in func.decorator_list),
                "impure": tuple(impurities(func, tree, outer)),
                "returns": return_kind(func, fresh_locals(func)),
                "params": _param_facts(func),
            }
            sites.append(Site(
                line=func.lineno, col=func.col_offset, end_line=func.end_lineno or func.lineno,
                function=".".join([*named, func.name]),
                message=f"{func.name}() calls itself {len(calls)} times per call and recomputes subproblems; cache it",
                facts=tuple(sorted(facts.items())),
            ))  # fmt: skip
        return sites

    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None:
        kind = site.fact("kind")
        if kind != "function":
            return {
                "method": "it is a method: the cache would key on self and keep every instance alive",
                "generator": "it is a generator: a cached generator is exhausted after its first use",
                "async": "it is async: caching would share one coroutine between callers",
            }.get(str(kind), f"unsupported function kind {kind}")
        decorators = site.fact("decorators", ())
        if isinstance(decorators, tuple) and decorators:
            return f"already decorated with @{decorators[0]}"
        impure = site.fact("impure", ())
        if isinstance(impure, tuple) and impure:
            return f"not pure: {impure[0]}"
        returns = site.fact("returns")
        if returns == "mutable":
            return "returns a mutable value: every caller would share the cached object"
        if returns != "immutable":
            return "the returned value is not provably immutable (a cached result is shared between callers)"
        seen = evidence.value_types if evidence is not None else {}
        param_facts = site.fact("params", ())
        assert isinstance(param_facts, tuple)
        for name, static in param_facts:
            if reason := _unhashable(name, seen.get(name, static)):
                return reason
        return None

    def rewrite(self, module: cst.Module, site: Site) -> cst.Module:
        name = str(site.fact("name"))
        module, where = cstedit.with_positions(module)
        func = cstedit.find_function(module, where, site.line, name)
        if func.decorators:
            raise RewriteError(f"{name}() is already decorated")
        ref, needs_import = cstedit.module_ref(module, "functools", "cache")
        decorated = func.with_changes(decorators=[cst.Decorator(decorator=ref)])
        module = cstedit.replace(module, func, decorated)
        return cstedit.add_import(module, "functools") if needs_import else module


def _call_candidates(index: StatementIndex, position: int, source: str, offsets: list[int]) -> list[ast.AST]:
    """The nodes of the function at ``position`` that can be a call of it: its header, and the
    statements inside it on the lines where its name is followed by ``(`` (walking the whole
    function for every def whose name occurs twice cost more than the rest of the pattern)."""
    func = index.statements[position]
    assert isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
    end = func.end_lineno or func.lineno
    lines: set[int] = set()
    name, stop = func.name, offsets[end]
    at = source.find(name, offsets[func.lineno - 1], stop)
    while at >= 0:  # str.find rather than a regex: compiling one per function cost more than it saved
        after = at + len(name)
        while after < stop and source[after] in " \t\r\n\\":
            after += 1
        if after < stop and source[after] == "(":
            lines.add(bisect.bisect_right(offsets, at))
        at = source.find(name, at + 1, stop)
    found = own_nodes(func)
    for inner in index.positions_touching(lines):
        if inner > position and index.starts[inner] <= end:
            found += own_nodes(index.statements[inner])
    return found


def _self_calls(func: FunctionNode, cls: str | None, candidates: list[ast.AST]) -> list[ast.Call]:
    """Calls of ``func`` by its own name (or, in a method, through ``self``/``cls``/the class)."""
    first = func.args.posonlyargs[0].arg if func.args.posonlyargs else func.args.args[0].arg if func.args.args else None
    found = []
    for node in candidates:
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        by_name = cls is None and isinstance(f, ast.Name) and f.id == func.name
        by_self = (cls is not None and isinstance(f, ast.Attribute) and f.attr == func.name
                   and isinstance(f.value, ast.Name) and f.value.id in (first, cls))  # fmt: skip
        if by_name or by_self:
            found.append(node)
    return found


def _in_loop(call: ast.Call, func: FunctionNode) -> bool:
    for anc in ancestors(call, parent_map(func)):
        if anc is func:
            return False
        if isinstance(anc, _LOOPS):
            return True
    return False


def _param_facts(func: FunctionNode) -> tuple[tuple[str, Types | None], ...]:
    """Each parameter and the value types its annotation promises (per item for ``*``/``**``);
    a mutable default is recorded as the unhashable type it is."""
    out: list[tuple[str, Types | None]] = []
    defaults = dict(zip([p.arg for p in [*func.args.posonlyargs, *func.args.args]][::-1], func.args.defaults[::-1], strict=False))
    defaults.update({p.arg: d for p, d in zip(func.args.kwonlyargs, func.args.kw_defaults, strict=True) if d is not None})
    for p in params(func):
        value, elems = annotation_types(p.annotation)
        if value is not None and "tuple" in value:  # hashable only when its items are
            value = (value - {"tuple"}) | {_SAFE_TUPLE} if elems is not None and elems <= IMMUTABLE else None
        default = defaults.get(p.arg)
        if isinstance(default, (ast.List, ast.Dict, ast.Set)):
            value = frozenset({type(default).__name__.lower()})
        elif isinstance(default, ast.Call) and isinstance(default.func, ast.Name) and default.func.id in ("list", "dict", "set"):
            value = frozenset({default.func.id})
        out.append((p.arg, value))
    return tuple(out)


def _unhashable(name: str, types: Types | frozenset[str] | None) -> str | None:
    if types is None:
        return f"argument {name!r} is not known to be hashable (no annotation, no runtime evidence)"
    bad = sorted(t for t in types if t not in IMMUTABLE and t != _SAFE_TUPLE)
    if bad == ["tuple"]:
        return f"argument {name!r} is a tuple whose items are not known to be hashable"
    if bad:
        return f"argument {name!r} may be a {bad[0]} (unhashable or mutable): cannot cache on it"
    numeric = [t for t in NUMERIC if t in types]
    if len(numeric) > 1:
        return f"argument {name!r} may be {' or '.join(numeric)}: equal values of different types would share one cache entry"
    return None
