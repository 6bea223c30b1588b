"""The fast walks visit what ``ast.walk`` visits, in the same order, on real code of every shape."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import pytest

from kaizen.patterns import tree

_SINGLETONS = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
STDLIB = Path(sysconfig.get_paths()["stdlib"])
SAMPLES = ["ast.py", "asyncio/tasks.py", "dataclasses.py", "typing.py", "<shapes>"]
# What the stdlib modules above may lack: match statements, async constructs, except*, walrus,
# f-strings, star-args, dict unpacking (a None key), keyword-only arguments without defaults.
SHAPES = """
import a.b as c
from . import d
global_var: int = 1
@deco(1)
class K(Base, metaclass=M):
    x: int
async def f(a, /, b, *args, c, d=2, **kw):
    async with g() as (h, i):
        async for j in k:
            await j
    return [y async for y in z if (w := y)]
def gen():
    yield 1
    yield from other()
    nonlocal_free = lambda q, *, r=1: q + r
match command:
    case [1, *rest] | {"k": v, **others}:
        pass
    case Point(x=0, y=_) if x > 0:
        pass
    case str() as s:
        pass
    case None:
        pass
try:
    pass
except* ValueError as e:
    raise e from None
finally:
    del a[1:2, ::3]
x = {**a, 'k': b, **c}
f"{x!r:>{width}} {y=}"
assert not -x, (yield)
t = a if b else c
with open(p) as fh, other(): ...
for i, (j, k) in enumerate(pairs): continue
else: break
while x: x -= 1
print(*args, sep='', **kw)
"""


def _expected(node: ast.AST) -> list[ast.AST]:
    return [n for n in ast.walk(node) if not isinstance(n, _SINGLETONS)]


@pytest.fixture(scope="module", params=SAMPLES)
def module(request: pytest.FixtureRequest) -> ast.Module:
    return _parse(request.param)


def _parse(sample: str) -> ast.Module:
    return ast.parse(SHAPES if sample == "<shapes>" else (STDLIB / sample).read_text(encoding="utf-8"))


def test_walk_is_ast_walk_without_the_singletons(module: ast.Module) -> None:
    assert tree.walk(module) == _expected(module)


def test_children_are_iter_child_nodes_without_the_singletons(module: ast.Module) -> None:
    for node in ast.walk(module):
        expected = [c for c in ast.iter_child_nodes(node) if not isinstance(c, _SINGLETONS)]
        assert tree.children(node) == expected


def test_parents_point_each_node_at_the_node_holding_it(module: ast.Module) -> None:
    parents = tree.parents(module)
    expected = {c: n for n in ast.walk(module) for c in ast.iter_child_nodes(n) if not isinstance(c, _SINGLETONS)}
    assert parents == expected


def test_none_holes_in_lists_are_skipped() -> None:
    module = ast.parse("def f(*, a, b=1): return {**a, 'k': b}\n")
    assert all(n is not None for n in tree.walk(module))
    assert tree.walk(module) == _expected(module)


def test_walk_all_covers_several_roots_and_mentions_finds_names() -> None:
    module = ast.parse("x = y + 1\nprint(x, z)\n")
    first, second = module.body
    both = tree.walk_all([first, second])
    assert both[:2] == [first, second]
    assert len(both) == len(set(both)) and set(both) == set(_expected(first)) | set(_expected(second))
    assert tree.mentions(first, "y") and not tree.mentions(first, "z")


def test_every_concrete_node_class_of_this_python_is_known() -> None:
    """A new Python with new node kinds must not be walked past silently."""
    concrete = {type(n) for sample in SAMPLES for n in ast.walk(_parse(sample))}
    assert concrete - set(tree.FIELDS) <= {c for c in concrete if issubclass(c, _SINGLETONS)}
