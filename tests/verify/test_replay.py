"""Old against new in fresh processes, driven directly with hand-made captures (no test runs)."""

from __future__ import annotations

import pickle
import sys
import textwrap
from pathlib import Path

import pytest

from kaizen.verify.capture import Captured, CapturedCall
from kaizen.verify.replay import Comparison, compare_versions
from tests.conftest import MakeRepo

pytestmark = pytest.mark.e2e


def captured(qualname: str, *calls: tuple[tuple[object, ...], dict[str, object]], module: str = "lib", **globals_: object) -> Captured:
    recorded = tuple(
        CapturedCall(pickle.dumps((args, kwargs)), pickle.dumps(globals_) if globals_ else None, None)
        for args, kwargs in calls
    )
    return Captured(module, qualname, "patched", recorded, seen=len(calls), executable=sys.executable)


def compare(make_repo: MakeRepo, old: str, new: str, what: Captured, tmp_path: Path,
            fuzzed: list[object] | None = None) -> Comparison:  # fmt: skip
    best = make_repo({"lib.py": textwrap.dedent(old)})
    candidate = make_repo({"lib.py": textwrap.dedent(new)})
    return compare_versions(best, candidate, what, fuzzed or [], workdir=tmp_path / "work", timeout=60, fuzz_seconds=1.0)  # type: ignore[arg-type]


def test_identical_behaviour_is_the_same(make_repo: MakeRepo, tmp_path: Path) -> None:
    old = "import random\n\ndef pick(xs):\n    return sorted(xs)[0] + random.random()\n"
    new = "import random\n\ndef pick(xs):\n    return min(xs) + random.random()  # random is seeded before each call\n"
    result = compare(make_repo, old, new, captured("pick", (([3, 1, 2],), {}), (([5],), {})), tmp_path)
    assert (result.replayed, result.difference) == (2, None)


def test_printed_output_is_behaviour(make_repo: MakeRepo, tmp_path: Path) -> None:
    old = "def greet(name):\n    print('hello', name)\n"
    new = "def greet(name):\n    print('hello ' + name + '!')\n"
    result = compare(make_repo, old, new, captured("greet", (("ann",), {})), tmp_path)
    assert result.difference == (
        "lib.greet: printed output: old 'hello ann\\n', new 'hello ann!\\n' — on captured call #1: greet('ann')"
    )


def test_a_different_exception_is_a_difference(make_repo: MakeRepo, tmp_path: Path) -> None:
    old = "def first(xs):\n    return sorted(xs)[0]\n"
    new = "def first(xs):\n    return min(xs)\n"
    result = compare(make_repo, old, new, captured("first", (([2, 1],), {}), (([],), {})), tmp_path)
    assert result.difference is not None
    assert "old raised IndexError('list index out of range'), new raised ValueError(" in result.difference
    assert result.difference.endswith("on captured call #2: first([])")


def test_mutating_an_argument_is_a_difference(make_repo: MakeRepo, tmp_path: Path) -> None:
    old = "def top(xs):\n    return sorted(xs)[-1]\n"
    new = "def top(xs):\n    xs.sort()\n    return xs[-1]\n"
    result = compare(make_repo, old, new, captured("top", (([3, 1, 2],), {})), tmp_path)
    assert result.difference is not None and "argument xs after the call[0]: old 3, new 1" in result.difference


def test_methods_and_static_methods_are_replayed(make_repo: MakeRepo, tmp_path: Path) -> None:
    old = "class Box:\n    def __init__(self):\n        self.items = []\n    def add(self, x):\n        self.items.append(x)\n        return len(self.items)\n"
    new = "class Box:\n    def __init__(self):\n        self.items = []\n    def add(self, x):\n        self.items.insert(0, x)\n        return len(self.items)\n"
    best = make_repo({"lib.py": old})
    sys.path.insert(0, str(best))
    try:
        import lib  # the capture would have pickled a real Box from the project

        box = lib.Box()
        box.add(1)
        what = captured("Box.add", ((box, 2), {}))
    finally:
        sys.path.remove(str(best))
        sys.modules.pop("lib", None)
    candidate = make_repo({"lib.py": new})
    result = compare_versions(best, candidate, what, [], workdir=tmp_path / "w", timeout=60, fuzz_seconds=1.0)
    assert result.difference is not None and "argument self after the call.items[0]: old 1, new 2" in result.difference


def test_functools_caches_are_cleared_between_cases(make_repo: MakeRepo, tmp_path: Path) -> None:
    # the new version caches on n but reads SCALE: only a case that changes SCALE between two
    # calls with the same n (a generated sequence) shows it; captured calls one by one do not
    old = "SCALE = 1\n\ndef f(n):\n    return n * SCALE\n"
    new = "import functools\n\nSCALE = 1\n\n@functools.cache\ndef f(n):\n    return n * SCALE\n"
    what = captured("f", ((2,), {}), SCALE=1)
    assert compare(make_repo, old, new, what, tmp_path).difference is None
    sequence = [[((3,), {}, {"SCALE": 1}), ((3,), {}, {"SCALE": 5})]]
    result = compare(make_repo, old, new, what, tmp_path / "b", fuzzed=sequence)
    assert result.difference is not None
    assert "call 2: result: old 15, new 3" in result.difference and "f(3) with SCALE=1 then f(3) with SCALE=5" in result.difference


def test_a_new_version_that_hangs_is_a_difference(make_repo: MakeRepo, tmp_path: Path) -> None:
    old = "def f(n):\n    return n\n"
    new = "def f(n):\n    while n < 0:\n        pass\n    return n\n"
    result = compare(make_repo, old, new, captured("f", ((1,), {})), tmp_path, fuzzed=[[((-1,), {}, {})]])
    assert result.difference is not None and "new did not finish" in result.difference


def test_a_candidate_that_cannot_be_imported_is_reported(make_repo: MakeRepo, tmp_path: Path) -> None:
    result = compare(make_repo, "def f(n):\n    return n\n", "def g(n):\n    return n\n", captured("f", ((1,), {})), tmp_path)
    assert result.difference is not None and "the candidate cannot be called" in result.difference
