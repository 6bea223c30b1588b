"""The statistics behind every verdict. Pure functions: samples in, numbers out; no I/O, no clock.

Conventions: a *pair* is one run of the base and one of the head, interleaved; its log ratio is
``log(base / head)``, so positive means the head is faster. The *speedup* is ``base / head`` as a
factor (1.25 = 25 % faster), estimated by the Hodges–Lehmann estimator of the log ratios (the
median of the Walsh averages, which goes with the Wilcoxon signed-rank test and shrugs off one odd
process). Sequential looks share ``alpha`` out over the looks (a Bonferroni split whose per-look
levels sum to ``alpha``), so stopping early can never raise the error rate above ``alpha``; stopping
for futility only ever removes rejections. The first look gets the largest share (40 %) because at
8 pairs the exact signed-rank test cannot go below p = 1/256: an even split (alpha/4 = 0.0025)
would make the first look unable to ever say "faster".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray
from scipy import stats as sps

DEFAULT_LOOKS = (8, 12, 16, 24)
BOOTSTRAP_RESAMPLES = 2000
CONFIDENCE = 0.99


class Verdict(StrEnum):
    FASTER = "faster"
    SLOWER = "slower"
    NO_CHANGE = "no-change"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class Comparison:
    verdict: Verdict
    speedup: float  # base / head; > 1 means head is faster
    ci_low: float  # CONFIDENCE-level bootstrap interval of the speedup
    ci_high: float
    p_faster: float  # one-sided Wilcoxon p-value for "head is faster"
    p_slower: float  # one-sided Wilcoxon p-value for "head is slower"
    pairs: int
    noise_floor: float  # smallest relative change these pairs can tell from noise
    threshold: float  # the practical margin the change had to beat
    alpha: float  # the per-look level the p-values were held to
    reason: str  # why this verdict, in words

    @property
    def p(self) -> float:
        """The p-value that matters for the verdict's direction."""
        return self.p_slower if self.verdict is Verdict.SLOWER or self.speedup < 1 else self.p_faster

    @property
    def change(self) -> float:
        """Relative time saved (0.2 = head takes 20 % less time); negative when slower."""
        return 1.0 - 1.0 / self.speedup


def log_ratios(base: Sequence[float], head: Sequence[float]) -> NDArray[np.float64]:
    a = np.asarray(base, dtype=float)
    b = np.asarray(head, dtype=float)
    if a.shape != b.shape:
        raise ValueError("base and head need the same number of samples (one of each per pair)")
    if np.any(a <= 0) or np.any(b <= 0):
        raise ValueError("timings must be positive")
    return np.asarray(np.log(a / b), dtype=np.float64)


def hodges_lehmann(x: NDArray[np.float64]) -> float:
    i, j = np.triu_indices(len(x))
    return float(np.median((x[i] + x[j]) / 2.0))


def wilcoxon_p(x: NDArray[np.float64], alternative: str) -> float:
    """One-sided signed-rank p-value; exact for small samples, 1.0 when every difference is zero."""
    if len(x) == 0 or not np.any(x != 0):
        return 1.0
    result = sps.wilcoxon(x, alternative=alternative, zero_method="wilcox")
    return float(result.pvalue)


def bootstrap_ci(x: NDArray[np.float64], confidence: float = CONFIDENCE, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of the Hodges–Lehmann log ratio, vectorised."""
    n = len(x)
    if n < 2:
        v = float(x[0]) if n else 0.0
        return v, v
    rng = np.random.default_rng(seed)
    samples = x[rng.integers(0, n, size=(resamples, n))]
    i, j = np.triu_indices(n)
    walsh = (samples[:, i] + samples[:, j]) / 2.0
    estimates = np.median(walsh, axis=1)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(estimates, [tail, 1.0 - tail])
    return float(low), float(high)


def robust_sd(x: NDArray[np.float64]) -> float:
    """Spread that one odd process cannot inflate: the scaled median absolute deviation."""
    if len(x) < 2:
        return 0.0
    mad = float(np.median(np.abs(x - np.median(x))))
    sd = 1.4826 * mad
    return sd if sd > 0 else float(np.std(x, ddof=1))


def noise_floor(aa_log_ratios: Sequence[float], pairs: int, confidence: float = CONFIDENCE) -> float:
    """The smallest relative change that ``pairs`` pairs can tell from noise, from A/A log ratios.

    A/A ratios (the same code on both sides) show what the machine alone does; the floor is the
    two-sided ``confidence`` bound of the mean of ``pairs`` such ratios.
    """
    x = np.asarray(aa_log_ratios, dtype=float)
    if len(x) < 2 or pairs < 1:
        return 0.0
    z = float(sps.norm.ppf(0.5 + confidence / 2.0))
    return math.expm1(z * robust_sd(x) / math.sqrt(pairs))


def adjacent_aa(samples: Sequence[float]) -> NDArray[np.float64]:
    """A/A log ratios for free: consecutive runs of the same side, which ran under the same code."""
    x = np.asarray(samples, dtype=float)
    if len(x) < 2:
        return np.zeros(0)
    return np.asarray(np.log(x[1:] / x[:-1]), dtype=np.float64)


def compare(
    base: Sequence[float],
    head: Sequence[float],
    *,
    alpha: float = 0.01,
    threshold: float = 0.05,
    aa_log_ratios: Sequence[float] | None = None,
    final: bool = True,
    seed: int = 0,
) -> Comparison:
    """Decide from paired samples. ``final=False`` is an interim look: ``inconclusive`` there
    means "keep measuring"; ``no-change`` means the change provably cannot reach the margin."""
    x = log_ratios(base, head)
    n = len(x)
    aa = adjacent_aa(base) if aa_log_ratios is None else np.asarray(aa_log_ratios, dtype=float)
    floor = noise_floor(aa.tolist(), n)
    margin = max(threshold, floor)
    estimate = hodges_lehmann(x) if n else 0.0
    lo, hi = bootstrap_ci(x, seed=seed) if n else (0.0, 0.0)
    p_faster = wilcoxon_p(x, "greater")
    p_slower = wilcoxon_p(x, "less")
    log_margin = math.log1p(margin)  # what a claimed change must beat: threshold and noise
    log_band = math.log1p(threshold)  # what counts as "no change that matters"
    speedup = math.exp(estimate)

    if p_faster < alpha and estimate > log_margin and lo > 0:
        verdict, reason = Verdict.FASTER, f"significantly faster (p={p_faster:.2g}) by more than the {margin:.1%} margin"
    elif p_slower < alpha and -estimate > log_margin and hi < 0:
        verdict, reason = Verdict.SLOWER, f"significantly slower (p={p_slower:.2g}) by more than the {margin:.1%} margin"
    elif -log_band < lo and hi < log_band:
        verdict, reason = Verdict.NO_CHANGE, f"the {CONFIDENCE:.0%} interval lies within ±{threshold:.1%}: any change is too small to matter"
    elif (p_faster < alpha or p_slower < alpha) and abs(estimate) <= log_band:
        side = "faster" if p_faster < alpha else "slower"
        verdict, reason = Verdict.NO_CHANGE, f"significantly {side}, but by less than the {threshold:.1%} threshold"
    elif floor > threshold and abs(estimate) <= log_margin:
        verdict, reason = Verdict.INCONCLUSIVE, f"too noisy: the noise floor ({floor:.1%}) is above the threshold and the change does not clear it"
    else:
        verdict, reason = Verdict.INCONCLUSIVE, "too noisy to tell at this many pairs"
    if not final and verdict is Verdict.NO_CHANGE and not (-log_band < lo and hi < log_band):
        verdict, reason = Verdict.INCONCLUSIVE, "keep measuring"
    return Comparison(
        verdict=verdict,
        speedup=speedup,
        ci_low=math.exp(lo),
        ci_high=math.exp(hi),
        p_faster=p_faster,
        p_slower=p_slower,
        pairs=n,
        noise_floor=floor,
        threshold=threshold,
        alpha=alpha,
        reason=reason,
    )


@dataclass(frozen=True)
class SequentialPlan:
    """When to look at the data, and at what level, so that looking early costs no false alarms."""

    looks: tuple[int, ...] = DEFAULT_LOOKS
    alpha: float = 0.01

    @classmethod
    def up_to(cls, max_pairs: int, alpha: float, min_pairs: int = 8) -> SequentialPlan:
        looks = tuple(sorted({n for n in DEFAULT_LOOKS if min_pairs <= n <= max_pairs} | {max_pairs}))
        if max_pairs > DEFAULT_LOOKS[-1]:
            step = DEFAULT_LOOKS[-1]
            looks = tuple(sorted(set(looks) | set(range(step * 2, max_pairs, step))))
        return cls(looks=looks, alpha=alpha)

    FIRST_LOOK_SHARE = 0.4

    def alpha_at(self, pairs: int) -> float:
        """The level a look at ``pairs`` pairs is held to; the levels over all looks sum to alpha."""
        if len(self.looks) == 1:
            return self.alpha
        if pairs == self.looks[0]:
            return self.alpha * self.FIRST_LOOK_SHARE
        return self.alpha * (1.0 - self.FIRST_LOOK_SHARE) / (len(self.looks) - 1)

    @property
    def max_pairs(self) -> int:
        return self.looks[-1]

    def is_look(self, pairs: int) -> bool:
        return pairs in self.looks


def sequential_decision(
    base: Sequence[float],
    head: Sequence[float],
    plan: SequentialPlan,
    *,
    threshold: float = 0.05,
    aa_log_ratios: Sequence[float] | None = None,
    seed: int = 0,
) -> Comparison | None:
    """At a look: the final ``Comparison`` when the data can stop, None to keep measuring."""
    n = len(base)
    if not plan.is_look(n):
        return None
    final = n >= plan.max_pairs
    result = compare(base, head, alpha=plan.alpha_at(n), threshold=threshold, aa_log_ratios=aa_log_ratios, final=final, seed=seed)
    if final or result.verdict is not Verdict.INCONCLUSIVE:
        return result
    return None


def balanced_orders(pairs: int, rng: np.random.Generator) -> list[bool]:
    """For each pair, True when the base runs first. Every block of four is ABBA or BAAB, shuffled,
    so order effects and slow drift cancel rather than favour one side."""
    orders: list[bool] = []
    while len(orders) < pairs:
        block = [True, False, False, True] if rng.random() < 0.5 else [False, True, True, False]
        orders.extend(block)
    return orders[:pairs]
