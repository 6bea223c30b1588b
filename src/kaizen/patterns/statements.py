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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

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
    """A statement with statement lists of its own (``if``, ``for``, ``def``, ``try`` ...)."""
    return any(f in _BODIES for f in _BLOCK_FIELDS.get(type(stmt), ()))


@dataclass(frozen=True)
class StatementIndex:
    """Every statement of a module in source order (a statement before the ones inside it)."""

    statements: list[ast.stmt]
    chains: list[tuple[ast.stmt, ...]]  # the compound statements around each, outermost first
    enclosing: list[int]  # where the innermost of those is in ``statements`` (-1: none)
    starts: list[int]  # first line of each statement (non-decreasing)
    ends: list[int]  # last line of each statement
    blocks: list[Block]  # every statement list, outer ones first

    @classmethod
    def of(cls, root: ast.AST) -> StatementIndex:
        statements: list[ast.stmt] = []
        chains: list[tuple[ast.stmt, ...]] = []
        enclosing: list[int] = []
        blocks: list[Block] = []
        fields = _BLOCK_FIELDS

        def visit(block: Block, chain: tuple[ast.stmt, ...], around: int) -> None:
            blocks.append(block)
            for stmt in block:
                here = len(statements)
                statements.append(stmt)
                chains.append(chain)
                enclosing.append(around)
                names = fields[type(stmt)]
                if not names:
                    continue  # a simple statement: most of them
                inner = (*chain, stmt)
                for name in names:
                    value = getattr(stmt, name)
                    if name == "handlers" or name == "cases":
                        for extra in value:
                            visit(extra.body, inner, here)
                    elif value:
                        visit(value, inner, here)

        for block in sub_blocks(root) if isinstance(root, ast.stmt) else [getattr(root, "body", [])]:
            if block:
                visit(block, (), -1)
        starts = [s.lineno for s in statements]
        ends = [s.end_lineno or s.lineno for s in statements]
        return cls(statements, chains, enclosing, starts, ends, blocks)

    def in_context(self) -> Iterator[tuple[ast.stmt, tuple[ast.stmt, ...]]]:
        return zip(self.statements, self.chains, strict=True)

    def touching(self, lines: Iterable[int]) -> list[ast.stmt]:
        """The statements whose lines include one of ``lines``, in source order."""
        return [self.statements[i] for i in self.positions_touching(lines)]

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
        starts, ends, statements, enclosing = self.starts, self.ends, self.statements, self.enclosing
        for line in lines:
            last = bisect.bisect_right(starts, line) - 1
            j = last
            while j >= 0 and ends[j] >= line and (j == last or not is_compound(statements[j])):
                found.add(j)
                j -= 1
            k = enclosing[last] if last >= 0 else -1
            while k >= 0:
                if ends[k] >= line:
                    found.add(k)
                k = enclosing[k]
        return sorted(found)
