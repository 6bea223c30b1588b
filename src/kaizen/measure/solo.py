"""Runs of one side only, for comparing against stored samples (``kaizen gate --baseline-file``).

Nothing to interleave with: the runs are back to back, after one discarded warm-up run. This is
the weaker measurement and the gate says so wherever it is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaizen.config import Benchmark
from kaizen.measure.pairs import BenchmarkFailure, PairEvent, PairSettings, Side
from kaizen.measure.runs import Run, RunFailure, checkout_env, run_command


@dataclass(frozen=True)
class SoloSamples:
    benchmark: str
    wall: tuple[float, ...]
    peak_rss: tuple[int, ...]


def measure_solo(benchmark: Benchmark, side: Side, runs: int, settings: PairSettings) -> SoloSamples | BenchmarkFailure:
    command = benchmark.runnable
    timeout = benchmark.timeout or settings.timeout
    env = {**checkout_env(side.checkout), **settings.env_extra}
    results: list[Run] = []
    for index in range(runs + 1):
        if settings.before_run is not None:
            settings.before_run()
        result = run_command(command, side.checkout, timeout, env)
        if isinstance(result, RunFailure):
            return BenchmarkFailure(benchmark.name, side.label, result)
        if index:  # run 0 is the warm-up (bytecode, file cache)
            results.append(result)
        if settings.on_pair is not None:
            settings.on_pair(PairEvent(benchmark.name, index, runs))
    return SoloSamples(benchmark.name, tuple(r.wall for r in results), tuple(r.peak_rss for r in results))
