"""Measured growth: run a sized benchmark across its sizes and fit time ∝ n^k on a log-log scale.

The fit (``fit_growth``) is pure; ``measure_growth`` runs the processes. Every run is a fresh
process, and a fresh process has a constant cost (interpreter start, imports) that flattens the
slope: a linear benchmark of 20–200 ms would fit an exponent well below 1. So the command is also
run at n = 1, where its work is negligible, and that constant is subtracted before the fit. Sizes
are run in shuffled rounds, never in blocks, so machine drift spreads over all of them.
"""

from __future__ import annotations

import contextlib
import math
import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kaizen.config import Benchmark
from kaizen.errors import KaizenError
from kaizen.measure.runs import Run, RunFailure, run_command

_DEGREES = (0, 1, 2, 3)
_SUPERSCRIPT = {0: "O(1)", 1: "O(n)", 2: "O(n²)", 3: "O(n³)"}


@dataclass(frozen=True)
class GrowthFit:
    exponent: float
    low: float  # confidence interval of the exponent
    high: float
    confidence: float
    points: int
    r_squared: float
    # The interval covers noise, not the model: n log n, caches and per-call overheads bend a real
    # curve by about this much over a tenfold range of sizes, so a degree this close still counts.
    tolerance: float = 0.15

    @property
    def degree(self) -> int | None:
        """The nearest of 0, 1, 2, 3 when the interval (± tolerance) contains it, else None."""
        nearest = min(_DEGREES, key=lambda d: abs(d - self.exponent))
        return nearest if self.low - self.tolerance <= nearest <= self.high + self.tolerance else None

    @property
    def conclusive(self) -> bool:
        """False when the interval is so wide that it holds two whole degrees."""
        return sum(self.low <= d <= self.high for d in _DEGREES) <= 1

    @property
    def label(self) -> str:
        if self.degree is not None:
            return _SUPERSCRIPT[self.degree]
        return f"O(n^{self.exponent:.1f})"

    def describe(self) -> str:
        text = f"exponent {self.exponent:.2f} [{self.low:.2f}, {self.high:.2f}] ≈ {self.label}"
        if not self.conclusive:
            text += " (too noisy to tell the degree: add runs or spread the sizes further)"
        return text


def fit_growth(
    sizes: Sequence[float],
    times: Sequence[float],
    *,
    fixed_cost: float = 0.0,
    confidence: float = 0.95,
) -> GrowthFit:
    """Least-squares slope of log(time − fixed_cost) on log(size), with a t-interval.

    One point per run (not per size), so run-to-run noise widens the interval as it should.
    Raises ValueError with fewer than three usable points or fewer than two distinct sizes.
    """
    if len(sizes) != len(times):
        raise ValueError("sizes and times differ in length")
    pairs = [(float(n), t - fixed_cost) for n, t in zip(sizes, times, strict=True) if n > 0 and t - fixed_cost > 0]
    if len(pairs) < 3 or len({n for n, _ in pairs}) < 2:
        raise ValueError("need at least three runs over two or more sizes, each slower than the fixed cost")
    from scipy import stats  # ~1 s to import: only when a fit is asked for

    x = [math.log(n) for n, _ in pairs]
    y = [math.log(t) for _, t in pairs]
    result = stats.linregress(x, y)
    df = len(pairs) - 2
    if df > 0 and math.isfinite(result.stderr):
        half = float(stats.t.ppf(0.5 + confidence / 2, df)) * float(result.stderr)
    else:
        half = math.inf
    slope = float(result.slope)
    return GrowthFit(
        exponent=slope,
        low=slope - half,
        high=slope + half,
        confidence=confidence,
        points=len(pairs),
        r_squared=float(result.rvalue) ** 2,
    )


@dataclass(frozen=True)
class GrowthRun:
    benchmark: str
    sizes: tuple[int, ...]
    metric: str  # "cpu" or "wall": the one whose fit has the narrower interval
    times: tuple[tuple[float, ...], ...]  # seconds of each run in that metric, per size
    fixed_cost: float  # median at n = 1 in that metric (0 when that run was not possible)
    fit: GrowthFit
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "benchmark": self.benchmark,
            "sizes": list(self.sizes),
            "metric": self.metric,
            "times": [list(t) for t in self.times],
            "fixed_cost": self.fixed_cost,
            "exponent": self.fit.exponent,
            "ci": [self.fit.low, self.fit.high],
            "confidence": self.fit.confidence,
            "degree": self.fit.degree,
            "label": self.fit.label,
            "conclusive": self.fit.conclusive,
            "warnings": list(self.warnings),
        }


# (size, run number, wall seconds) after each run, for progress displays
OnRun = Callable[[int, int, float], None]

CPU_SHARE = 0.3  # CPU/wall of the least disturbed run from which CPU time is a candidate metric


def _metric(name: str) -> Callable[[Run], float]:
    return (lambda run: run.cpu) if name == "cpu" else (lambda run: run.wall)


def measure_growth(
    root: Path,
    benchmark: Benchmark,
    timeout: float,
    *,
    runs: int = 3,
    baseline_size: int | None = 1,
    seed: int = 0,
    on_run: OnRun | None = None,
) -> GrowthRun:
    """Run ``benchmark`` ``runs`` times at each declared size (plus ``baseline_size`` for the fixed
    cost) in shuffled rounds after one discarded warm-up, and fit the exponent.

    A benchmark that computes is fitted on CPU time and on wall time and the tighter fit is kept
    (other load on the machine disturbs CPU time far less); one that mostly waits, on wall time.
    """
    sizes = tuple(sorted(set(benchmark.sizes)))
    if len(sizes) < 2:
        raise KaizenError(
            f"benchmark {benchmark.name!r} declares {len(sizes)} size(s); measured growth needs two or more, "
            'e.g. { cmd = "python bench.py --n {n}", sizes = [1000, 2000, 4000, 8000] }'
        )
    rng = random.Random(seed)
    measured: dict[int, list[Run]] = {n: [] for n in sizes}
    baseline: list[Run] = []
    warnings: list[str] = []
    floor = baseline_size if baseline_size is not None and baseline_size < sizes[0] else None

    def once(n: int) -> Run:
        result = run_command(benchmark.at_size(n), root, timeout)
        if isinstance(result, RunFailure):
            raise KaizenError(
                f"benchmark {benchmark.name!r} at n={n} {result.describe()}; run "
                f"`{benchmark.at_size(n).display}` yourself to see why"
            )
        return result

    once(sizes[0])  # warm-up: byte-compiles, fills the file cache
    for number in range(runs):
        order: list[int | None] = [*sizes, None] if floor is not None else list(sizes)
        rng.shuffle(order)
        for n in order:
            if n is None:  # the fixed-cost run at n = floor
                assert floor is not None
                result = run_command(benchmark.at_size(floor), root, timeout)
                if isinstance(result, RunFailure):
                    warnings.append(f"the run at n={floor} failed ({result.describe()}); start-up cost is not subtracted")
                    floor, baseline = None, []
                else:
                    baseline.append(result)
                continue
            run = once(n)
            measured[n].append(run)
            if on_run is not None:
                on_run(n, number, run.wall)

    every = [r for n in sizes for r in measured[n]]
    # A benchmark that computes is fitted on CPU time as well as wall time: other processes on the
    # machine stretch wall time (run-queue waits) far more than CPU time. The narrower interval wins.
    # One that mostly waits (sleep, I/O) would fit the wrong curve on CPU time, so it keeps wall.
    # The least disturbed run tells which it is: load lowers CPU/wall, it never raises it.
    computes = max(r.cpu / r.wall for r in every if r.wall > 0) >= CPU_SHARE
    fits: dict[str, tuple[GrowthFit, float]] = {}
    for metric in ("cpu", "wall") if computes else ("wall",):
        value = _metric(metric)
        fixed = statistics.median(value(r) for r in baseline) if baseline else 0.0
        with contextlib.suppress(ValueError):
            fits[metric] = (fit_growth([n for n in sizes for _ in measured[n]], [value(r) for r in every], fixed_cost=fixed), fixed)
    if not fits:
        raise KaizenError(f"cannot fit the growth of {benchmark.name!r}: every run is as fast as its start-up; use larger sizes")
    metric = min(fits, key=lambda m: fits[m][0].high - fits[m][0].low)
    fit, fixed = fits[metric]
    value = _metric(metric)
    if fixed and fixed > 0.5 * statistics.median(value(r) for r in measured[sizes[0]]):
        warnings.append(
            f"start-up ({fixed * 1000:.0f} ms) is over half the time at n={sizes[0]}: the work is small "
            "next to it, so the exponent is uncertain; use larger sizes"
        )
    times = tuple(tuple(value(r) for r in measured[n]) for n in sizes)
    return GrowthRun(benchmark.name, sizes, metric, times, fixed, fit, tuple(warnings))
