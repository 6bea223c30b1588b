"""The statement index lists every statement once, in source order, with what surrounds it, and finds
the statements on given lines exactly as a check of every statement would."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import pytest

from kaizen.patterns import tree
from kaizen.patterns.scopes import own_nodes
from kaizen.patterns.statements import StatementIndex, is_compound

STDLIB = Path(sysconfig.get_paths()["stdlib"])
TRICKY = """\
import os; x = f(
    1, 2); y = 3
for a in b:
    if a: c = 1; d = (2,
        3)
    else:
        pass
else:
    e = 4
try:
    g = 5
except ValueError:
    h = [i for i in j]
else:
    k = 6
finally:
    m = 7
match z:
    case 1:
        n = 8
    case _: o = 9
class C:
    def f(self):
        while True: return 1
"""


def _every_statement(tree: ast.Module) -> list[tuple[ast.stmt, tuple[ast.stmt, ...]]]:
    """Statements with their enclosing compound statements, by a plain recursive walk."""
    found: list[tuple[int, int, ast.stmt, tuple[ast.stmt, ...]]] = []

    def visit(node: ast.AST, chain: tuple[ast.stmt, ...]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                found.append((child.lineno, len(found), child, chain))
                visit(child, (*chain, child))
            elif isinstance(child, (ast.excepthandler, ast.match_case)):
                visit(child, chain)

    visit(tree, ())
    return [(stmt, chain) for _, _, stmt, chain in found]


@pytest.fixture(scope="module", params=["<tricky>", "inspect.py", "argparse.py", "asyncio/base_events.py"])
def module(request: pytest.FixtureRequest) -> ast.Module:
    text = TRICKY if request.param == "<tricky>" else (STDLIB / request.param).read_text(encoding="utf-8")
    return ast.parse(text)


def test_statements_come_once_in_source_order_with_their_context(module: ast.Module) -> None:
    index = StatementIndex.of(module)
    expected = _every_statement(module)
    assert [id(s) for s in index.statements] == [id(s) for s, _ in expected]
    chains = [index.chain(i) for i in range(len(index.statements))]
    assert [tuple(map(id, c)) for c in chains] == [tuple(map(id, c)) for _, c in expected]
    assert index.starts == sorted(index.starts)
    defs = [i for i, s in enumerate(index.statements) if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    assert index.functions == defs
    assert index.loops == [i for i, s in enumerate(index.statements) if isinstance(s, (ast.For, ast.AsyncFor, ast.While))]
    assert all(index.position(s) == i for i, s in enumerate(index.statements))
    for position, chain in enumerate(chains):
        around = index.enclosing[position]
        assert (index.statements[around] if around >= 0 else None) is (chain[-1] if chain else None)


def test_touching_finds_exactly_the_statements_spanning_the_lines(module: ast.Module) -> None:
    index = StatementIndex.of(module)
    last = max(s.end_lineno or s.lineno for s in index.statements)
    spans = [(s.lineno, s.end_lineno or s.lineno, s) for s in index.statements]
    for line in range(1, last + 2):
        assert index.touching({line}) == [s for start, end, s in spans if start <= line <= end], line
    some = set(range(1, last + 1, 7))
    assert index.touching(some) == [s for start, end, s in spans if any(start <= n <= end for n in some)]
    assert index.touching(set()) == []


def test_blocks_are_every_statement_list() -> None:
    tree = ast.parse(TRICKY)
    index = StatementIndex.of(tree)
    bodies = [tree.body]
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            value = getattr(node, name, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt) and node is not tree:
                bodies.append(value)
    assert sorted(map(id, index.blocks)) == sorted(map(id, bodies))


def test_own_nodes_of_all_statements_cover_the_module_once(module: ast.Module) -> None:
    """A statement's own nodes (all of a simple one, the header of a compound one, case patterns
    and guards, exception types) never overlap another statement's, and together they are every
    node below the module but the compound statements themselves and their clauses."""
    index = StatementIndex.of(module)
    owned = [node for stmt in index.statements for node in own_nodes(stmt)]
    assert len(owned) == len({id(n) for n in owned}), "a node in two statements"
    bookkeeping = (ast.excepthandler, ast.match_case)
    expected = {
        id(n) for n in tree.walk(module)
        if n is not module and not isinstance(n, bookkeeping) and not (isinstance(n, ast.stmt) and is_compound(n))
    }
    assert {id(n) for n in owned} == expected
