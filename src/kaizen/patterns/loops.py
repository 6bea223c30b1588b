"""The loops of a module, found fast, with what a hoisting rewrite needs to know about each.

Walking every ``ast`` node of a large code base costs as much as parsing it, so this index walks
statements only, and skips every statement whose lines contain neither ``for`` nor ``while``
(found with one regex pass over the text). Expressions are entered only in statements that may
hold a comprehension. The result is cached for the last module asked about, so the detectors of
several patterns share one pass.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import repeat
from typing import TypeVar

from kaizen.patterns.scopes import statement_index
from kaizen.patterns.statements import sub_blocks
from kaizen.patterns.tree import add_parents, children, discover, walk

T = TypeVar("T", bound=ast.AST)
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
Comprehension = ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
LoopNode = ast.For | ast.AsyncFor | ast.While | Comprehension
Block = list[ast.stmt]

_FOR = re.compile(r"for\b")  # a literal first: the engine jumps between occurrences (see _for_words)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_COMPREHENSION_KINDS = frozenset(_COMPREHENSIONS)
_SCOPE_KINDS = (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_AROUND = object()  # stands for "the loop around the statement", looked up only when needed
# Calls that consume a generator expression on the spot: its loop runs before the statement ends.
_CONSUMERS = frozenset(
    {"all", "any", "dict", "frozenset", "list", "max", "min", "next", "set", "sorted", "sum", "tuple", "join"}
)


@dataclass(eq=False)
class Loop:
    """One loop inside a function: a ``for``/``while`` statement or a comprehension."""

    node: LoopNode
    function: FunctionNode | None  # None at module or class level
    qualname: str | None  # "Cls.method", "outer.inner"
    parent: Loop | None  # the enclosing loop in the same function
    stmt: ast.stmt  # the statement that holds the loop (the loop itself for for/while)
    # The def or class (or module) whose body holds the first of ``levels``, and the statements
    # from there down to ``stmt``: enough to work out ``path`` when a rewrite needs it.
    holder: ast.AST
    levels: tuple[ast.stmt, ...]
    lazy: bool = False  # a generator expression that may run after its statement
    _path: tuple[tuple[Block, int], ...] | None = field(default=None, repr=False)
    _nodes: list[ast.AST] | None = field(default=None, repr=False)
    _parents: dict[ast.AST, ast.AST] | None = field(default=None, repr=False)
    _by_kind: dict[type[ast.AST], list[ast.AST]] | None = field(default=None, repr=False)
    _nested: set[int] | None = field(default=None, repr=False)

    @property
    def path(self) -> tuple[tuple[Block, int], ...]:
        """(block, index) from the function body down to ``stmt``."""
        if self._path is None:
            found: list[tuple[Block, int]] = []
            holder = self.holder
            for level in self.levels:
                block = next(b for b in _blocks_of(holder) if level in b)
                found.append((block, block.index(level)))
                holder = level
            self._path = tuple(found)
        return self._path

    @property
    def block(self) -> Block:
        return self.path[-1][0]

    def chain(self) -> Iterator[Loop]:
        """This loop, then the loops around it, innermost first."""
        loop: Loop | None = self
        while loop is not None:
            yield loop
            loop = loop.parent

    def repeated(self) -> list[ast.AST]:
        """The parts that run once per iteration (with everything under them): the target and
        body of a ``for``, the test and body of a ``while``, the element, conditions and inner
        clauses of a comprehension. The ``else`` clause and the first iterable run once."""
        if self._nodes is None:
            self._nodes = []
            for part in _repeated_parts(self.node):
                self._nodes.append(part)
                discover(part, self._nodes)
        return self._nodes

    def of_kind(self, kind: type[T]) -> list[T]:
        """The nodes of ``repeated()`` of one class (``ast.Name``, ``ast.Call`` ...), in the same
        order: the detectors look for one kind of node in every loop body, many times over."""
        if self._by_kind is None:
            self._by_kind = {}
            for node in self.repeated():
                self._by_kind.setdefault(type(node), []).append(node)
        return self._by_kind.get(kind, [])  # type: ignore[return-value]

    def parents(self) -> dict[ast.AST, ast.AST]:
        """Child → parent for the nodes of ``repeated()`` (worked out when first asked: most loops
        never need it)."""
        if self._parents is None:
            self._parents = {}
            first = self.node.generators[0] if isinstance(self.node, _COMPREHENSIONS) else None
            for part in _repeated_parts(self.node):
                owned_by_first = first is not None and (part is first.target or part in first.ifs)
                self._parents[part] = first if owned_by_first and first is not None else self.node
                add_parents(part, self._parents)
        return self._parents

    def in_nested_scope(self) -> set[int]:
        """The ids of the nodes of ``repeated()`` inside a lambda, def or class within the loop:
        code that runs when called, not on every iteration."""
        if self._nested is None:
            scopes = [n for kind in _SCOPE_KINDS for n in self.of_kind(kind)]
            self._nested = {id(n) for scope in scopes for n in walk(scope) if n is not scope}
        return self._nested


def _repeated_parts(node: LoopNode) -> list[ast.AST]:
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return [node.target, *node.body]
    if isinstance(node, ast.While):
        return [node.test, *node.body]
    first, *rest = node.generators
    parts: list[ast.AST] = [first.target, *first.ifs, *rest]
    if isinstance(node, ast.DictComp):
        return [*parts, node.key, node.value]
    return [*parts, node.elt]


@dataclass
class _Context:
    function: FunctionNode | None
    qualname: str | None
    loop: Loop | None
    holder: ast.AST
    levels: tuple[ast.stmt, ...]


class _Index:
    """The loops of a module: its ``for``/``while`` statements (from the statement index), and the
    comprehensions in the statements that span a line where one may start.

    A comprehension needs a ``for`` on some line, and not the one a ``for`` statement starts with:
    lines whose only ``for`` begins a loop statement, and ``while`` lines, hold none. Only the
    statements spanning the remaining lines (found by bisection) have their expressions walked."""

    def __init__(self, tree: ast.Module, source: str) -> None:
        self.tree = tree
        self.loops: list[Loop] = []
        self.statements = statement_index(tree)
        self.loop_at: dict[int, Loop] = {}  # statement position -> its for/while Loop
        for position in self.statements.loops:
            stmt = self.statements.statements[position]
            ctx = self.context(position)
            loop = Loop(stmt, ctx.function, ctx.qualname, ctx.loop, stmt, ctx.holder, ctx.levels)  # type: ignore[arg-type]
            self.loops.append(loop)
            self.loop_at[position] = loop
        loop_starts = {self.statements.starts[p] for p in self.loop_at if type(self.statements.statements[p]) is not ast.While}
        self.keyword_lines = [n for n, count in _for_words(source).items() if count > 1 or n not in loop_starts]
        for position in self.statements.positions_touching(self.keyword_lines):
            stmt = self.statements.statements[position]
            kind = type(stmt)
            if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef or kind is ast.ClassDef:
                continue  # decorators, defaults and bases hold no loop kaizen rewrites
            if kind is ast.While:
                self.expressions([stmt.test], position, self.loop_at[position])  # type: ignore[attr-defined]
            elif kind is ast.For or kind is ast.AsyncFor:
                self.expressions([stmt.iter], position, self.loop_at[position].parent)  # type: ignore[attr-defined]
            else:
                self.expressions(list(_header_values(stmt)), position, _AROUND)
        self.loops.sort(key=lambda loop: (loop.node.lineno, loop.node.col_offset))  # outer loops first

    def spans_keyword(self, node: ast.stmt | ast.expr) -> bool:
        i = bisect.bisect_left(self.keyword_lines, node.lineno)
        return i < len(self.keyword_lines) and self.keyword_lines[i] <= (node.end_lineno or node.lineno)

    def context(self, position: int) -> _Context:
        """The function, its qualified name, the loop around and the path of blocks for the
        statement at ``position``: what walking down from the module would have collected."""
        stmt = self.statements.statements[position]
        chain = self.statements.chain(position)
        levels = (*chain, stmt)
        owner = max((i for i, c in enumerate(chain) if isinstance(c, _DEFS)), default=-1)
        names = [c.name for c in chain[: owner + 1] if isinstance(c, _DEFS)]
        function = chain[owner] if owner >= 0 and not isinstance(chain[owner], ast.ClassDef) else None
        qualname = ".".join(names) if function is not None else None
        loop: Loop | None = None
        for i in range(len(chain) - 1, owner, -1):
            around = chain[i]
            if isinstance(around, (ast.For, ast.AsyncFor, ast.While)) and levels[i + 1] in around.body:
                loop = self.loop_at[self.statements.enclosing_position(position, len(chain) - i)]
                break
        holder: ast.AST = chain[owner] if owner >= 0 else self.tree
        return _Context(function, qualname, loop, holder, levels[owner + 1 :])  # type: ignore[arg-type]

    def expressions(self, roots: list[ast.AST], position: int, loop: Loop | object | None) -> None:
        """Record the comprehensions under ``roots`` (lambdas are skipped: their body runs later).
        ``loop`` is the loop around them, or ``_AROUND`` for the one around the statement."""
        stack: list[tuple[ast.AST, ast.AST | None, Loop | object | None]] = [
            (r, None, loop) for r in roots if not isinstance(r, (ast.stmt, ast.expr)) or self.spans_keyword(r)
        ]
        ctx: _Context | None = None  # worked out at the first comprehension: most headers have none
        while stack:
            node, parent, around = stack.pop()
            kind = type(node)
            if kind is ast.Lambda:
                continue
            if kind in _COMPREHENSION_KINDS:
                assert isinstance(node, _COMPREHENSIONS)
                ctx = ctx or self.context(position)
                if around is _AROUND:
                    around = ctx.loop
                assert around is None or isinstance(around, Loop)
                lazy = kind is ast.GeneratorExp and not _consumed(node, parent)  # type: ignore[arg-type]
                stmt = self.statements.statements[position]
                comp = Loop(node, ctx.function, ctx.qualname, around, stmt, ctx.holder, ctx.levels, lazy=lazy)
                self.loops.append(comp)
                first = node.generators[0]
                stack.append((first.iter, node, around))
                stack += [(part, node, comp) for part in _repeated_parts(node)]
                continue
            kids = children(node)
            stack += zip(kids, repeat(node, len(kids)), repeat(around, len(kids)), strict=True)


def _for_words(source: str) -> dict[int, int]:
    """How many times the word ``for`` occurs on each line that has it (lines numbered as ast does).
    A regex over the whole text with the start of the word checked by hand is 3.5 times faster than
    splitting the lines and searching each: a leading \\b would make the engine try every position."""
    found: dict[int, int] = {}
    line, counted = 1, 0
    for match in _FOR.finditer(source):
        start = match.start()
        if start and (source[start - 1].isalnum() or source[start - 1] == "_"):
            continue  # inside a longer word: "before", "_for"
        line += source.count("\n", counted, start)
        counted = start
        found[line] = found.get(line, 0) + 1
    return found


def _consumed(genexp: ast.GeneratorExp, parent: ast.AST | None) -> bool:
    if not isinstance(parent, ast.Call) or genexp not in parent.args:
        return False
    func = parent.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return name in _CONSUMERS


def _header_values(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The expressions of a statement that are not inside one of its statement blocks."""
    for name, value in ast.iter_fields(stmt):
        if name in ("body", "orelse", "finalbody", "handlers", "cases", "decorator_list"):
            continue
        if isinstance(value, list):
            yield from (v for v in value if isinstance(v, ast.AST))
        elif isinstance(value, ast.AST):
            yield value


def _blocks_of(holder: ast.AST) -> list[Block]:
    return [holder.body] if isinstance(holder, ast.Module) else sub_blocks(holder)  # type: ignore[arg-type]


_last: tuple[ast.Module, _Index] | None = None


def module_loops(tree: ast.Module, source: str) -> list[Loop]:
    """Every loop of the module, outer loops before the loops they contain."""
    global _last
    if _last is None or _last[0] is not tree:
        _last = (tree, _Index(tree, source))
    return _last[1].loops
