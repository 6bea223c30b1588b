"""Interleaved, randomized, balanced A/B pairs of fresh processes, with sequential looks.

Base and head never run in blocks: each pair runs both, in an order from ``balanced_orders`` (ABBA
or BAAB blocks, shuffled), so machine drift and order effects cancel. A warm-up run of each side
comes first (byte-compiles the code, warms the file cache) and is discarded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kaizen.config import Benchmark
from kaizen.measure.runs import Run, RunFailure, checkout_env, run_command
from kaizen.verify import stats


@dataclass(frozen=True)
class Side:
    label: str  # "base" / "head" or a commit id
    checkout: Path


@dataclass(frozen=True)
class Measurement:
    benchmark: str
    base: tuple[float, ...]  # wall seconds per pair
    head: tuple[float, ...]
    base_rss: tuple[int, ...]
    head_rss: tuple[int, ...]
    base_first: tuple[bool, ...]
    comparison: stats.Comparison

    @property
    def base_peak_rss(self) -> int:
        return max(self.base_rss, default=0)

    @property
    def head_peak_rss(self) -> int:
        return max(self.head_rss, default=0)

    @property
    def rss_change(self) -> float:
        """Relative change of the median peak RSS (head vs base)."""
        b = float(np.median(self.base_rss)) if self.base_rss else 0.0
        h = float(np.median(self.head_rss)) if self.head_rss else 0.0
        return (h - b) / b if b else 0.0


@dataclass(frozen=True)
class BenchmarkFailure:
    benchmark: str
    side: str  # which side failed ("base" / "head")
    failure: RunFailure

    def describe(self) -> str:
        return f"benchmark {self.benchmark!r} ({self.side}) {self.failure.describe()}"


@dataclass(frozen=True)
class PairEvent:
    benchmark: str
    pairs_done: int
    max_pairs: int
    interim: stats.Comparison | None = None


@dataclass
class PairSettings:
    max_pairs: int = 24
    min_pairs: int = 8
    alpha: float = 0.01
    threshold: float = 0.05
    timeout: float = 600.0
    seed: int = 0
    aa_log_ratios: tuple[float, ...] | None = None  # calibrated elsewhere; else adjacent base runs
    before_run: Callable[[], None] | None = None  # e.g. wait while the machine is busy
    on_pair: Callable[[PairEvent], None] | None = None
    env_extra: dict[str, str] = field(default_factory=dict)


def measure_pairs(benchmark: Benchmark, base: Side, head: Side, settings: PairSettings) -> Measurement | BenchmarkFailure:
    command = benchmark.runnable
    timeout = benchmark.timeout or settings.timeout
    envs = {side.label: {**checkout_env(side.checkout), **settings.env_extra} for side in (base, head)}

    def once(side: Side) -> Run | RunFailure:
        if settings.before_run is not None:
            settings.before_run()
        return run_command(command, side.checkout, timeout, envs[side.label])

    for side, name in ((base, "base"), (head, "head")):
        warm = once(side)
        if isinstance(warm, RunFailure):
            return BenchmarkFailure(benchmark.name, name, warm)

    plan = stats.SequentialPlan.up_to(settings.max_pairs, settings.alpha, settings.min_pairs)
    rng = np.random.default_rng(settings.seed)
    orders = stats.balanced_orders(plan.max_pairs, rng)
    base_t: list[float] = []
    head_t: list[float] = []
    base_m: list[int] = []
    head_m: list[int] = []
    decision: stats.Comparison | None = None
    for index, base_first in enumerate(orders):
        runs: dict[str, Run] = {}
        for side, name in ((base, "base"), (head, "head")) if base_first else ((head, "head"), (base, "base")):
            result = once(side)
            if isinstance(result, RunFailure):
                return BenchmarkFailure(benchmark.name, name, result)
            runs[name] = result
        base_t.append(runs["base"].wall)
        head_t.append(runs["head"].wall)
        base_m.append(runs["base"].peak_rss)
        head_m.append(runs["head"].peak_rss)
        decision = stats.sequential_decision(
            base_t, head_t, plan, threshold=settings.threshold, aa_log_ratios=settings.aa_log_ratios, seed=settings.seed
        )
        if settings.on_pair is not None:
            settings.on_pair(PairEvent(benchmark.name, index + 1, plan.max_pairs, decision))
        if decision is not None:
            break
    assert decision is not None  # the last look always decides
    return Measurement(
        benchmark=benchmark.name,
        base=tuple(base_t),
        head=tuple(head_t),
        base_rss=tuple(base_m),
        head_rss=tuple(head_m),
        base_first=tuple(orders[: len(base_t)]),
        comparison=decision,
    )
