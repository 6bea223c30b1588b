"""Comparing against stored samples (no pairs): the verdicts on known cases."""

from __future__ import annotations

import numpy as np
import pytest

from kaizen.verify.stats import Verdict
from kaizen.verify.unpaired import compare_unpaired


def samples(rng: np.random.Generator, n: int, scale: float, spread: float = 0.02) -> list[float]:
    return list(scale * np.exp(rng.normal(0.0, spread, n)))


def test_twice_as_slow_is_slower_with_the_factor_in_the_interval() -> None:
    rng = np.random.default_rng(1)
    c = compare_unpaired(samples(rng, 16, 0.05), samples(rng, 16, 0.10))
    assert c.verdict is Verdict.SLOWER
    assert c.speedup == pytest.approx(0.5, rel=0.05)
    assert 0.45 < c.ci_low <= c.speedup <= c.ci_high < 0.55
    assert c.p_slower < 0.001 and c.p_faster > 0.99


def test_same_distribution_never_decides_a_direction() -> None:
    rng = np.random.default_rng(2)
    verdicts = [compare_unpaired(samples(rng, 16, 0.05), samples(rng, 16, 0.05), seed=i).verdict for i in range(30)]
    assert Verdict.SLOWER not in verdicts and Verdict.FASTER not in verdicts
    assert verdicts.count(Verdict.NO_CHANGE) >= 25


def test_noisy_samples_are_inconclusive_and_the_floor_says_why() -> None:
    rng = np.random.default_rng(3)
    c = compare_unpaired(samples(rng, 8, 0.05, spread=0.3), samples(rng, 8, 0.055, spread=0.3))
    assert c.verdict is Verdict.INCONCLUSIVE and c.noise_floor > 0.2


def test_identical_constant_samples_are_no_change() -> None:
    c = compare_unpaired([0.1] * 5, [0.1] * 5)
    assert c.verdict is Verdict.NO_CHANGE and c.p_slower == 1.0 and c.speedup == 1.0


def test_refuses_too_few_or_nonpositive_samples() -> None:
    with pytest.raises(ValueError):
        compare_unpaired([0.1], [0.1, 0.2])
    with pytest.raises(ValueError):
        compare_unpaired([0.0, 0.1], [0.1, 0.2])
