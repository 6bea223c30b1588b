"""Measured growth of real commands whose exponent is known: a linear and a quadratic loop."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kaizen.config import Benchmark, Command
from kaizen.errors import KaizenError
from kaizen.measure.growth import measure_growth

pytestmark = pytest.mark.e2e

# Each run takes roughly 20–200 ms of work on top of the interpreter's start-up.
LINEAR = "import sys\ndef f(n):\n    s = 0\n    for i in range(n):\n        s += i\nf(int(sys.argv[1]))"
QUADRATIC = "import sys\ndef f(n):\n    for i in range(n):\n        for j in range(n):\n            pass\nf(int(sys.argv[1]))"


def sized(code: str, sizes: tuple[int, ...]) -> Benchmark:
    return Benchmark("grow", Command(argv=(sys.executable, "-c", code, "{n}")), sizes=sizes)


def test_linear_and_quadratic_commands_are_told_apart(tmp_path: Path) -> None:
    seen: list[int] = []
    linear = measure_growth(tmp_path, sized(LINEAR, (400_000, 800_000, 1_600_000, 3_200_000)), 60, on_run=lambda n, i, t: seen.append(n))
    quadratic = measure_growth(tmp_path, sized(QUADRATIC, (1_000, 1_500, 2_250, 3_400)), 60)
    assert linear.fit.degree == 1 and linear.fit.label == "O(n)", linear.fit.describe()
    assert quadratic.fit.degree == 2 and quadratic.fit.label == "O(n²)", quadratic.fit.describe()
    assert linear.fit.high < 1.5 < quadratic.fit.low  # the intervals do not even come close
    assert linear.fixed_cost > 0  # the start-up cost was measured at n = 1 and subtracted
    assert sorted(seen) == sorted([400_000, 800_000, 1_600_000, 3_200_000] * 3)
    assert seen != sorted(seen)  # shuffled rounds, not blocks
    assert linear.to_json()["label"] == "O(n)"


def test_growth_needs_two_sizes_and_a_working_command(tmp_path: Path) -> None:
    with pytest.raises(KaizenError, match="needs two or more"):
        measure_growth(tmp_path, sized(LINEAR, (1000,)), 60)
    failing = Benchmark("bad", Command(argv=(sys.executable, "-c", "import sys; sys.exit(int(sys.argv[1]) > 1)", "{n}")), sizes=(2, 4))
    with pytest.raises(KaizenError, match="at n=2 exited with status 1"):
        measure_growth(tmp_path, failing, 60)
