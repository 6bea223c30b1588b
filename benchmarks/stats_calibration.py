"""Calibrate kaizen's A/B decision on simulated process timings (no processes are run).

    .venv/bin/python benchmarks/stats_calibration.py [--sims 1000] [--output benchmarks/results/stats_calibration.json]

Each simulated comparison walks the same path as `kaizen bench`: balanced ABBA/BAAB pair orders,
sequential looks at 8/12/16/24 pairs with alpha split over the looks, the Wilcoxon test, the
bootstrap interval and the practical threshold. Timings are lognormal around 100 ms with a given
spread, on top of a slow drift of the machine (a random walk plus a sine, up to a few percent over
the run), so that interleaving is actually tested. Writes the figures to the output file and prints
them.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from kaizen.verify import stats

ALPHA = 0.01
THRESHOLD = 0.05
MAX_PAIRS = 24


def drift(rng: np.random.Generator, runs: int) -> np.ndarray:
    walk = np.cumsum(rng.normal(0.0, 0.002, runs))
    wave = 0.02 * np.sin(np.linspace(0, rng.uniform(1, 4) * np.pi, runs) + rng.uniform(0, 6.3))
    return np.exp(walk + wave)


def simulate(rng: np.random.Generator, spread: float, true_speedup: float, threshold: float = THRESHOLD) -> stats.Comparison:
    plan = stats.SequentialPlan.up_to(MAX_PAIRS, ALPHA)
    orders = stats.balanced_orders(MAX_PAIRS, rng)
    machine = drift(rng, 2 * MAX_PAIRS)
    base: list[float] = []
    head: list[float] = []
    for i, base_first in enumerate(orders):
        t_base = machine[2 * i if base_first else 2 * i + 1]
        t_head = machine[2 * i + 1 if base_first else 2 * i]
        base.append(0.1 * t_base * float(np.exp(rng.normal(0, spread))))
        head.append(0.1 / true_speedup * t_head * float(np.exp(rng.normal(0, spread))))
        decision = stats.sequential_decision(base, head, plan, threshold=threshold, seed=i)
        if decision is not None:
            return decision
    raise AssertionError("the last look always decides")


def scenario(sims: int, spread: float, true_speedup: float, seed: int, threshold: float = THRESHOLD) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    results = [simulate(rng, spread, true_speedup, threshold) for _ in range(sims)]
    counts = {v: sum(r.verdict is v for r in results) for v in stats.Verdict}
    return {
        "sims": sims,
        "spread": spread,
        "true_speedup": true_speedup,
        "threshold": threshold,
        "faster_rate": counts[stats.Verdict.FASTER] / sims,
        "slower_rate": counts[stats.Verdict.SLOWER] / sims,
        "no_change_rate": counts[stats.Verdict.NO_CHANGE] / sims,
        "inconclusive_rate": counts[stats.Verdict.INCONCLUSIVE] / sims,
        "mean_pairs": float(np.mean([r.pairs for r in results])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=1000)
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "stats_calibration.json")
    args = parser.parse_args()
    start = time.perf_counter()
    null = [scenario(args.sims, spread, 1.0, seed=i) for i, spread in enumerate((0.01, 0.03, 0.05))]
    # With no practical threshold only the test's level guards: this is the sequential test's own
    # false-positive rate, which the alpha split must keep at or below alpha.
    raw = scenario(args.sims, 0.03, 1.0, seed=9, threshold=0.0)
    power = scenario(args.sims, 0.03, 1.10, seed=10)
    big = scenario(args.sims, 0.03, 1.50, seed=11)
    null_fp = [s["faster_rate"] + s["slower_rate"] for s in null]
    figures = {
        "alpha": ALPHA,
        "threshold": THRESHOLD,
        "max_pairs": MAX_PAIRS,
        "null_scenarios": null,
        "false_positive_rate_max": max(null_fp),
        "test_level_without_threshold": raw,
        "false_faster_rate_without_threshold": raw["faster_rate"],
        "power_10pct_at_3pct_noise": power["faster_rate"],
        "power_scenario": power,
        "large_effect_scenario": big,
        "targets": {"false_positive_rate_max": "<= 0.01", "power_10pct_at_3pct_noise": ">= 0.90"},
        "seconds": time.perf_counter() - start,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    for s in null:
        print(f"A/A at {s['spread']:.0%} noise: false 'faster' {s['faster_rate']:.2%}, false 'slower' {s['slower_rate']:.2%}, "
              f"no-change {s['no_change_rate']:.1%}, inconclusive {s['inconclusive_rate']:.1%}, mean pairs {s['mean_pairs']:.1f}")
    print(f"A/A at 3% noise with no practical threshold: false 'faster' {raw['faster_rate']:.2%}, false 'slower' {raw['slower_rate']:.2%} (alpha {ALPHA})")
    print(f"true 10% speedup at 3% noise: 'faster' in {power['faster_rate']:.1%} of {args.sims}, mean pairs {power['mean_pairs']:.1f}")
    print(f"true 50% speedup at 3% noise: 'faster' in {big['faster_rate']:.1%}, mean pairs {big['mean_pairs']:.1f}")
    print(f"written to {args.output} ({figures['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
