"""Adaptive parameters: the threshold, the pattern order and the ranking weights learn from the
night's outcomes. Pure functions; every change comes back with its reason so the loop can log it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kaizen.analyze.rank import Candidate, Weights

THRESHOLD_BOUNDS = (0.02, 0.15)
WINDOW = 5
WEIGHT_BOUNDS = {"complexity": (0.1, 2.0), "frequency": (0.5, 2.0), "memory": (0.0, 2.0)}


@dataclass(frozen=True)
class Change:
    name: str
    old: float
    new: float
    reason: str


@dataclass(frozen=True)
class Outcome:
    """What happened to one tried candidate, as adaptation sees it."""

    kept: bool
    pattern_id: str
    growth_order: float  # 1.0 linear, 2.0 quadratic...
    hot_share: float
    reason: str  # decision reason ("faster", "slower", "memory", ...)


def adapt_threshold(current: float, recent: Sequence[Outcome], bounds: tuple[float, float] = THRESHOLD_BOUNDS) -> Change | None:
    """Many recent successes: ask more of the next ones. None for a while: accept smaller gains."""
    if len(recent) < WINDOW:
        return None
    window = recent[-WINDOW:]
    kept = sum(o.kept for o in window)
    lo, hi = bounds
    if kept >= 3 and current < hi:
        new = min(hi, round(current * 1.25, 4))
        return Change("improvement_threshold", current, new, f"{kept} of the last {WINDOW} candidates kept: raise the bar")
    if kept == 0 and current > lo:
        new = max(lo, round(current * 0.8, 4))
        return Change("improvement_threshold", current, new, f"none of the last {WINDOW} candidates kept: accept smaller gains")
    return None


def adapt_weights(weights: Weights, last: Outcome) -> list[Change]:
    """Lean the ranking toward the features of what worked, away from what did not."""
    changes: list[Change] = []

    def nudge(name: str, factor: float, reason: str, add: float = 0.0) -> None:
        old = float(getattr(weights, name))
        lo, hi = WEIGHT_BOUNDS[name]
        new = round(min(hi, max(lo, old * factor + add)), 4)
        if new != old:
            changes.append(Change(f"weight.{name}", old, new, reason))

    if last.growth_order > 1:
        if last.kept:
            nudge("complexity", 1.1, f"a kept {last.pattern_id} sat in super-linear code")
        else:
            nudge("complexity", 0.9, f"a rejected {last.pattern_id} sat in super-linear code")
    if last.hot_share >= 0.3:
        if last.kept:
            nudge("frequency", 1.1, f"a kept {last.pattern_id} was in a hot function ({last.hot_share:.0%})")
        else:
            nudge("frequency", 0.95, f"a rejected {last.pattern_id} was in a hot function ({last.hot_share:.0%})")
    if last.reason == "memory":
        nudge("memory", 1.0, "a candidate was rejected for its memory use", add=0.2)
    return changes


def apply_changes(weights: Weights, changes: Sequence[Change]) -> Weights:
    values = {c.name.removeprefix("weight."): c.new for c in changes if c.name.startswith("weight.")}
    return dataclasses.replace(weights, **values) if values else weights


def thompson_order(candidates: Sequence[Candidate], pattern_record: Mapping[str, tuple[int, int]], seed: int) -> list[Candidate]:
    """Reorder by score × a draw of each pattern's success rate (Beta(kept + 1, rejected + 1)),
    relative to the uninformed mean of 0.5: patterns that keep failing sink, untried ones stay put,
    and a pattern with one bad night still gets the occasional chance."""
    rng = np.random.default_rng(seed)
    draws: dict[str, float] = {}
    for pid in sorted({c.finding.pattern_id for c in candidates}):
        kept, rejected = pattern_record.get(pid, (0, 0))
        draws[pid] = float(rng.beta(kept + 1, rejected + 1)) / 0.5
    return sorted(candidates, key=lambda c: (-(c.score * draws[c.finding.pattern_id]), -c.static_score, c.key))
