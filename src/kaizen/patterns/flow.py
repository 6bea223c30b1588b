"""Can a collection change while a loop runs? The static half of the hoisting patterns' safety checks.

A value computed once before a loop stands in for one computed on every iteration only if nothing
in the loop can change what it was computed from. This module classifies each use of a name inside
a loop (a membership probe, a read, an append, a mutation, an escape into unknown code) and tells
whether the name is *owned*: a local bound only to fresh builtin collections that never leaves the
function, so that no call made in the loop can reach it. For a name that is not owned (a parameter,
a global, an attribute), every call in the loop that kaizen cannot vouch for is a hazard; runtime
evidence may vouch for the receivers of those calls later (see ``Stability.blocker``).

Assumption, stated once: the dunder methods of builtin values (``__eq__``, ``__hash__``, ``__len__``)
do not mutate unrelated lists. Everything else is checked.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cached_property

from kaizen.patterns import infer
from kaizen.patterns.base import Evidence, Site
from kaizen.patterns.loops import FunctionNode, Loop
from kaizen.patterns.module_constants import IMMUTABLE, module_constant
from kaizen.patterns.scopes import (
    bindings,
    declared,
    memo,
    params,
    parent_map,
    statement_index,
    walk_scope,
)
from kaizen.patterns.tree import walk

# Builtins that neither mutate their arguments nor call user code given plain arguments.
SAFE_BUILTINS = frozenset(
    {
        "abs", "all", "any", "bool", "bytes", "chr", "dict", "divmod", "enumerate", "float", "format",
        "frozenset", "hash", "id", "int", "isinstance", "issubclass", "iter", "len", "list", "max",
        "min", "ord", "print", "range", "repr", "reversed", "round", "set", "sorted", "str", "sum",
        "tuple", "type", "zip",
    }
)
# Builtin value types whose methods run no user code (beyond their elements' dunders).
BUILTIN_KINDS = frozenset(
    {"str", "bytes", "int", "float", "bool", "complex", "NoneType", "list", "tuple", "dict", "set", "frozenset", "range"}
)
# Values that hash by value and compare equal only to builtin values (set/dict lookups agree with ==).
HASHABLE = frozenset({"str", "bytes", "int", "float", "bool", "complex", "NoneType"})
READ_METHODS = frozenset({"index", "count", "copy"})
_NOT_SEQUENCE_METHODS = frozenset(
    {"add", "discard", "get", "items", "keys", "values", "setdefault", "update", "popitem", "union",
     "intersection", "difference", "symmetric_difference", "issubset", "issuperset", "isdisjoint",
     "startswith", "endswith", "find", "split", "strip", "lower", "upper", "replace", "encode", "decode"}
)
# Calls whose result is a fresh list or tuple nobody else holds.
_FRESH_CALLS = frozenset({"list", "sorted", "tuple"})
_FRESH_METHODS = frozenset({"split", "rsplit", "splitlines", "copy"})


@dataclass(frozen=True)
class Use:
    kind: str  # "probe", "read", "append", "mutate", "escape", "rebind"
    node: ast.Name
    what: str  # for messages: "items.remove() at line 9"


def describe(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."


def classify(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> Use:
    """What a loop does with one occurrence of a name."""
    line = f"line {name.lineno}"
    if not isinstance(name.ctx, ast.Load):
        return Use("rebind", name, f"{name.id} is rebound at {line}")
    parent = parents.get(name)
    if isinstance(parent, ast.Compare) and name in parent.comparators:
        op = parent.ops[parent.comparators.index(name)]
        return Use("probe" if isinstance(op, (ast.In, ast.NotIn)) else "read", name, line)
    if isinstance(parent, (ast.Compare, ast.BoolOp, ast.If, ast.While, ast.IfExp, ast.Return)):
        # (returning ends the function, so no code it runs afterwards can be inside the loop)
        return Use("read", name, line)
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return Use("read", name, line)
    if isinstance(parent, (ast.Tuple, ast.List)) and isinstance(parents.get(parent), ast.Return):
        return Use("read", name, line)  # `return items, n`: handed over as the function ends
    if isinstance(parent, ast.Subscript) and parent.value is name:
        kind = "read" if isinstance(parent.ctx, ast.Load) else "mutate"
        return Use(kind, name, f"{describe(parent)} at {line}")
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is name:
        return Use("read", name, line)
    if isinstance(parent, ast.comprehension) and name in parent.ifs:
        return Use("read", name, line)
    if isinstance(parent, ast.Attribute) and parent.value is name:
        call = parents.get(parent)
        called = isinstance(call, ast.Call) and call.func is parent
        if called and parent.attr in READ_METHODS:
            return Use("read", name, line)
        if called and parent.attr == "append":
            return Use("append", name, f"{name.id}.append() at {line}")
        return Use("mutate", name, f"{name.id}.{parent.attr}{'()' if called else ''} at {line}")
    if isinstance(parent, ast.Call) and name in parent.args and _called_name(parent) in SAFE_BUILTINS:
        return Use("read", name, line)
    what = f"{describe(parent)} at {line}" if parent is not None else line
    return Use("escape", name, what)


def _called_name(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else ""


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def uses_in(loop: Loop, name: str, ignore: Collection[ast.AST] = ()) -> list[Use]:
    """How ``loop`` uses ``name``, occurrence by occurrence (``ignore``: nodes the caller vouches for)."""
    parents = loop.parents()
    return [classify(n, parents) for n in loop.of_kind(ast.Name) if n.id == name and n not in ignore]


class FunctionFacts:
    """Facts about one function, each computed on first use and shared by every site in it (and,
    through ``function_facts``, by every pattern looking at the same module)."""

    def __init__(self, func: FunctionNode, tree: ast.Module) -> None:
        self.func = func
        self.tree = tree

    @cached_property
    def env(self) -> infer.Env:
        env = infer.function_env(self.func)
        self.__dict__["env"] = env  # visible to the element lookups below, which read self.env
        for node in self.own_scope:  # loop variables take the element types of what they iterate
            if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and self.bound[node.target.id] == 1:
                kinds = self.iter_elements(node.iter, env)
                if kinds is not None and env.values.get(node.target.id) is None:
                    env.values[node.target.id] = kinds
        return env

    @cached_property
    def params(self) -> set[str]:
        return {p.arg for p in params(self.func)}

    @cached_property
    def bound(self) -> Counter[str]:
        return bindings(self.func)

    @cached_property
    def declared(self) -> set[str]:
        return declared(self.func, ast.Global) | declared(self.func, ast.Nonlocal)

    @cached_property
    def parents(self) -> dict[ast.AST, ast.AST]:
        return parent_map(self.func)

    @cached_property
    def names(self) -> dict[str, list[ast.Name]]:
        found: dict[str, list[ast.Name]] = {}
        for node in self.parents:
            if isinstance(node, ast.Name):
                found.setdefault(node.id, []).append(node)
        return found

    @cached_property
    def own_scope(self) -> set[ast.AST]:
        return set(walk_scope(self.func))

    def iter_elements(self, iterable: ast.expr, env: infer.Env) -> frozenset[str] | None:
        """What iterating ``iterable`` yields, local lists included."""
        kinds = elements_of(iterable, env)
        if kinds is None and isinstance(iterable, ast.Name):
            kinds = self.elements(iterable.id)
        return kinds

    def is_global(self, name: str) -> bool:
        """Read here but bound neither here nor in an enclosing function: a module-level name."""
        if name in self.bound or name in self.params or name in self.declared:
            return False
        return not any(name in bindings(f) for f in enclosing_functions(self.tree, self.func))

    def unchangeable(self, name: str) -> bool:
        """Holds a value that cannot change in place and is never rebound behind the loop's back:
        an immutable local, or a frozen module constant."""
        if self.is_global(name):
            constant = module_constant(self.tree, name)
            return constant is not None and constant.frozen
        kinds = self.sequence_kinds(name)
        return name not in self.declared and kinds is not None and kinds <= IMMUTABLE

    def not_a_sequence(self, name: str) -> bool:
        """The function calls a method on ``name`` that lists and tuples do not have (``.get``,
        ``.add``, ``.items`` ...): it is a mapping, a set or some other object, not a list."""
        for node in self.names.get(name, ()):
            parent = self.parents.get(node)
            if isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in _NOT_SEQUENCE_METHODS:
                return True
        return False

    def shadowed(self, builtin: str) -> bool:
        return builtin in self.bound or builtin in module_bindings(self.tree)

    def owned(self, name: str) -> bool:
        """A local bound only to fresh lists/tuples, never passed to unknown code or captured."""
        if name in self.params or name in self.declared or name not in self.bound:
            return False
        for node in self.names.get(name, ()):
            if node not in self.own_scope:
                return False  # read or bound by a nested function: a closure can change it
            if isinstance(node.ctx, ast.Store):
                assign = self.parents.get(node)
                if not (isinstance(assign, ast.Assign) and assign.targets == [node] and _fresh(assign.value)):
                    return False
            elif classify(node, self.parents).kind in ("escape", "rebind"):
                return False
        return True

    def sequence_kinds(self, name: str) -> frozenset[str] | None:
        """``{"list"}`` or ``{"tuple"}`` for a name provably holding one, from its assignments."""
        known = self.env.values.get(name)
        if known is None and self.is_global(name):
            constant = module_constant(self.tree, name)
            return constant.kinds if constant is not None else None
        if known is not None or not self.owned(name):
            return known
        kinds: set[str] = set()
        for node in self.names.get(name, ()):
            assign = self.parents.get(node)
            if isinstance(node.ctx, ast.Store) and isinstance(assign, ast.Assign):
                kind = _fresh_kind(assign.value)
                if kind is None:
                    return None
                kinds.add(kind)
        return frozenset(kinds) or None

    def elements(self, name: str) -> frozenset[str] | None:
        """The types of everything ``name`` can hold: for a local list what it was built from and
        what is appended or inserted anywhere in the function; for a parameter what its annotation
        promises; for a frozen module constant its literal elements. None when not provable."""
        if self.is_global(name):
            constant = module_constant(self.tree, name)
            return constant.elements if constant is not None and constant.frozen else None
        if name in self.params and name not in self.declared and self.bound[name] == 1:
            return self.env.elements.get(name)
        if name in self.params or name in self.declared or not self.owned(name):
            return None
        found: list[frozenset[str] | None] = []
        for node in self.names.get(name, ()):
            parent = self.parents.get(node)
            if isinstance(node.ctx, ast.Store) and isinstance(parent, ast.Assign):
                found.append(elements_of(parent.value, self.env))
            elif isinstance(parent, ast.Attribute) and parent.attr in ("append", "insert", "extend"):
                call = self.parents.get(parent)
                if isinstance(call, ast.Call) and call.args:
                    arg = call.args[-1]
                    found.append(
                        elements_of(arg, self.env) if parent.attr == "extend" else infer.expr_types(arg, self.env)
                    )
            elif isinstance(parent, ast.Subscript) and not isinstance(parent.ctx, ast.Load):
                found.append(None)
        return infer.union(found)

    def bound_before(self, loop: Loop, name: str) -> bool:
        """True when ``name`` certainly has a value when the statement holding ``loop`` starts."""
        if any(isinstance(n.ctx, ast.Del) for n in self.names.get(name, ())):
            return False
        if name in self.params:
            return True
        if name not in self.bound and name not in self.declared:
            return name in module_bindings(self.tree)
        for block, index in loop.path:
            for stmt in block[:index]:
                if isinstance(stmt, ast.Assign) and any(_is_name(t, name) for t in stmt.targets):
                    return True
                if isinstance(stmt, ast.AnnAssign) and stmt.value is not None and _is_name(stmt.target, name):
                    return True
        return False


def _fresh(value: ast.expr) -> bool:
    return _fresh_kind(value) is not None


def _fresh_kind(value: ast.expr) -> str | None:
    """"list" or "tuple" when ``value`` builds a new one that nobody else holds."""
    if isinstance(value, (ast.List, ast.ListComp)):
        return "list"
    if isinstance(value, ast.Tuple):
        return "tuple"
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Name) and func.id in _FRESH_CALLS:
            return "tuple" if func.id == "tuple" else "list"
        if isinstance(func, ast.Attribute) and func.attr in _FRESH_METHODS:
            return "list" if func.attr != "copy" else None
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        left, right = _fresh_kind(value.left), _fresh_kind(value.right)
        return left if left == right else None
    return None


def elements_of(value: ast.expr, env: infer.Env) -> frozenset[str] | None:
    """``infer.element_types``, plus one assumption: ``.split()``, ``.rsplit()`` and
    ``.splitlines()`` give str or bytes pieces whatever the receiver (a bytearray would not)."""
    func = value.func if isinstance(value, ast.Call) else None
    if isinstance(func, ast.Attribute) and func.attr in ("split", "rsplit", "splitlines"):
        receiver = infer.expr_types(func.value, env)
        return receiver if receiver is not None and receiver <= {"str", "bytes"} else frozenset({"str", "bytes"})
    return infer.element_types(value, env)


_module: tuple[ast.Module, Counter[str]] | None = None


def module_binding_counts(tree: ast.Module) -> Counter[str]:
    """How often each name is bound at module level (cached for the last module)."""
    global _module
    if _module is None or _module[0] is not tree:
        _module = (tree, bindings(tree))
    return _module[1]


def module_bindings(tree: ast.Module) -> frozenset[str]:
    """Names bound at module level."""
    return frozenset(module_binding_counts(tree))


@dataclass(frozen=True)
class Stability:
    """Whether a name keeps its value and contents while a loop runs, as facts for ``refuse``."""

    name: str
    blocker: str | None  # a hazard no runtime evidence can lift
    calls: tuple[tuple[str, str], ...]  # unvouched calls in the loop: (text, receiver name or "")

    def refusal(self, evidence: Evidence | None) -> str | None:
        if self.blocker is not None:
            return self.blocker
        for text, receiver in self.calls:
            kinds = evidence.value_types.get(receiver) if evidence and receiver else None
            if kinds is None or not kinds <= BUILTIN_KINDS:
                return f"the call {text} in the loop may change {self.name}"
        return None

    def as_facts(self) -> tuple[tuple[str, object], ...]:
        return (("stable_blocker", self.blocker), ("stable_calls", self.calls))

    @classmethod
    def from_site(cls, name: str, site: Site) -> Stability:
        """The facts ``as_facts`` stored on a site, back as a ``Stability``."""
        blocker = site.fact("stable_blocker")
        calls = site.fact("stable_calls", ())
        return cls(name, blocker if isinstance(blocker, str) else None, calls if isinstance(calls, tuple) else ())


def loop_refusal(site: Site, name: str, evidence: Evidence | None) -> str | None:
    """What every loop pattern's ``refuse`` checks first: a hazard the detector found, then whether
    ``name`` keeps its value and contents through the loop."""
    blocker = site.fact("blocker")
    if isinstance(blocker, str):
        return blocker
    return Stability.from_site(name, site).refusal(evidence)


def kinds_refusal(site: Site, fact: str, name: str, evidence: Evidence | None, allowed: frozenset[str],
                  unknown: str, not_always: str) -> str | None:  # fmt: skip
    """Whether ``name`` is provably one of the ``allowed`` kinds, from the source (``fact``) or from
    the value types seen at run time; the refusal in words when it is not."""
    kinds = site.fact(fact) or (evidence.value_types.get(name) if evidence else None)
    if not kinds:
        return unknown
    assert isinstance(kinds, frozenset)
    if not kinds <= allowed:
        return f"{not_always} (seen: {', '.join(sorted(kinds))})"
    return None


def stability(
    facts: FunctionFacts, loop: Loop, name: str, allow: Iterable[str] = ("probe", "read"), ignore: Collection[ast.AST] = ()
) -> Stability:
    """Does ``name`` stay the same object with the same contents through every iteration of
    ``loop``? ``allow`` lists the kinds of use the caller's rewrite handles itself."""
    allowed = set(allow)
    unchangeable = facts.unchangeable(name)
    for use in uses_in(loop, name, ignore):
        if use.kind in allowed or (unchangeable and use.kind != "rebind"):
            continue
        if use.kind == "rebind":
            return Stability(name, use.what, ())
        if use.kind in ("mutate", "append"):
            return Stability(name, f"{name} is changed in the loop ({use.what})", ())
        return Stability(name, f"{name} is passed to {use.what} in the loop, which may change it", ())
    if unchangeable or facts.owned(name):
        return Stability(name, None, ())
    for node in loop.repeated():
        if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Await)):
            what = describe(node).strip("()")
            return Stability(name, f"the loop suspends ({what}); other code may change {name} meanwhile", ())
    unvouched: list[tuple[str, str]] = []
    for node in loop.of_kind(ast.Call):
        if not _harmless(node, facts, name):
            func = node.func
            receiver = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            unvouched.append((f"{describe(func)}()", receiver))
    return Stability(name, None, tuple(dict.fromkeys(unvouched)))


def _harmless(call: ast.Call, facts: FunctionFacts, subject: str) -> bool:
    """A call that cannot run code which reaches a list it is not given (or only reads ``subject``)."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == subject:
        return func.attr in READ_METHODS or func.attr == "append"  # the caller rewrites or mirrors these
    if any(k.arg == "key" and not _plain_key(k.value) for k in call.keywords):
        return False
    if isinstance(func, ast.Name):
        return func.id in SAFE_BUILTINS and not facts.shadowed(func.id)
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Constant):
            return True  # a method of a str/bytes literal: ", ".join(...)
        kinds = infer.expr_types(func.value, facts.env)
        return kinds is not None and kinds <= BUILTIN_KINDS
    return False


def _plain_key(key: ast.expr) -> bool:
    """A ``key=`` function kaizen can see into: a call-free lambda, a safe builtin, ``str.lower``."""
    if isinstance(key, ast.Lambda):
        return not any(isinstance(n, ast.Call) for n in walk(key.body))
    if isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name):
        return key.value.id in ("str", "bytes")
    return isinstance(key, ast.Name) and key.id in SAFE_BUILTINS


def enclosing_functions(tree: ast.Module, func: FunctionNode) -> tuple[FunctionNode, ...]:
    """The functions ``func`` is nested in, outermost first (class bodies do not count: their names
    are not visible inside methods)."""
    return memo("enclosing", func, lambda: _enclosing(tree, func))


def _enclosing(tree: ast.Module, func: FunctionNode) -> tuple[FunctionNode, ...]:
    index = statement_index(tree)
    position = index.position(func)
    if position is None:
        return ()
    return tuple(c for c in index.chain(position) if isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef)))


_facts: tuple[ast.Module, dict[FunctionNode, FunctionFacts]] | None = None


def function_facts(func: FunctionNode, tree: ast.Module) -> FunctionFacts:
    """The ``FunctionFacts`` of ``func``, shared by all patterns scanning the same module."""
    global _facts
    if _facts is None or _facts[0] is not tree:
        _facts = (tree, {})
    found = _facts[1].get(func)
    if found is None:
        found = _facts[1][func] = FunctionFacts(func, tree)
    return found


def hoist_target(
    loop: Loop, names: Iterable[str], allow: Iterable[str] = ("probe", "read"), ignore: Collection[ast.AST] = ()
) -> Loop:
    """The outermost loop around ``loop`` (itself included) through which every name in ``names``
    is used only in the ``allow``-ed ways, so a value computed from them can be built once before
    it. When ``loop`` itself changes one, ``loop`` is returned and ``stability`` says why."""
    allowed, names = set(allow), list(names)
    target = loop
    for candidate in loop.chain():
        if candidate.lazy or any({u.kind for u in uses_in(candidate, n, ignore)} - allowed for n in names):
            break
        target = candidate
    return target
