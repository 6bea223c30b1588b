"""Is a function pure enough to cache? A conservative reading of its body on ``ast``.

It answers two questions for the recursion-cache safety check: what in the body could make a
cached call behave differently from a real one (side effects, reads of state that can change,
identity tests), and whether the value it returns can be shared safely between callers.
Everything not known to be harmless is reported; the caller turns that into a refusal.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Iterator

from kaizen.patterns.scopes import FunctionNode, bindings, declared, params, walk_scope
from kaizen.patterns.tree import children, walk

PURE_BUILTINS = frozenset({
    "abs", "all", "any", "ascii", "bin", "bool", "bytes", "callable", "chr", "complex", "dict",
    "divmod", "enumerate", "filter", "float", "format", "frozenset", "hash", "hex", "int",
    "isinstance", "issubclass", "len", "list", "map", "max", "min", "oct", "ord", "pow", "range",
    "repr", "reversed", "round", "set", "slice", "sorted", "str", "sum", "tuple", "type", "zip",
})  # fmt: skip
EXCEPTIONS = frozenset(n for n in dir(builtins) if isinstance(getattr(builtins, n), type)
                       and issubclass(getattr(builtins, n), BaseException))  # fmt: skip
IO_BUILTINS = frozenset({"print", "open", "input", "exec", "eval", "breakpoint", "exit", "quit"})
PURE_MODULES = frozenset({"math", "cmath"})
MUTATING = frozenset({
    "append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse", "add", "discard",
    "update", "setdefault", "popitem", "difference_update", "intersection_update",
    "symmetric_difference_update", "appendleft", "popleft", "extendleft", "rotate",
})  # fmt: skip
PURE_METHODS = frozenset({  # methods of str/bytes/int/tuple/frozenset, and read-only dict/list ones
    "capitalize", "casefold", "center", "count", "decode", "encode", "endswith", "expandtabs",
    "find", "format", "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit",
    "isidentifier", "islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join",
    "ljust", "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind",
    "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith",
    "strip", "swapcase", "title", "translate", "upper", "zfill", "bit_length", "bit_count",
    "to_bytes", "conjugate", "as_integer_ratio", "is_integer", "get", "keys", "values", "items",
    "copy", "union", "intersection", "difference", "symmetric_difference", "issubset",
    "issuperset", "isdisjoint",
})  # fmt: skip
_FRESH_CALLS = frozenset({"list", "dict", "set", "sorted", "bytearray"})
_IMMUTABLE_CALLS = frozenset({
    "abs", "ascii", "bin", "bool", "bytes", "chr", "complex", "divmod", "float", "format",
    "frozenset", "hash", "hex", "int", "isinstance", "len", "oct", "ord", "pow", "repr", "round",
    "str", "type",
})  # fmt: skip
_ELEMENT_CALLS = frozenset({"min", "max", "sum", "tuple"})  # immutable when their elements are


def _scoped(node: ast.AST, bound: frozenset[str]) -> Iterator[tuple[ast.AST, frozenset[str]]]:
    """Walk ``node`` with the names bound by the lambdas and comprehensions around each node."""
    yield node, bound
    if isinstance(node, ast.Lambda):
        inner = bound | {p.arg for p in params(node)}
        yield from _scoped(node.body, inner)
        for d in (*node.args.defaults, *node.args.kw_defaults):
            if d is not None:
                yield from _scoped(d, bound)
        return
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        inner = bound | {n.id for g in node.generators for n in walk(g.target) if isinstance(n, ast.Name)}
        for child in children(node):
            yield from _scoped(child, inner)
        return
    for child in children(node):
        yield from _scoped(child, bound)


def _root(node: ast.expr) -> ast.expr:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node


def fresh_locals(func: FunctionNode) -> set[str]:
    """Local names bound only to containers made inside the call: mutating them is private."""
    kinds: dict[str, bool] = {}
    for node in walk_scope(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value = node.targets[0].id, node.value
            fresh = isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)) or (
                isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _FRESH_CALLS
            )
            kinds[name] = kinds.get(name, True) and fresh
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            kinds.setdefault(node.id, False)
    for node in walk_scope(func):  # any other binding (for/with/augmented) spoils it
        if isinstance(node, (ast.For, ast.With, ast.AugAssign, ast.NamedExpr, ast.AnnAssign)):
            for n in walk(node.target if not isinstance(node, ast.With) else node):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                    kinds[n.id] = False
    own_params = {p.arg for p in params(func)}
    return {n for n, fresh in kinds.items() if fresh and n not in own_params}


def impurities(func: FunctionNode, tree: ast.Module, outer: list[ast.AST]) -> list[str]:
    """Why calling ``func`` twice with equal arguments might not be the same as calling it once.

    ``outer`` are the enclosing function scopes (their names are closure variables)."""
    reasons: list[str] = []
    local = set(bindings(func))
    own_params = {p.arg for p in params(func)}
    fresh = fresh_locals(func)
    module_names = bindings(tree)
    mutated_globals = declared(tree, ast.Global)
    closure = {n for scope in outer if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) for n in bindings(scope)}

    def note(reason: str) -> None:
        if reason not in reasons:
            reasons.append(reason)

    def owner(expr: ast.expr) -> str:
        root = _root(expr)
        if isinstance(root, ast.Name) and root.id in fresh:
            return ""
        if isinstance(root, ast.Name) and root.id in own_params:
            return f"argument {root.id!r}"
        return ast.unparse(root)

    for stmt in func.body:
        for node, bound in _scoped(stmt, frozenset()):
            if isinstance(node, (ast.Global, ast.Nonlocal)):
                note(f"declares {'global' if isinstance(node, ast.Global) else 'nonlocal'} {', '.join(node.names)}")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                note(f"defines {node.name!r} inside (its behaviour is not checked)")
            elif isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
                if who := owner(node):
                    note(f"changes {who} ({ast.unparse(node)})")
            elif isinstance(node, ast.Compare) and any(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
                operands = [node.left, *node.comparators]
                if not any(isinstance(o, ast.Constant) and o.value is None for o in operands):
                    note("compares identities with 'is' (a cached result is the same object every time)")
            elif isinstance(node, ast.Call):
                _check_call(node, func.name, local | bound, note, owner)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in local | bound:
                _check_free(node.id, func.name, closure, module_names, mutated_globals, tree, note)
    return reasons


Note = Callable[[str], None]


def _check_call(node: ast.Call, self_name: str, local: set[str] | frozenset[str],
                note: Note, owner: Callable[[ast.expr], str]) -> None:
    func = node.func
    if isinstance(func, ast.Name):
        if func.id in local and func.id != self_name:
            note(f"calls {func.id!r}, a local whose behaviour is unknown")
        return  # free names (builtins, globals) are judged where they are read
    if isinstance(func, ast.Attribute):
        base = _root(func.value)
        if isinstance(base, ast.Name) and base.id in PURE_MODULES and base.id not in local:
            return
        if func.attr in MUTATING:
            if who := owner(func.value):
                note(f"changes {who} ({ast.unparse(func)}())")
        elif func.attr not in PURE_METHODS:
            note(f"calls .{func.attr}(), which may have side effects")
        return
    note(f"calls {ast.unparse(func)}, whose behaviour is unknown")


def _check_free(name: str, self_name: str, closure: set[str], module_names: dict[str, int],
                mutated_globals: set[str], tree: ast.Module, note: Note) -> None:
    if name == self_name:
        return
    if name in closure:
        note(f"reads closure variable {name!r} (it may change between calls)")
    elif name in module_names:
        if any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and s.name == name for s in tree.body):
            note(f"uses {name!r}, whose purity is not checked")
        elif name in mutated_globals or module_names[name] != 1 or not _constant_global(name, tree):
            note(f"reads global {name!r}, which may change or have side effects")
    elif name in IO_BUILTINS:
        note(f"does I/O or runs code ({name})")
    elif name not in PURE_BUILTINS and name not in EXCEPTIONS:
        note(f"uses builtin {name!r}, which is not known to be pure")


def _constant_global(name: str, tree: ast.Module) -> bool:
    """Bound once at module level to a constant expression, or an import of a pure module."""
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            assert isinstance(stmt, (ast.Assign, ast.AnnAssign))
            return stmt.value is not None and all(isinstance(n, (ast.Constant, ast.BinOp, ast.UnaryOp, ast.Tuple, ast.operator, ast.unaryop, ast.Load))
                       for n in walk(stmt.value))  # fmt: skip
        if isinstance(stmt, ast.Import):
            return any((a.asname or a.name) == name and a.name in PURE_MODULES for a in stmt.names)
    return False


def return_kind(func: FunctionNode, fresh: set[str]) -> str:
    """"immutable", "mutable" or "unknown" for the values ``func`` returns, assuming its
    arguments are immutable (the safety check proves that separately)."""
    own_params = {p.arg for p in params(func)}
    assigned: dict[str, list[tuple[str, ast.expr]]] = {}
    for node in walk_scope(func):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    assigned.setdefault(t.id, []).append(("value", node.value))
                else:
                    for n in walk(t):
                        if isinstance(n, ast.Name):
                            assigned.setdefault(n.id, []).append(("unknown", node.value))
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            assigned.setdefault(node.target.id, []).append(("value", ast.BinOp(node.target, node.op, node.value)))
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Name):
            assigned.setdefault(node.target.id, []).append(("element", node.iter))
    kinds = {name: "immutable" for name in assigned}  # optimistic start, then settle
    for name in own_params:
        kinds[name] = "immutable"
    judge = _ValueKinds(func.name, kinds, fresh)
    for _ in range(6):
        before = dict(kinds)
        for name, sources in assigned.items():
            if name in own_params:
                continue
            parts = [judge.kind(v, {}) if how == "value" else judge.element(v, {}) if how == "element" else "unknown" for how, v in sources]
            kinds[name] = _worst(parts)
        if kinds == before:
            break
    returns = [n.value for n in walk_scope(func) if isinstance(n, ast.Return) and n.value is not None]
    return _worst([judge.kind(r, {}) for r in returns])


_RANK = {"immutable": 0, "unknown": 1, "mutable": 2}


def _worst(items: list[str]) -> str:
    return max(items, key=_RANK.__getitem__, default="immutable")


class _ValueKinds:
    """Whether an expression's value is immutable, given what the function's names hold. (Methods,
    not closures: closures that call each other form reference cycles, which the scan's workers
    never collect.)"""

    def __init__(self, name: str, kinds: dict[str, str], fresh: set[str]) -> None:
        self.name = name  # the function's own name: its recursive calls return what it returns
        self.kinds = kinds
        self.fresh = fresh

    def kind(self, e: ast.expr, extra: dict[str, str]) -> str:
        if isinstance(e, (ast.Constant, ast.JoinedStr, ast.Compare)):
            return "immutable"
        if isinstance(e, ast.Name):
            return extra.get(e.id) or self.kinds.get(e.id) or ("immutable" if e.id not in self.fresh else "mutable")
        if isinstance(e, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp, ast.Lambda)):
            return "mutable" if not isinstance(e, ast.Lambda) else "unknown"
        if isinstance(e, (ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.IfExp, ast.Tuple)):
            return _worst([self.kind(c, extra) for c in children(e) if isinstance(c, ast.expr)])
        if isinstance(e, ast.Subscript):
            return "immutable" if self.kind(e.value, extra) == "immutable" else "unknown"
        if isinstance(e, ast.Call):
            f = e.func
            if isinstance(f, ast.Name) and f.id == self.name:
                return "immutable"
            if isinstance(f, ast.Name) and f.id in _IMMUTABLE_CALLS:
                return "immutable"
            if isinstance(f, ast.Name) and f.id in _ELEMENT_CALLS:
                return _worst([self.element(a, extra) for a in e.args])
            if isinstance(f, ast.Attribute) and f.attr in PURE_METHODS and f.attr not in ("copy", "keys", "values", "items"):
                return "immutable" if self.kind(f.value, extra) == "immutable" else "unknown"
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in PURE_MODULES:
                return "immutable"
            return "mutable" if isinstance(f, ast.Name) and f.id in _FRESH_CALLS else "unknown"
        return "unknown"

    def element(self, e: ast.expr, extra: dict[str, str]) -> str:
        if isinstance(e, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            inner = dict(extra)
            for g in e.generators:
                for n in walk(g.target):
                    if isinstance(n, ast.Name):
                        inner[n.id] = self.element(g.iter, inner)
            return self.kind(e.elt, inner)
        if isinstance(e, (ast.List, ast.Tuple, ast.Set)):
            return _worst([self.kind(x, extra) for x in e.elts])
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id == "range":
            return "immutable"
        return "immutable" if self.kind(e, extra) == "immutable" else "unknown"
