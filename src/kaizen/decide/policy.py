"""Keep or reject a candidate from its measurements. Pure: comparisons in, a Decision out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kaizen.verify.stats import Comparison, Verdict


@dataclass(frozen=True)
class BenchmarkResult:
    comparison: Comparison
    rss_change: float  # relative change of median peak RSS, candidate vs best


@dataclass(frozen=True)
class Decision:
    keep: bool
    reason: str  # "faster" or the rejection reason, e.g. "slower", "no-change", "inconclusive", "memory"
    detail: str  # the figure behind it, in words
    primary: str | None  # the benchmark that carries a kept change (largest speedup)


def decide(results: Mapping[str, BenchmarkResult], memory_margin: float) -> Decision:
    """Faster on at least one benchmark, significantly slower on none, memory within the margin."""
    if not results:
        return Decision(False, "inconclusive", "no benchmark was measured", None)
    for name, r in results.items():
        c = r.comparison
        if c.verdict is Verdict.SLOWER:
            return Decision(False, "slower", f"{name} {c.speedup:.3f}× [{c.ci_low:.3f}, {c.ci_high:.3f}], p={c.p_slower:.2g}", None)
    for name, r in results.items():
        if r.rss_change > memory_margin:
            return Decision(False, "memory", f"{name}: peak RSS +{r.rss_change:.0%} (margin {memory_margin:.0%})", None)
    faster = {n: r for n, r in results.items() if r.comparison.verdict is Verdict.FASTER}
    if faster:
        name = max(faster, key=lambda n: faster[n].comparison.speedup)
        c = faster[name].comparison
        return Decision(True, "faster", f"{name} {c.speedup:.3f}× [{c.ci_low:.3f}, {c.ci_high:.3f}], p={c.p_faster:.2g}, {c.pairs} pairs", name)
    verdicts = {r.comparison.verdict for r in results.values()}
    reason = "no-change" if verdicts == {Verdict.NO_CHANGE} else "inconclusive"
    detail = "; ".join(f"{n}: {r.comparison.verdict} ({r.comparison.reason})" for n, r in results.items())
    return Decision(False, reason, detail, None)
