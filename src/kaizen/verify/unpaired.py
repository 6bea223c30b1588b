"""Comparing against a stored baseline: two independent samples, not pairs. Pure functions.

``kaizen gate --baseline-file`` has no base runs to pair with: the base samples were taken
earlier, maybe on another machine. The test is the one-sided Mann–Whitney U on log times, the
estimate the two-sample Hodges–Lehmann shift (median of all log differences) and the interval a
bootstrap resampling each sample on its own. The result is a ``stats.Comparison``, so the same
verdict words and andon rules apply. What no formula can fix: drift between the two sessions
(CPU model, frequency, load) is in neither sample's spread, so it is not in the error bars.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import stats as sps

from kaizen.verify.stats import BOOTSTRAP_RESAMPLES, CONFIDENCE, Comparison, Verdict, robust_sd


def shift(base: NDArray[np.float64], head: NDArray[np.float64]) -> float:
    """Hodges–Lehmann estimate of log(base/head) for independent samples."""
    return float(np.median(base[:, None] - head[None, :]))


def mann_whitney_p(base: NDArray[np.float64], head: NDArray[np.float64], alternative: str) -> float:
    if np.all(base == base[0]) and np.all(head == base[0]):
        return 1.0
    return float(sps.mannwhitneyu(base, head, alternative=alternative).pvalue)


def bootstrap_shift(base: NDArray[np.float64], head: NDArray[np.float64], seed: int, resamples: int = BOOTSTRAP_RESAMPLES) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    b = base[rng.integers(0, len(base), size=(resamples, len(base)))]
    h = head[rng.integers(0, len(head), size=(resamples, len(head)))]
    estimates = np.median(b[:, :, None] - h[:, None, :], axis=(1, 2))
    tail = (1.0 - CONFIDENCE) / 2.0
    low, high = np.quantile(estimates, [tail, 1.0 - tail])
    return float(low), float(high)


def compare_unpaired(
    base: Sequence[float], head: Sequence[float], *, alpha: float = 0.01, threshold: float = 0.05, seed: int = 0
) -> Comparison:
    """The verdict ladder of ``stats.compare`` on independent samples (no sequential looks)."""
    if len(base) < 2 or len(head) < 2:
        raise ValueError("need at least two samples on each side")
    if min(base) <= 0 or min(head) <= 0:
        raise ValueError("timings must be positive")
    x = np.log(np.asarray(base, dtype=float))
    y = np.log(np.asarray(head, dtype=float))
    z = float(sps.norm.ppf(0.5 + CONFIDENCE / 2.0))
    spread = robust_sd(np.concatenate([x - np.median(x), y - np.median(y)]))
    floor = math.expm1(z * spread * math.sqrt(1 / len(x) + 1 / len(y)))
    margin = max(threshold, floor)
    estimate = shift(x, y)
    lo, hi = bootstrap_shift(x, y, seed)
    p_faster = mann_whitney_p(x, y, "greater")
    p_slower = mann_whitney_p(x, y, "less")
    log_margin, log_band = math.log1p(margin), math.log1p(threshold)
    if p_faster < alpha and estimate > log_margin and lo > 0:
        verdict, reason = Verdict.FASTER, f"significantly faster than the baseline (p={p_faster:.2g}) by more than {margin:.1%}"
    elif p_slower < alpha and -estimate > log_margin and hi < 0:
        verdict, reason = Verdict.SLOWER, f"significantly slower than the baseline (p={p_slower:.2g}) by more than {margin:.1%}"
    elif -log_band < lo and hi < log_band:
        verdict, reason = Verdict.NO_CHANGE, f"the interval lies within ±{threshold:.1%} of the baseline"
    elif (p_faster < alpha or p_slower < alpha) and abs(estimate) <= log_band:
        verdict, reason = Verdict.NO_CHANGE, f"significantly different from the baseline, but by less than {threshold:.1%}"
    else:
        verdict, reason = Verdict.INCONCLUSIVE, "too noisy to tell from the baseline"
    return Comparison(
        verdict=verdict,
        speedup=math.exp(estimate),
        ci_low=math.exp(lo),
        ci_high=math.exp(hi),
        p_faster=p_faster,
        p_slower=p_slower,
        pairs=min(len(x), len(y)),
        noise_floor=floor,
        threshold=threshold,
        alpha=alpha,
        reason=reason,
    )
