"""End to end: the same pattern (KZ102, found by the real scanner) in a hot and a cold function;
profiling decides which goes first, although the cold one comes first in the file."""

from __future__ import annotations

import sys

import pytest

from kaizen.analyze.rank import rank
from kaizen.analyze.scan import scan
from kaizen.analyze.shapes import read_shapes
from kaizen.config import Benchmark, Command
from kaizen.measure.profile import profile_benchmark
from tests.conftest import MakeRepo

pytestmark = pytest.mark.e2e

CORE = """
def cold_lookup(n):
    items = list(range(n))
    hits = 0
    for x in range(n):
        if x in items:
            hits += 1
    return hits


def hot_lookup(n):
    items = list(range(n))
    hits = 0
    for x in range(0, 2 * n, 2):
        if x in items:
            hits += 1
    return hits
"""


def test_the_hot_function_ranks_first(make_repo: MakeRepo) -> None:
    repo = make_repo({"mypkg/__init__.py": "", "mypkg/core.py": CORE, "bench.py": "from mypkg import core\ncore.hot_lookup(3000)\ncore.cold_lookup(30)\n"})
    findings = scan(repo, [repo / "mypkg"], cache_dir=repo / ".kaizen" / "cache").findings
    assert [(f.pattern_id, f.function) for f in findings] == [("KZ102", "cold_lookup"), ("KZ102", "hot_lookup")]
    profile = profile_benchmark(repo, Benchmark("main", Command(argv=(sys.executable, "bench.py"))), ["mypkg"], timeout=60)
    ranked = rank(findings, profile, shapes=read_shapes(repo, ["mypkg/core.py"]))
    hot, cold = ranked
    assert hot.finding.function == "hot_lookup" and cold.finding.function == "cold_lookup"
    assert hot.hot_share is not None and hot.hot_share > 0.3
    assert hot.score > 0.05 * profile.wall and hot.score > 10 * cold.score
    assert hot.growth == cold.growth == "O(n²)"
