"""libcst edits the hoisting rewrites share: new statements placed before a loop, expressions
swapped inside it, all in one pass so node identities found by position stay valid.

Comments and blank lines above the loop move up with the new statement (they introduced the block
and still do), and everything else keeps its formatting because only the named nodes change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import libcst as cst

from kaizen.patterns.base import RewriteError, Site
from kaizen.patterns.cstedit import Positions, char_col

Swap = Callable[[Any], cst.CSTNode]


def statement_at(module: cst.Module, where: Positions, line: int, col: int) -> cst.BaseStatement:
    """The statement an ``ast`` statement position (line, byte column) points at."""
    want = char_col(module, line, col)
    for node, span in where.items():
        if (span.start.line, span.start.column) != (line, want):
            continue
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            return node
        if isinstance(node, cst.SimpleStatementSuite):
            raise RewriteError("the loop sits on a one-line block; put it on its own line first")
    raise RewriteError(f"no statement at line {line}: the file changed since it was scanned")


def node_at(module: cst.Module, where: Positions, kind: type[cst.CSTNode], line: int, col: int) -> cst.CSTNode:
    want = char_col(module, line, col)
    for node, span in where.items():
        if isinstance(node, kind) and (span.start.line, span.start.column) == (line, want):
            return node
    raise RewriteError(f"no {kind.__name__} at line {line}: the file changed since it was scanned")


def call_at(module: cst.Module, where: Positions, line: int, col: int) -> cst.Call:
    """The call whose callee starts at an ``ast`` position (parentheses around the call aside)."""
    want = char_col(module, line, col)
    for node in where:
        if isinstance(node, cst.Call):
            start = where[node.func].start
            if (start.line, start.column) == (line, want):
                return node
    raise RewriteError(f"no call at line {line}: the file changed since it was scanned")


def new_statement(code: str) -> cst.BaseStatement:
    return cst.parse_statement(code if code.endswith("\n") else code + "\n")


class _Edit(cst.CSTTransformer):
    def __init__(
        self,
        swaps: Mapping[cst.CSTNode, Swap],
        before: Mapping[cst.CSTNode, Sequence[cst.BaseStatement]],
        after: Mapping[cst.CSTNode, Sequence[cst.BaseStatement]],
    ) -> None:
        super().__init__()
        self.swaps = {id(k): v for k, v in swaps.items()}
        self.before = {id(k): v for k, v in before.items()}
        self.after = {id(k): v for k, v in after.items()}
        self.done: set[int] = set()

    def on_leave(self, original_node: Any, updated_node: Any) -> Any:
        key = id(original_node)
        if key in self.swaps:
            self.done.add(key)
            updated_node = self.swaps[key](updated_node)
        ahead: list[cst.BaseStatement] = []
        if key in self.before:
            self.done.add(key)
            first, *rest = self.before[key]
            ahead = [first.with_changes(leading_lines=updated_node.leading_lines), *rest]
            updated_node = updated_node.with_changes(leading_lines=())
        behind: list[cst.BaseStatement] = []
        if key in self.after:
            self.done.add(key)
            behind = list(self.after[key])
        if ahead or behind:
            return cst.FlattenSentinel([*ahead, updated_node, *behind])
        return updated_node


def edit(
    module: cst.Module,
    swaps: Mapping[cst.CSTNode, Swap],
    before: Mapping[cst.CSTNode, Sequence[cst.BaseStatement]] | None = None,
    after: Mapping[cst.CSTNode, Sequence[cst.BaseStatement]] | None = None,
) -> cst.Module:
    """``module`` with each node in ``swaps`` replaced by ``swap(node)``, ``before[stmt]``
    inserted ahead of a statement and ``after[stmt]`` behind it, in one pass. Every named node
    must be found."""
    editor = _Edit(swaps, before or {}, after or {})
    result = module.visit(editor)
    if len(editor.done) != len({*editor.swaps, *editor.before, *editor.after}):
        raise RewriteError("some of the places to change were not found in the file")
    assert isinstance(result, cst.Module)
    return result


def renamed(name: str) -> Swap:
    """A swap that turns a ``Name`` into another name, keeping its parentheses and spacing."""

    def swap(node: cst.Name) -> cst.CSTNode:
        return node.with_changes(value=name)

    return swap


def taken_names(module: cst.Module) -> set[str]:
    """Every identifier in the module, attribute names included (cheap and collision-proof)."""
    found: set[str] = set()

    class Collect(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

    module.visit(Collect())
    return found


def position(site: Site, key: str) -> tuple[int, int]:
    """A (line, column) fact recorded by a detector."""
    value = site.fact(key)
    if not (isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        raise RewriteError(f"finding has no {key} position")
    return value[0], value[1]


def positions(site: Site, key: str) -> list[tuple[int, int]]:
    """A tuple of (line, column) facts recorded by a detector."""
    value = site.fact(key, ())
    out: list[tuple[int, int]] = []
    for item in value if isinstance(value, tuple) else ():
        if isinstance(item, tuple) and len(item) == 2 and all(isinstance(v, int) for v in item):
            out.append((item[0], item[1]))
    return out
