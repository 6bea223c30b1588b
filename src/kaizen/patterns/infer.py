"""A small, sound-by-refusal type inference for builtin values.

The safety checks ask questions like "is every piece appended here a ``str``?" or "can these
elements be floats (NaN)?". The answer is a set of runtime type names (``"int"``, ``"str"``, ...) or
None for "unknown"; unknown always means "not proven", so a refusal follows unless runtime evidence
fills the gap. Only builtin behaviour is modelled; anything else is unknown.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import product

from kaizen.patterns.scopes import FunctionNode, params, walk_scope
from kaizen.patterns.tree import walk

Types = frozenset[str]
NUMERIC = ("bool", "int", "float", "complex")
# The builtin types whose values never change and hash by value (tuples depend on their contents).
IMMUTABLE = frozenset({"bool", "int", "float", "complex", "str", "bytes", "NoneType", "frozenset", "range"})
# A tuple whose items are all immutable builtins, recursively: hashable, and hashing agrees with ==.
SAFE_TUPLE = "tuple[immutable]"

_SIMPLE = {
    "int": {"int"}, "float": {"float", "int"}, "complex": {"complex", "float", "int"},  # PEP 484 promotion
    "str": {"str"}, "Text": {"str"}, "bytes": {"bytes"}, "bool": {"bool"}, "bytearray": {"bytearray"},
    "list": {"list"}, "List": {"list"}, "tuple": {"tuple"}, "Tuple": {"tuple"}, "dict": {"dict"},
    "Dict": {"dict"}, "set": {"set"}, "Set": {"set"}, "frozenset": {"frozenset"},
    "FrozenSet": {"frozenset"}, "None": {"NoneType"},
}
_CONTAINERS = {"list", "List", "set", "Set", "frozenset", "FrozenSet", "Sequence", "Iterable", "Iterator",
               "Collection", "MutableSequence", "AbstractSet", "MutableSet", "Generator", "deque", "Deque"}
_MAPPINGS = {"dict", "Dict", "Mapping", "MutableMapping", "defaultdict", "OrderedDict", "Counter"}
_STR_RESULT = {"str", "repr", "ascii", "chr", "format", "hex", "oct", "bin"}
_INT_RESULT = {"int", "len", "ord", "hash"}
_STR_METHODS_SAME = {  # str/bytes methods returning the receiver's type
    "capitalize", "casefold", "center", "expandtabs", "format", "join", "ljust", "lower", "lstrip",
    "removeprefix", "removesuffix", "replace", "rjust", "rstrip", "strip", "swapcase", "title",
    "upper", "zfill",
}


def union(parts: Iterable[Types | None]) -> Types | None:
    out: set[str] = set()
    for p in parts:
        if p is None:
            return None
        out |= p
    return frozenset(out)


def _name_of(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    return None


def annotation_types(ann: ast.expr | None) -> tuple[Types | None, Types | None]:
    """(value types, element types) that an annotation promises; None where it promises nothing."""
    if ann is None:
        return None, None
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        try:
            return annotation_types(ast.parse(ann.value, mode="eval").body)
        except SyntaxError:
            return None, None
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
        (lv, le), (rv, re_) = annotation_types(ann.left), annotation_types(ann.right)
        return union((lv, rv)), union((le, re_))
    if isinstance(ann, ast.Subscript):
        base = _name_of(ann.value)
        args = list(ann.slice.elts) if isinstance(ann.slice, ast.Tuple) else [ann.slice]
        if base in ("Optional", "Union"):
            pairs = [annotation_types(a) for a in args] + ([({"NoneType"}, None)] if base == "Optional" else [])
            return union(frozenset(v) if v is not None else None for v, _ in pairs), None
        value = frozenset(_SIMPLE[base]) if base in _SIMPLE else None
        if base in ("tuple", "Tuple"):
            elems = [a for a in args if not (isinstance(a, ast.Constant) and a.value is Ellipsis)]
            return value, union(annotation_types(a)[0] for a in elems)
        if base in _CONTAINERS or base in _MAPPINGS:
            return value, annotation_types(args[0])[0]
        return value, None
    name = _name_of(ann)
    return (frozenset(_SIMPLE[name]) if name in _SIMPLE else None), None


def annotation_items(ann: ast.expr | None) -> Types | None:
    """The types of the items of the tuples a collection annotation promises as its elements:
    ``{"int", "str"}`` for ``list[tuple[int, str]]``; a nested tuple of immutable items is
    ``SAFE_TUPLE``. None unless the elements are promised to be tuples."""
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        try:
            return annotation_items(ast.parse(ann.value, mode="eval").body)
        except SyntaxError:
            return None
    if not isinstance(ann, ast.Subscript) or _name_of(ann.value) not in _CONTAINERS:
        return None
    element = ann.slice
    if not isinstance(element, ast.Subscript) or _name_of(element.value) not in ("tuple", "Tuple"):
        return None
    args = list(element.slice.elts) if isinstance(element.slice, ast.Tuple) else [element.slice]
    return union(_item_types(a) for a in args if not (isinstance(a, ast.Constant) and a.value is Ellipsis))


def _item_types(ann: ast.expr) -> Types | None:
    value, elems = annotation_types(ann)
    if value is not None and "tuple" in value:
        return (value - {"tuple"}) | {SAFE_TUPLE} if elems is not None and elems <= IMMUTABLE | {SAFE_TUPLE} else None
    return value


@dataclass
class Env:
    """What is known about names in one scope: the types of their values and of their elements."""

    values: dict[str, Types | None] = field(default_factory=dict)
    elements: dict[str, Types | None] = field(default_factory=dict)


def _binop(op: ast.operator, left: str, right: str) -> str | None:
    pair = {left, right}
    if isinstance(op, ast.Add) and left == right and left in ("str", "list", "tuple"):
        return left
    if isinstance(op, ast.Add) and left == "bytes" and right in ("bytes", "bytearray"):
        return "bytes"
    if isinstance(op, ast.Mod) and left in ("str", "bytes"):
        return left
    if isinstance(op, ast.Mult) and pair <= {"str", "int", "bool"} and "str" in pair and left != right:
        return "str"
    if pair <= set(NUMERIC) and not isinstance(op, (ast.MatMult,)):
        rank = max(NUMERIC.index(left), NUMERIC.index(right), 1)
        if isinstance(op, ast.Div):
            rank = max(rank, 2)
        if isinstance(op, (ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift, ast.RShift)) and rank > 1:
            return None
        return NUMERIC[rank]
    return None


def expr_types(node: ast.expr, env: Env) -> Types | None:
    """The runtime types ``node`` can evaluate to, or None when that is not provable."""
    if isinstance(node, ast.Constant):
        return frozenset({type(node.value).__name__})
    if isinstance(node, ast.JoinedStr):
        return frozenset({"str"})
    if isinstance(node, (ast.List, ast.ListComp)):
        return frozenset({"list"})
    if isinstance(node, ast.Tuple):
        return frozenset({"tuple"})
    if isinstance(node, (ast.Set, ast.SetComp)):
        return frozenset({"set"})
    if isinstance(node, (ast.Dict, ast.DictComp)):
        return frozenset({"dict"})
    if isinstance(node, (ast.Compare,)) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        return frozenset({"bool"})
    if isinstance(node, ast.Name):
        return env.values.get(node.id)
    if isinstance(node, ast.UnaryOp):
        inner = expr_types(node.operand, env)
        return None if inner is None or not inner <= set(NUMERIC) else frozenset(t if t != "bool" else "int" for t in inner)
    if isinstance(node, ast.BinOp):
        left, right = expr_types(node.left, env), expr_types(node.right, env)
        if left is None or right is None:
            return None
        results = [_binop(node.op, a, b) for a, b in product(left, right)]
        return None if None in results else frozenset(r for r in results if r is not None)
    if isinstance(node, ast.IfExp):
        return union((expr_types(node.body, env), expr_types(node.orelse, env)))
    if isinstance(node, ast.BoolOp):
        return union(expr_types(v, env) for v in node.values)
    if isinstance(node, ast.Subscript):
        base = expr_types(node.value, env)
        if base is not None and base <= {"str", "bytes"} and isinstance(node.slice, ast.Slice):
            return base
        if base == frozenset({"str"}):
            return base
        return None
    if isinstance(node, ast.Call):
        return _call_types(node, env)
    return None


def _call_types(node: ast.Call, env: Env) -> Types | None:
    func = node.func
    if isinstance(func, ast.Name) and func.id not in env.values:  # a builtin (callers check shadowing)
        if func.id in _STR_RESULT:
            return frozenset({"str"})
        if func.id in _INT_RESULT:
            return frozenset({"int"})
        if func.id in ("list", "sorted", "tuple", "set", "frozenset", "dict", "bytes", "bytearray", "bool", "float"):
            return frozenset({"list" if func.id == "sorted" else func.id})
        return None
    if isinstance(func, ast.Attribute):
        receiver = expr_types(func.value, env)
        if receiver is not None and receiver <= {"int", "bool"} and func.attr == "to_bytes":
            return frozenset({"bytes"})
        if receiver is not None and len(receiver) == 1 and receiver <= {"str", "bytes"}:
            if func.attr in _STR_METHODS_SAME:
                return receiver
            if func.attr in ("find", "rfind", "index", "rindex", "count"):
                return frozenset({"int"})
            if func.attr in ("startswith", "endswith") or func.attr.startswith("is"):
                return frozenset({"bool"})
            if func.attr == "encode" and receiver == {"str"}:
                return frozenset({"bytes"})
            if func.attr == "decode" and receiver == {"bytes"}:
                return frozenset({"str"})
    return None


def element_types(node: ast.expr, env: Env) -> Types | None:
    """The types of the values that iterating ``node`` yields."""
    if isinstance(node, ast.Name):
        return env.elements.get(node.id)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        if any(isinstance(e, ast.Starred) for e in node.elts):
            return None
        return union(expr_types(e, env) for e in node.elts)
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        inner = scoped_env(env, node.generators)
        return expr_types(node.elt, inner) if inner is not None else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id not in env.values:
        if node.func.id == "range":
            return frozenset({"int"})
        if node.func.id in ("sorted", "list", "tuple", "reversed", "set", "frozenset") and len(node.args) == 1:
            return element_types(node.args[0], env)
    whole = expr_types(node, env)
    if whole == frozenset({"str"}):
        return whole
    if whole is not None and whole <= {"bytes", "bytearray"}:
        return frozenset({"int"})
    return None


def scoped_env(env: Env, generators: list[ast.comprehension]) -> Env | None:
    """The env inside a comprehension: its targets take the element types of their iterables."""
    inner = Env(dict(env.values), dict(env.elements))
    for gen in generators:
        if isinstance(gen.target, ast.Name):
            inner.values[gen.target.id] = element_types(gen.iter, inner)
            continue
        for n in walk(gen.target):  # unpacked targets: their types are not tracked
            if isinstance(n, ast.Name):
                inner.values[n.id] = None
    return inner


def function_env(func: FunctionNode | ast.Module, extra: Env | None = None) -> Env:
    """Types of a function's parameters (annotations, then ``extra``) and of its locals, found by
    iterating the assignments to a fixed point; a name with any unknown assignment is unknown.
    Given a module, the same for its global names."""
    env = Env()
    for p in params(func) if not isinstance(func, ast.Module) else []:
        assert not isinstance(func, ast.Module)
        value, elems = annotation_types(p.annotation)
        if p is func.args.vararg:
            value, elems = frozenset({"tuple"}), value
        elif p is func.args.kwarg:
            value, elems = frozenset({"dict"}), frozenset({"str"})
        env.values[p.arg], env.elements[p.arg] = value, elems
    if extra is not None:
        env.values.update({k: v for k, v in extra.values.items() if v is not None})
        env.elements.update({k: v for k, v in extra.elements.items() if v is not None})
    sources: dict[str, list[tuple[str, ast.AST]]] = {}
    for node in walk_scope(func):
        kind = type(node)
        if kind not in _BINDERS or (kind is ast.Name and type(node.ctx) is not ast.Del):  # type: ignore[attr-defined]
            continue  # most nodes bind nothing: skip them before making a generator
        for name, how, source in _assignments(node):
            sources.setdefault(name, []).append((how, source))
    for name, srcs in sources.items():  # an annotated local promises its elements like a parameter
        promised = [annotation_types(a)[1] for kind, a in srcs if kind == "annotation" and isinstance(a, ast.expr)]
        if promised and name not in env.elements and all(p == promised[0] for p in promised):
            env.elements[name] = promised[0]
    initial = dict(env.values)  # a parameter's own promise is one more source of its types
    for name in sources:
        env.values.setdefault(name, frozenset())  # bottom: nothing seen yet
    for _ in range(8):  # monotone growth over a finite lattice: a few rounds settle it
        changed = False
        for name, srcs in sources.items():
            parts = [initial[name]] if name in initial else []
            new = union([*parts, *(_source_types(kind, value, env) for kind, value in srcs)])
            if new != env.values.get(name):
                env.values[name], changed = new, True
        if not changed:
            break
    for name in sources:
        if env.values.get(name) == frozenset():
            env.values[name] = None
    return env


def _source_types(kind: str, value: ast.AST, env: Env) -> Types | None:
    if kind == "value" and isinstance(value, ast.expr):
        return expr_types(value, env)
    if kind == "element" and isinstance(value, ast.expr):
        return element_types(value, env)
    if kind == "annotation" and isinstance(value, ast.expr):
        return annotation_types(value)[0]
    return None


# The node types ``_assignments`` finds bindings in (a Name only when deleted).
_BINDERS = frozenset(
    {ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.NamedExpr, ast.With, ast.AsyncWith,
     ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler, ast.Name}
)


def _assignments(node: ast.AST) -> Iterable[tuple[str, str, ast.AST]]:
    """(name, kind, source) for each simple binding a statement makes."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Name):
                yield target.id, "value", node.value
            else:
                yield from ((n.id, "unknown", node) for n in walk(target) if isinstance(n, ast.Name))
    elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        yield node.target.id, "annotation", node.annotation
        if node.value is not None:
            yield node.target.id, "value", node.value
    elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        yield node.target.id, "value", ast.BinOp(ast.Name(node.target.id, ast.Load()), node.op, node.value)
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        if isinstance(node.target, ast.Name) and isinstance(node, ast.For):
            yield node.target.id, "element", node.iter
        else:
            yield from ((n.id, "unknown", node) for n in walk(node.target) if isinstance(n, ast.Name))
    elif isinstance(node, ast.NamedExpr):
        yield node.target.id, "value", node.value
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if item.optional_vars is not None:
                yield from ((n.id, "unknown", node) for n in walk(item.optional_vars) if isinstance(n, ast.Name))
    elif isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names = [(a.asname or a.name).split(".")[0] for a in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) else [node.name]
        yield from ((n, "unknown", node) for n in names)
    elif isinstance(node, ast.ExceptHandler) and node.name:
        yield node.name, "unknown", node
    elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Del):
        yield node.id, "unknown", node
