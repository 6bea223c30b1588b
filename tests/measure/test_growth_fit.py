"""The growth fit on synthetic data (pure): exponent, interval, labels."""

from __future__ import annotations

import numpy as np
import pytest

from kaizen.measure.growth import GrowthFit, fit_growth

SIZES = [1000, 2000, 4000, 8000]


def synthetic(exponent: float, *, noise: float = 0.03, runs: int = 3, fixed: float = 0.0, seed: int = 1) -> tuple[list[int], list[float]]:
    rng = np.random.default_rng(seed)
    sizes = [n for n in SIZES for _ in range(runs)]
    times = [fixed + 1e-6 * n**exponent * float(rng.lognormal(0.0, noise)) for n in sizes]
    return sizes, times


@pytest.mark.parametrize(("exponent", "label"), [(0.0, "O(1)"), (1.0, "O(n)"), (2.0, "O(n²)"), (3.0, "O(n³)")])
def test_whole_exponents_get_their_label(exponent: float, label: str) -> None:
    fit = fit_growth(*synthetic(exponent))
    assert fit.low <= exponent <= fit.high
    assert fit.label == label and fit.degree == round(exponent) and fit.conclusive
    assert fit.describe().startswith(f"exponent {fit.exponent:.2f} [") and fit.describe().endswith(f"≈ {label}")


def test_in_between_exponents_are_labelled_as_measured() -> None:
    fit = fit_growth(*synthetic(1.5, noise=0.01))
    assert fit.degree is None and fit.label == "O(n^1.5)"


def test_one_and_two_are_told_apart_even_with_noise() -> None:
    for seed in range(20):
        one = fit_growth(*synthetic(1.0, noise=0.10, seed=seed))
        two = fit_growth(*synthetic(2.0, noise=0.10, seed=seed))
        assert one.degree == 1 and two.degree == 2, (seed, one, two)


def test_a_fixed_start_up_cost_flattens_the_slope_unless_subtracted() -> None:
    sizes, times = synthetic(1.0, fixed=0.02, noise=0.01)  # 20 ms start-up, 1–8 ms of work
    naive = fit_growth(sizes, times)
    assert naive.exponent < 0.5
    corrected = fit_growth(sizes, times, fixed_cost=0.02)
    assert corrected.degree == 1


def test_wide_intervals_say_so() -> None:
    fit = GrowthFit(exponent=1.4, low=0.3, high=2.5, confidence=0.95, points=4, r_squared=0.5)
    assert not fit.conclusive and "too noisy" in fit.describe()


def test_too_little_data_is_refused() -> None:
    with pytest.raises(ValueError):
        fit_growth([1000, 1000, 1000], [0.1, 0.11, 0.12])  # one size
    with pytest.raises(ValueError):
        fit_growth([1000, 2000], [0.1, 0.2])  # two points
    with pytest.raises(ValueError):
        fit_growth([1000, 2000, 4000], [0.01, 0.01, 0.01], fixed_cost=0.02)  # all below the fixed cost
    with pytest.raises(ValueError):
        fit_growth([1000], [0.1, 0.2])
