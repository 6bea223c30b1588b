"""Which finding to try first: each one scored by the benchmark seconds its rewrite is expected to save.

Pure. ``score = wall × hot_share^frequency × expected_gain × confidence × memory factor``, where

- ``hot_share`` is the share of the benchmark's wall time spent in the finding's enclosing function
  (its total, with the library calls it makes: a rewrite there removes the work it drives), found
  by the finding's qualified name; a function the profile never sampled is cold (0);
- ``expected_gain`` is the pattern's prior (the fraction of that function's time a rewrite of this
  shape typically removes), raised for functions whose static growth is worse than linear, since
  those are the places where the rewritten shape changes the order of growth;
- ``confidence`` is high when the pattern can rewrite the place safely, low when it only reports;
- the memory factor favours rewrites that free memory (and disfavours caches) when ``memory`` > 0.

With the default weights the score is in seconds per benchmark run. Without a profile every score
is 0 and the static part (gain × confidence × growth) orders the list; cold findings stay listed,
below the hot ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kaizen.analyze.complexity import FunctionShape, shape_at
from kaizen.analyze.functions import MODULE
from kaizen.measure.hotspots import FunctionStats, Profile

if TYPE_CHECKING:  # the pattern base pulls in libcst (~1 s); ranking only reads a Finding's fields
    from kaizen.patterns.base import Finding

# Fraction of the enclosing function's time a rewrite of this shape typically saves on a hot path.
# Set from the size of the change in order of growth each rewrite makes (an O(n·m) join → O(n+m)
# saves nearly all; a comprehension instead of an append loop saves a few per cent), and meant to
# be adapted by the overnight loop from what it measures.
DEFAULT_PRIORS: Mapping[str, float] = {
    "KZ101": 0.8,  # nested-loop equality join → dict index: O(n·m) → O(n + m)
    "KZ102": 0.6,  # `x in list` on a loop-invariant list → set: O(n) → O(1) per test
    "KZ103": 0.5,  # membership dedup → seen-set
    "KZ104": 0.5,  # .index()/.count() in a loop → dict / Counter
    "KZ105": 0.3,  # loop-invariant expensive expression → hoisted
    "KZ106": 0.9,  # pure tree recursion → functools.cache: exponential → linear
    "KZ107": 0.4,  # list as queue (pop(0), insert(0, …)) → deque
    "KZ108": 0.4,  # quadratic string / list accumulation → list + join
    "KZ109": 0.3,  # sorted(x)[0] → min(x)
    "KZ110": 0.5,  # sum(lists, []) → itertools.chain
    "KZ111": 0.4,  # re-sorting after each insertion → bisect.insort
    "KZ112": 0.3,  # heavy module-level import used only in functions → function-level import
    "KZ113": 0.05,  # append loop → comprehension
}
DEFAULT_GAIN = 0.2  # a pattern without a prior

# What a rewrite does to peak memory: > 0 frees memory, < 0 holds more (an index, a cache).
MEMORY_EFFECT: Mapping[str, float] = {
    "KZ101": -0.3,
    "KZ102": -0.1,
    "KZ103": -0.1,
    "KZ104": -0.2,
    "KZ106": -0.5,
    "KZ108": 0.2,
    "KZ109": 0.3,
    "KZ110": 0.3,
    "KZ112": 0.5,
}

MAX_GAIN = 0.95  # no rewrite removes all of a function's time


@dataclass(frozen=True)
class Weights:
    """The knobs the overnight loop adapts (all ≥ 0)."""

    complexity: float = 0.5  # gain multiplier per degree of growth above linear: 1 + c·(order − 1)
    frequency: float = 1.0  # exponent on hot share: > 1 favours the hottest code more strongly
    memory: float = 0.0  # how much a rewrite's effect on memory counts
    fixable_confidence: float = 0.9  # a place the pattern can rewrite safely
    report_only_confidence: float = 0.2  # a place it only reports (a person must rewrite it)


@dataclass(frozen=True)
class Candidate:
    finding: Finding
    hot_share: float | None  # share of wall time in the enclosing function; None without a profile
    self_share: float | None  # ...as its deepest source function (library calls included)
    calls: int | None
    expected_gain: float  # the prior, raised by the growth of the enclosing function
    confidence: float
    growth: str | None  # static growth label of the enclosing function, e.g. "O(n²)"
    score: float  # expected seconds saved per benchmark run (in seconds with the default weights)
    static_score: float  # gain × confidence × memory factor: the order among equally hot findings

    @property
    def key(self) -> str:
        """Stable identity of the place, for "already tried" bookkeeping."""
        f = self.finding
        return f"{f.pattern_id}:{f.path}:{f.function or '<module>'}:{f.line}"

    @property
    def hot(self) -> bool:
        return bool(self.hot_share)


def complexity_factor(shape: FunctionShape | None, weights: Weights) -> float:
    if shape is None:
        return 1.0
    order = min(shape.growth.order, 4.0)  # exponential counts as degree 4: already the top
    return 1.0 + weights.complexity * max(0.0, order - 1.0)


def _enclosing(profile: Profile, finding: Finding, functions: set[str] | None) -> FunctionStats | None:
    """The profiled function a finding sits in, or None when that function was never sampled.

    Lambdas and class bodies have no time of their own in a profile (a lambda's samples count
    toward the function around it, a class body runs as module-level code), so their names are
    shortened to the enclosing function, which ``functions`` (the file's function names) tells.
    """
    parts = finding.function.split(".") if finding.function else []
    if functions is not None:
        while parts and ".".join(parts) not in functions:
            parts.pop()
    else:
        while parts and parts[-1] == "<lambda>":
            parts.pop()
    return profile.function(finding.path, ".".join(parts) or MODULE)


def rank(
    findings: Iterable[Finding],
    profile: Profile | None,
    weights: Weights = Weights(),  # frozen: sharing the default is safe
    priors: Mapping[str, float] = DEFAULT_PRIORS,
    *,
    shapes: Mapping[str, Sequence[FunctionShape]] | None = None,
    wall: float | None = None,
) -> list[Candidate]:
    """Findings as candidates, best first. ``shapes`` (path → ``analyze_source`` of that file) adds the
    growth labels; ``wall`` overrides the profile's wall time (e.g. the unprofiled median)."""
    seconds = wall if wall is not None else (profile.wall if profile is not None else 0.0)
    candidates = []
    for finding in findings:
        in_file = tuple(shapes.get(finding.path, ())) if shapes else ()
        shape = shape_at(in_file, finding.line) if shapes else None
        names = {s.qualname for s in in_file} if shapes else None
        stats = _enclosing(profile, finding, names) if profile is not None else None
        hot_share = (stats.total_share if stats else 0.0) if profile is not None else None
        gain = min(MAX_GAIN, priors.get(finding.pattern_id, DEFAULT_GAIN) * complexity_factor(shape, weights))
        confidence = weights.fixable_confidence if finding.fixable else weights.report_only_confidence
        memory = max(0.0, 1.0 + weights.memory * MEMORY_EFFECT.get(finding.pattern_id, 0.0))
        static = gain * confidence * memory
        candidates.append(
            Candidate(
                finding=finding,
                hot_share=hot_share,
                self_share=(stats.self_share if stats else 0.0) if profile is not None else None,
                calls=stats.calls if stats else None,
                expected_gain=gain,
                confidence=confidence,
                growth=shape.growth.label if shape else None,
                score=seconds * (hot_share or 0.0) ** weights.frequency * static,
                static_score=static,
            )
        )
    return sorted(candidates, key=_order)


def combine(rankings: Sequence[Sequence[Candidate]]) -> list[Candidate]:
    """One ranking over several benchmarks: seconds saved add up, the hottest share is shown."""
    merged: dict[str, Candidate] = {}
    for ranking in rankings:
        for c in ranking:
            seen = merged.get(c.key)
            if seen is None:
                merged[c.key] = c
                continue
            shares = [s for s in (seen.hot_share, c.hot_share) if s is not None]
            selfs = [s for s in (seen.self_share, c.self_share) if s is not None]
            merged[c.key] = replace(
                seen,
                hot_share=max(shares) if shares else None,
                self_share=max(selfs) if selfs else None,
                calls=(seen.calls or 0) + (c.calls or 0) if seen.calls is not None or c.calls is not None else None,
                score=seen.score + c.score,
            )
    return sorted(merged.values(), key=_order)


def _order(c: Candidate) -> tuple[float, float, str, int, str]:
    return (-c.score, -c.static_score, c.finding.path, c.finding.line, c.finding.pattern_id)
