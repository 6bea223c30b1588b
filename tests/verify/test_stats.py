"""The statistics on known cases: these are the numbers users must be able to trust."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kaizen.verify import stats
from kaizen.verify.stats import Verdict


def lognormal(rng: np.random.Generator, n: int, spread: float, scale: float = 1.0) -> np.ndarray:
    return scale * np.exp(rng.normal(0.0, spread, n))


def test_log_ratios_positive_means_head_faster() -> None:
    x = stats.log_ratios([2.0, 4.0], [1.0, 2.0])
    assert np.allclose(x, math.log(2))


def test_log_ratios_reject_mismatched_or_nonpositive() -> None:
    with pytest.raises(ValueError):
        stats.log_ratios([1.0], [1.0, 2.0])
    with pytest.raises(ValueError):
        stats.log_ratios([0.0], [1.0])


def test_hodges_lehmann_ignores_one_outlier() -> None:
    x = np.array([0.1] * 11 + [5.0])
    assert stats.hodges_lehmann(x) == pytest.approx(0.1)


def test_wilcoxon_identical_samples_give_p_one() -> None:
    assert stats.wilcoxon_p(np.zeros(10), "greater") == 1.0


def test_wilcoxon_all_positive_small_sample_is_exact() -> None:
    # every one of 8 ratios positive: exact one-sided p = 1/2^8
    assert stats.wilcoxon_p(np.arange(1, 9) / 100, "greater") == pytest.approx(1 / 256)


def test_bootstrap_ci_contains_estimate_and_is_deterministic() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(0.2, 0.05, 20)
    lo, hi = stats.bootstrap_ci(x, seed=1)
    assert lo < stats.hodges_lehmann(x) < hi
    assert (lo, hi) == stats.bootstrap_ci(x, seed=1)


def test_noise_floor_shrinks_with_pairs_and_grows_with_spread() -> None:
    rng = np.random.default_rng(0)
    quiet = rng.normal(0, 0.01, 50)
    loud = rng.normal(0, 0.05, 50)
    assert stats.noise_floor(loud, 24) > stats.noise_floor(quiet, 24)
    assert stats.noise_floor(quiet, 8) > stats.noise_floor(quiet, 32)
    assert stats.noise_floor([0.0], 10) == 0.0


def test_clear_speedup_is_faster_with_ci_around_truth() -> None:
    rng = np.random.default_rng(1)
    base = lognormal(rng, 24, 0.02)
    head = lognormal(rng, 24, 0.02, scale=0.5)
    c = stats.compare(base, head)
    assert c.verdict is Verdict.FASTER
    assert c.ci_low < 2.0 < c.ci_high or abs(c.speedup - 2.0) < 0.05
    assert c.p_faster < 0.01 and c.p_slower > 0.5
    assert c.change == pytest.approx(1 - 1 / c.speedup)


def test_clear_slowdown_is_slower() -> None:
    rng = np.random.default_rng(2)
    c = stats.compare(lognormal(rng, 24, 0.02), lognormal(rng, 24, 0.02, scale=1.5))
    assert c.verdict is Verdict.SLOWER
    assert c.p == c.p_slower


def test_identical_code_is_no_change_when_quiet() -> None:
    rng = np.random.default_rng(4)
    c = stats.compare(lognormal(rng, 24, 0.01), lognormal(rng, 24, 0.01))
    assert c.verdict is Verdict.NO_CHANGE


def test_very_noisy_identical_code_is_inconclusive_not_a_verdict() -> None:
    rng = np.random.default_rng(5)
    c = stats.compare(lognormal(rng, 8, 0.4), lognormal(rng, 8, 0.4))
    assert c.verdict is Verdict.INCONCLUSIVE


def test_significant_but_tiny_change_is_no_change() -> None:
    rng = np.random.default_rng(6)
    base = lognormal(rng, 24, 0.002)
    c = stats.compare(base, base / 1.01, threshold=0.05)
    assert c.p_faster < 0.01
    assert c.verdict is Verdict.NO_CHANGE
    assert "less than" in c.reason or "within" in c.reason


def test_noise_floor_raises_the_bar_above_threshold() -> None:
    rng = np.random.default_rng(7)
    base = lognormal(rng, 24, 0.01)
    head = base / 1.08  # a real 8 % gain, measured perfectly
    aa_loud = rng.normal(0, 0.25, 40)  # but the machine is very noisy
    c = stats.compare(base, head, threshold=0.05, aa_log_ratios=aa_loud)
    assert c.noise_floor > 0.08
    assert c.verdict is not Verdict.FASTER


def test_sequential_plan_looks_and_alpha_split() -> None:
    plan = stats.SequentialPlan.up_to(24, 0.01)
    assert plan.looks == (8, 12, 16, 24)
    assert sum(plan.alpha_at(n) for n in plan.looks) == pytest.approx(0.01)
    assert plan.alpha_at(8) > 1 / 256  # the first look can decide with 8 pairs all one way
    assert stats.SequentialPlan.up_to(10, 0.01).looks == (8, 10)
    assert stats.SequentialPlan.up_to(60, 0.01).max_pairs == 60


def test_sequential_decision_stops_early_on_a_big_effect() -> None:
    rng = np.random.default_rng(8)
    base = lognormal(rng, 12, 0.02)
    head = lognormal(rng, 12, 0.02, scale=0.5)
    plan = stats.SequentialPlan.up_to(24, 0.01)
    assert stats.sequential_decision(base[:10], head[:10], plan) is None  # not a look
    decided = stats.sequential_decision(base, head, plan)
    assert decided is not None and decided.verdict is Verdict.FASTER


def test_sequential_decision_keeps_measuring_when_unclear_and_decides_at_the_end() -> None:
    rng = np.random.default_rng(9)
    plan = stats.SequentialPlan.up_to(24, 0.01)
    base = lognormal(rng, 24, 0.08)
    head = lognormal(rng, 24, 0.08, scale=0.93)
    assert stats.sequential_decision(base[:8], head[:8], plan) is None
    final = stats.sequential_decision(base, head, plan)
    assert final is not None


def test_balanced_orders_are_balanced_in_blocks() -> None:
    orders = stats.balanced_orders(24, np.random.default_rng(0))
    assert len(orders) == 24 and sum(orders) == 12
    for i in range(0, 24, 4):
        assert sum(orders[i : i + 4]) == 2
    assert len({tuple(stats.balanced_orders(24, np.random.default_rng(s))) for s in range(5)}) > 1  # randomized
