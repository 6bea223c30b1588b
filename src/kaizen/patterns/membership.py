"""Hashability facts shared by the rewrites that swap a list scan for a set or dict lookup.

A set lookup agrees with a list scan only when the elements and the value looked up hash
consistently with ``==`` and are hashable at all. Detection records what it can prove statically;
``refuse`` fills the gaps from runtime evidence (element types of a collection, value types of a
name or expression) and names the gap when neither proves it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from kaizen.patterns import infer
from kaizen.patterns.base import Evidence
from kaizen.patterns.flow import HASHABLE, FunctionFacts
from kaizen.patterns.loops import Loop
from kaizen.patterns.scopes import bindings, params

Kinds = frozenset[str]
# What may go into a set or dict key: hashable, with hashing that agrees with ==.
KEYS = HASHABLE | infer.IMMUTABLE | {infer.SAFE_TUPLE}


@dataclass(frozen=True)
class ProbeFacts:
    """A value looked up in the collection: its source text, its provable types, and the name of
    the collection it is drawn from when it is a loop variable (for element-type evidence). With
    ``item`` it is an item of such an element: ``c[0]``, or ``cid`` in ``for cid, name in rows``."""

    text: str
    kinds: Kinds | None
    source: str = ""
    item: bool = False


def loop_env(ff: FunctionFacts, loop: Loop) -> infer.Env | None:
    """What is known about names inside ``loop``, comprehension variables included."""
    env = ff.env
    for around in reversed(list(loop.chain())):
        if isinstance(around.node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            env = infer.Env(dict(env.values), dict(env.elements))
            for gen in around.node.generators:
                if not isinstance(gen.target, ast.Name):
                    return None
                env.values[gen.target.id] = ff.iter_elements(gen.iter, env)
    return env


def _iterables(node: ast.AST) -> list[tuple[ast.expr, ast.expr]]:
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return [(node.target, node.iter)]
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return [(g.target, g.iter) for g in node.generators]
    return []


# str and bytes methods that return a value of the receiver's own type.
_SAME_TYPE_METHODS = frozenset(
    {"casefold", "lower", "upper", "strip", "lstrip", "rstrip", "title", "capitalize", "swapcase", "replace",
     "removeprefix", "removesuffix", "zfill", "expandtabs"}
)


def kinds_of(expr: ast.expr, env: infer.Env) -> Kinds | None:
    """``infer.expr_types``, also knowing that ``x.lower()`` on a str-or-bytes ``x`` is str-or-bytes."""
    kinds = infer.expr_types(expr, env)
    func = expr.func if isinstance(expr, ast.Call) else None
    if kinds is None and isinstance(func, ast.Attribute) and func.attr in _SAME_TYPE_METHODS:
        receiver = kinds_of(func.value, env)
        return receiver if receiver is not None and receiver <= {"str", "bytes"} else None
    return kinds


def probe_facts(expr: ast.expr, loop: Loop, env: infer.Env | None) -> ProbeFacts:
    kinds = kinds_of(expr, env) if env is not None else None
    var, subscript = _drawn_name(expr)
    source, item = "", subscript
    for around in loop.chain():  # the innermost loop binding ``var`` is the one that counts
        for target, iterable in _iterables(around.node):
            names = target.elts if isinstance(target, ast.Tuple) else [target]
            if source or not any(isinstance(n, ast.Name) and n.id == var for n in names):
                continue
            source = "-"  # bound here, by whatever form
            if isinstance(iterable, ast.Name) and isinstance(target, ast.Name):
                source = iterable.id
            elif isinstance(iterable, ast.Name) and not subscript and all(isinstance(n, ast.Name) for n in names):
                source, item = iterable.id, True
    source = "" if source == "-" else source
    if item:
        kinds, source = _item_facts(kinds, var, source, loop)
        item = bool(source)
    return ProbeFacts(ast.unparse(expr), kinds, source, item)


def _drawn_name(expr: ast.expr) -> tuple[str, bool]:
    """(``c``, False) for ``c``; (``c``, True) for ``c[0]``; ("", False) otherwise."""
    if isinstance(expr, ast.Name):
        return expr.id, False
    if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
        index = expr.slice
        if isinstance(index, ast.Constant) and type(index.value) is int:
            return expr.value.id, True
    return "", False


def _item_facts(kinds: Kinds | None, var: str, source: str, loop: Loop) -> tuple[Kinds | None, str]:
    """An item of an element of parameter ``source``: typed by its annotation, and evidence of its
    elements applies, but only while neither the loop variable nor the parameter is rebound."""
    func = loop.function
    if func is None or not source:
        return kinds, ""
    bound = bindings(func)
    param = next((p for p in params(func) if p.arg == source), None)
    if param is None or bound[source] != 1 or bound[var] > 1:
        return kinds, ""
    return kinds or infer.annotation_items(param.annotation), source


def item_kinds(elements: Kinds | None) -> Kinds | None:
    """The types of ``e[i]`` (or of a name unpacked from ``e``) for elements of types ``elements``."""
    if elements is None:
        return None
    out: set[str] = set()
    for kind in elements:
        if kind == infer.SAFE_TUPLE:
            out |= infer.IMMUTABLE | {infer.SAFE_TUPLE}
        elif kind in ("str", "bytes"):
            out.add("str" if kind == "str" else "int")
        else:
            return None
    return frozenset(out)


def _seen(table: dict[str, Kinds] | None, key: str) -> Kinds | None:
    kinds = table.get(key) if table is not None and key else None
    return kinds or None  # an empty set of seen types proves nothing


def element_refusal(name: str, elements: Kinds | None, evidence: Evidence | None) -> str | None:
    """Why the elements of ``name`` cannot go into a set or dict, or None when they can."""
    kinds = elements if elements is not None else _seen(evidence.element_types if evidence else None, name)
    if kinds is None:
        return "elements may be unhashable: element type unknown"
    if not kinds <= KEYS:
        return f"elements may be unhashable or compare unlike a set: element types {', '.join(sorted(kinds))}"
    return None


def probe_refusal(probe: ProbeFacts, evidence: Evidence | None) -> str | None:
    """Why looking ``probe`` up in a set or dict could differ from a list scan, or None."""
    kinds = probe.kinds
    if kinds is None and evidence is not None:
        kinds = _seen(evidence.value_types, probe.text)
        elements = _seen(evidence.element_types, probe.source)
        kinds = kinds or (item_kinds(elements) if probe.item else elements)
    if kinds is None:
        return f"the value looked up ({probe.text}) may be unhashable: its type is unknown"
    if not kinds <= KEYS:
        return f"the value looked up ({probe.text}) may be unhashable: types {', '.join(sorted(kinds))}"
    return None
