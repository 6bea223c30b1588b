"""Measured growth of real commands whose exponent is known: a linear and a quadratic loop."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from kaizen.config import Benchmark, Command
from kaizen.errors import KaizenError
from kaizen.measure import growth
from kaizen.measure.growth import measure_growth
from kaizen.measure.runs import Run

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
    assert linear.fit.high < quadratic.fit.low  # the intervals do not overlap
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


def fake_runs(monkeypatch: pytest.MonkeyPatch, cpu_of, wall_of) -> None:  # type: ignore[no-untyped-def]
    """Replace the process runs by a model: n → (cpu, wall) seconds; n is the command's last argument."""
    rng = random.Random(3)

    def run(command: Command, checkout: Path, timeout: float, env: object = None) -> Run:
        n = int(command.argv[-1])
        return Run(wall=wall_of(n, rng), cpu=cpu_of(n, rng), peak_rss=0)

    monkeypatch.setattr(growth, "run_command", run)


def test_a_starved_computing_benchmark_is_fitted_on_cpu_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # quadratic work; other processes stretch the wall clock 1.5–4× at random (CPU/wall never above 0.67)
    fake_runs(monkeypatch, lambda n, rng: 0.02 + 1e-8 * n * n, lambda n, rng: (0.02 + 1e-8 * n * n) * rng.uniform(1.5, 4.0))
    result = measure_growth(Path("."), sized(QUADRATIC, (1_000, 2_000, 4_000)), 60)
    assert result.metric == "cpu" and result.fit.degree == 2 and result.fixed_cost == pytest.approx(0.02, rel=0.01)


def test_a_waiting_benchmark_is_fitted_on_wall_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # sleeps n milliseconds: almost no CPU, whatever n is
    fake_runs(monkeypatch, lambda n, rng: 0.01 * rng.uniform(0.9, 1.1), lambda n, rng: 0.02 + n / 1000 * rng.uniform(0.98, 1.02))
    result = measure_growth(Path("."), sized(LINEAR, (100, 200, 400, 800)), 60)
    assert result.metric == "wall" and result.fit.degree == 1
