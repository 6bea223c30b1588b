"""The statements of a module, listed once and shared by every detector that looks at it.

Most detectors start from statements (a loop, an ``x = []`` before a ``for``, a ``def`` that calls
itself) rather than from expressions, and several used to walk every statement list of the module on
their own. ``StatementIndex`` lists the statements once, in source order, each with the compound
statements around it, and answers "which statements touch these lines" by bisection instead of a
walk.
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import ItemsView, Iterable, Iterator, KeysView, ValuesView
from dataclasses import dataclass

from kaizen.patterns.tree import FIELDS, parents

Block = list[ast.stmt]
_BODIES = ("body", "orelse", "finalbody")


def _block_fields(cls: type[ast.stmt]) -> tuple[str, ...]:
    """In the order the source has them (``try``: body, handlers, else, finally)."""
    return tuple(f for f in cls._fields if f in (*_BODIES, "handlers", "cases"))


# Per statement class, the fields holding statement lists (directly, or through handlers/cases).
_BLOCK_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {
    cls: _block_fields(cls) for cls in ast.stmt.__subclasses__()
}


def sub_blocks(stmt: ast.stmt) -> list[Block]:
    """The statement lists directly inside ``stmt``: bodies, else/finally clauses, the bodies of
    its except handlers and match cases."""
    found: list[Block] = []
    for name in _BLOCK_FIELDS.get(type(stmt), ()):
        value = getattr(stmt, name)
        if name == "handlers" or name == "cases":
            found += [extra.body for extra in value]
        elif value:
            found.append(value)
    return found


def is_compound(stmt: ast.stmt) -> bool:
    """A statement with statement lists of its own (``if``, ``for``, ``def``, ``try``, ``match`` ...)."""
    return bool(_BLOCK_FIELDS.get(type(stmt)))


_FUNCTION_KINDS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef})
_LOOP_KINDS = frozenset({ast.For, ast.AsyncFor, ast.While})


def _visit(
    block: Block,
    around: int,
    statements: list[ast.stmt],
    enclosing: list[int],
    blocks: list[Block],
    functions: list[int],
    loops: list[int],
) -> None:
    """Append ``block`` and everything under it to the index lists, in source order. A plain
    function rather than a closure: a closure calling itself is a reference cycle, and the scan
    runs with the cyclic collector off, so every module's tree would stay in memory."""
    blocks.append(block)
    fields = _BLOCK_FIELDS
    for stmt in block:
        here = len(statements)
        statements.append(stmt)
        enclosing.append(around)
        names = fields[type(stmt)]
        if not names:
            continue  # a simple statement: most of them
        kind = type(stmt)
        if kind in _FUNCTION_KINDS:
            functions.append(here)
        elif kind in _LOOP_KINDS:
            loops.append(here)
        for name in names:
            value = getattr(stmt, name)
            if name == "handlers" or name == "cases":
                for extra in value:
                    _visit(extra.body, here, statements, enclosing, blocks, functions, loops)
            elif value:
                _visit(value, here, statements, enclosing, blocks, functions, loops)


def _end(stmt: ast.stmt) -> int:
    return stmt.end_lineno or stmt.lineno


@dataclass(frozen=True)
class StatementIndex:
    """Every statement of a module in source order (a statement before the ones inside it)."""

    statements: list[ast.stmt]
    enclosing: list[int]  # where the compound statement around each is in ``statements`` (-1: none)
    starts: list[int]  # first line of each statement (non-decreasing)
    blocks: list[Block]  # every statement list, outer ones first
    functions: list[int]  # where the def and async def statements are
    loops: list[int]  # where the for, async for and while statements are

    @classmethod
    def of(cls, root: ast.AST) -> StatementIndex:
        statements: list[ast.stmt] = []
        enclosing: list[int] = []
        blocks: list[Block] = []
        functions: list[int] = []
        loops: list[int] = []
        body = getattr(root, "body", [])  # a lambda's body is an expression: no statements
        top = sub_blocks(root) if isinstance(root, ast.stmt) else [body if isinstance(body, list) else []]
        for block in top:
            if block:
                _visit(block, -1, statements, enclosing, blocks, functions, loops)
        starts = [s.lineno for s in statements]
        return cls(statements, enclosing, starts, blocks, functions, loops)

    def chain(self, position: int) -> tuple[ast.stmt, ...]:
        """The compound statements around the statement at ``position``, outermost first."""
        found: list[ast.stmt] = []
        around = self.enclosing[position]
        while around >= 0:
            found.append(self.statements[around])
            around = self.enclosing[around]
        return tuple(reversed(found))

    def positions_of(self, *kinds: type[ast.stmt]) -> list[int]:
        """Where the statements of the given classes are, in source order."""
        wanted = frozenset(kinds)
        return [i for i, stmt in enumerate(self.statements) if type(stmt) in wanted]

    def touching(self, lines: Iterable[int]) -> list[ast.stmt]:
        """The statements whose lines include one of ``lines``, in source order."""
        return [self.statements[i] for i in self.positions_touching(lines)]

    def position(self, stmt: ast.stmt) -> int | None:
        """Where ``stmt`` is in ``statements`` (None: not a statement of this module)."""
        i = bisect.bisect_left(self.starts, stmt.lineno)
        while i < len(self.statements) and self.starts[i] == stmt.lineno:
            if self.statements[i] is stmt:
                return i
            i += 1
        return None

    def enclosing_position(self, position: int, levels: int = 1) -> int:
        """Where the compound statement ``levels`` levels around the one at ``position`` is."""
        for _ in range(levels):
            position = self.enclosing[position]
        return position

    def positions_touching(self, lines: Iterable[int]) -> list[int]:
        """Where the statements whose lines include one of ``lines`` are, in source order.

        For a line L, only these can span it: the last statement starting at or before L, the
        statements around that one, and simple statements just before it that end on L
        (``a = f(\n x); b``). Any other statement ends before that last one starts."""
        found: set[int] = set()
        starts, statements, enclosing = self.starts, self.statements, self.enclosing
        for line in lines:
            last = bisect.bisect_right(starts, line) - 1
            j = last
            while j >= 0 and _end(statements[j]) >= line and (j == last or not is_compound(statements[j])):
                found.add(j)
                j -= 1
            k = enclosing[last] if last >= 0 else -1
            while k >= 0:
                if _end(statements[k]) >= line:
                    found.add(k)
                k = enclosing[k]
        return sorted(found)


_REGIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class ModuleParents(dict[ast.AST, ast.AST]):
    """The parent of every node of a module, worked out one function at a time, when asked.

    A detector usually asks about the few places it found, and the walks up from them; mapping
    every node of the module first cost more than the detection itself. Nodes are grouped into
    regions: a def or class holds everything under it except what its nested defs and classes
    hold, and the module holds the rest. Asked about a node, this finds the region by the node's
    position, maps that region only, and falls back to mapping the whole module when the guess
    misses, so every answer is exact. Iterating or sizing it maps everything."""

    def __init__(self, tree: ast.Module, index: StatementIndex) -> None:
        super().__init__()
        self._tree = tree
        self._index = index
        self._mapped: set[int] = set()  # ids of the region roots mapped so far
        self._complete = False

    def __missing__(self, node: ast.AST) -> ast.AST:
        found = self._find(node)
        if found is None:
            raise KeyError(node)
        return found

    def get(self, node: ast.AST, default: ast.AST | None = None) -> ast.AST | None:  # type: ignore[override]
        found = super().get(node)
        if found is None:
            found = self._find(node)
        return default if found is None else found

    def __contains__(self, node: object) -> bool:
        return super().__contains__(node) or (isinstance(node, ast.AST) and self._find(node) is not None)

    def _find(self, node: ast.AST) -> ast.AST | None:
        if self._complete or node is self._tree:
            return None
        region = self._region_of(node)
        if region is not None and id(region) not in self._mapped:
            self._map(region)
            found = super().get(node)
            if found is not None:
                return found
        self._map_everything()
        return super().get(node)

    def _region_of(self, node: ast.AST) -> ast.AST | None:
        """The def or class whose region holds ``node`` (the module for top-level code), guessed
        from the statement that spans the node's position; None when the node has no position."""
        line = getattr(node, "lineno", None)
        if not isinstance(line, int):
            return None
        where = (line, getattr(node, "col_offset", 0))
        index = self._index
        holder = -1
        for position in index.positions_touching((line,)):
            stmt = index.statements[position]
            if (stmt.lineno, stmt.col_offset) <= where <= (stmt.end_lineno or stmt.lineno, stmt.end_col_offset or 0):
                holder = position  # the innermost such statement comes last
        if holder < 0:
            return self._tree
        stmt = index.statements[holder]
        if isinstance(stmt, _REGIONS) and stmt is not node:
            return stmt
        return next((c for c in reversed(index.chain(holder)) if isinstance(c, _REGIONS)), self._tree)

    def _map(self, region: ast.AST) -> None:
        """Parents of every node in ``region``: under it, but not under a def or class inside."""
        self._mapped.add(id(region))
        stack = [region]
        fields = FIELDS
        while stack:
            node = stack.pop()
            for name, many, _holes in fields[type(node)]:
                value = getattr(node, name)
                for child in value if many else (value,):
                    if child is not None:
                        dict.__setitem__(self, child, node)
                        if not isinstance(child, _REGIONS):
                            stack.append(child)

    def _map_everything(self) -> None:
        if not self._complete:
            self.update(parents(self._tree))
            self._complete = True

    def __iter__(self) -> Iterator[ast.AST]:
        self._map_everything()
        return super().__iter__()

    def __len__(self) -> int:
        self._map_everything()
        return super().__len__()

    def keys(self) -> KeysView[ast.AST]:  # type: ignore[override]
        self._map_everything()
        return super().keys()

    def values(self) -> ValuesView[ast.AST]:  # type: ignore[override]
        self._map_everything()
        return super().values()

    def items(self) -> ItemsView[ast.AST, ast.AST]:  # type: ignore[override]
        self._map_everything()
        return super().items()
