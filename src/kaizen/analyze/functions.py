"""Where each function of a module starts and ends, under the name a reader would use.

A profiler knows a function by (file, first line, code name); a finding knows it by qualified name
("Cls.method"); this table joins the two. Nested functions are named by their enclosing ones
("outer.inner"), without Python's ``<locals>``. Module-level code is the span ``<module>``.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

MODULE = "<module>"

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class FunctionSpan:
    qualname: str  # "Cls.method", "outer.inner", or "<module>"
    name: str  # the code object's name: "method", "inner", "<module>"
    line: int  # the `def` line
    first_line: int  # the first decorator's line: what co_firstlineno reports for decorated code
    end_line: int

    def contains(self, line: int) -> bool:
        return self.first_line <= line <= self.end_line

    @property
    def size(self) -> int:
        return self.end_line - self.first_line


def function_nodes(tree: ast.Module) -> list[tuple[str, FunctionNode]]:
    """Every function and method with its qualified name, outer ones before the ones they contain."""
    found: list[tuple[str, FunctionNode]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                qualname = f"{prefix}{child.name}"
                found.append((qualname, child))
                visit(child, f"{qualname}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def function_spans(tree: ast.Module, line_count: int) -> tuple[FunctionSpan, ...]:
    spans = [
        FunctionSpan(
            qualname=qualname,
            name=node.name,
            line=node.lineno,
            first_line=min([node.lineno, *(d.lineno for d in node.decorator_list)]),
            end_line=node.end_lineno or node.lineno,
        )
        for qualname, node in function_nodes(tree)
    ]
    spans.append(FunctionSpan(MODULE, MODULE, 1, 1, max(line_count, 1)))
    return tuple(spans)


def spans_of_source(source: str) -> tuple[FunctionSpan, ...]:
    """The spans of a module's text; a module that does not parse is one ``<module>`` span."""
    lines = source.count("\n") + 1
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return (FunctionSpan(MODULE, MODULE, 1, 1, lines),)
    return function_spans(tree, lines)


def innermost(spans: Sequence[FunctionSpan], line: int) -> FunctionSpan | None:
    """The smallest span containing ``line`` (a nested function before its outer one)."""
    inside = [s for s in spans if s.contains(line)]
    return min(inside, key=lambda s: (s.size, s.qualname == MODULE), default=None)


def span_of_code(spans: Sequence[FunctionSpan], name: str, first_line: int) -> FunctionSpan | None:
    """The function a code object (name, co_firstlineno) belongs to.

    An exact match is the function itself; a comprehension, lambda or generator expression has its
    own code object and counts toward the function that contains it.
    """
    if name == MODULE:
        return next((s for s in spans if s.qualname == MODULE), None)
    for span in spans:
        if span.name == name and first_line in (span.first_line, span.line):
            return span
    return innermost(spans, first_line)


def exact_span(spans: Sequence[FunctionSpan], name: str, first_line: int) -> FunctionSpan | None:
    """Only the function itself (for call counts, which must not include its comprehensions)."""
    if name == MODULE:
        return None
    return next((s for s in spans if s.name == name and first_line in (s.first_line, s.line)), None)


def own_nodes(node: ast.AST) -> list[ast.AST]:
    """The nodes of a function's own body: nested functions and classes are theirs, not its."""
    found: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        found.append(child)
        stack.extend(ast.iter_child_nodes(child))
    return found
