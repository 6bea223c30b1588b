"""Accept/reject policy, false-discovery levels and adaptive parameters: pure, exhaustively."""

from __future__ import annotations

import pytest

from kaizen.analyze.rank import Weights
from kaizen.decide import adapt, fdr
from kaizen.decide.policy import BenchmarkResult, decide
from kaizen.verify.stats import Comparison, Verdict


def comp(verdict: Verdict, speedup: float = 1.0, p: float = 0.5) -> Comparison:
    return Comparison(verdict=verdict, speedup=speedup, ci_low=speedup * 0.95, ci_high=speedup * 1.05, p_faster=p, p_slower=1 - p,
                      pairs=12, noise_floor=0.01, threshold=0.05, alpha=0.01, reason="test")


def test_faster_without_slowdown_is_kept_with_the_best_benchmark() -> None:
    d = decide({"a": BenchmarkResult(comp(Verdict.FASTER, 1.3, 0.001), 0.0), "b": BenchmarkResult(comp(Verdict.FASTER, 1.6, 0.001), 0.0),
                "c": BenchmarkResult(comp(Verdict.NO_CHANGE), 0.0)}, 0.1)
    assert d.keep and d.primary == "b" and "1.600" in d.detail


def test_any_slowdown_rejects_even_with_a_gain_elsewhere() -> None:
    d = decide({"a": BenchmarkResult(comp(Verdict.FASTER, 2.0, 0.001), 0.0), "b": BenchmarkResult(comp(Verdict.SLOWER, 0.8, 0.999), 0.0)}, 0.1)
    assert not d.keep and d.reason == "slower" and d.detail.startswith("b ")


def test_memory_growth_beyond_margin_rejects() -> None:
    d = decide({"a": BenchmarkResult(comp(Verdict.FASTER, 2.0, 0.001), 0.25)}, 0.10)
    assert not d.keep and d.reason == "memory" and "+25%" in d.detail
    assert decide({"a": BenchmarkResult(comp(Verdict.FASTER, 2.0, 0.001), 0.05)}, 0.10).keep


@pytest.mark.parametrize(("verdicts", "reason"), [
    ([Verdict.NO_CHANGE, Verdict.NO_CHANGE], "no-change"),
    ([Verdict.NO_CHANGE, Verdict.INCONCLUSIVE], "inconclusive"),
    ([Verdict.INCONCLUSIVE], "inconclusive"),
])
def test_no_gain_is_rejected_with_its_reason(verdicts: list[Verdict], reason: str) -> None:
    d = decide({str(i): BenchmarkResult(comp(v), 0.0) for i, v in enumerate(verdicts)}, 0.1)
    assert not d.keep and d.reason == reason


def test_nothing_measured_is_not_kept() -> None:
    assert not decide({}, 0.1).keep


def test_lond_levels_sum_to_alpha_and_grow_with_discoveries() -> None:
    assert sum(fdr.gamma(i) for i in range(1, 100000)) == pytest.approx(1.0, abs=1e-4)
    assert fdr.lond_alpha(0.01, 1, 0) == pytest.approx(0.005)
    assert fdr.lond_alpha(0.01, 5, 2) == pytest.approx(0.01 / 30 * 3)
    assert fdr.lond_alpha(0.01, 1, 10) == 0.01  # never above alpha
    with pytest.raises(ValueError):
        fdr.gamma(0)


def outcome(kept: bool, order: float = 1.0, hot: float = 0.0, reason: str = "faster") -> adapt.Outcome:
    return adapt.Outcome(kept=kept, pattern_id="KZ101", growth_order=order, hot_share=hot, reason=reason if kept else "no-change")


def test_threshold_rises_after_successes_and_falls_after_failures_within_bounds() -> None:
    assert adapt.adapt_threshold(0.05, [outcome(True)] * 4) is None  # not enough history
    up = adapt.adapt_threshold(0.05, [outcome(True)] * 3 + [outcome(False)] * 2)
    assert up is not None and up.new == pytest.approx(0.0625) and "3 of the last 5" in up.reason
    down = adapt.adapt_threshold(0.05, [outcome(False)] * 5)
    assert down is not None and down.new == pytest.approx(0.04)
    assert adapt.adapt_threshold(0.02, [outcome(False)] * 5) is None  # at the floor
    assert adapt.adapt_threshold(0.15, [outcome(True)] * 5) is None  # at the ceiling
    assert adapt.adapt_threshold(0.05, [outcome(True), outcome(False), outcome(False), outcome(True), outcome(False)]) is None


def test_weights_follow_what_worked() -> None:
    w = Weights()
    changes = adapt.adapt_weights(w, outcome(True, order=2.0, hot=0.5))
    names = {c.name for c in changes}
    assert names == {"weight.complexity", "weight.frequency"}
    w2 = adapt.apply_changes(w, changes)
    assert w2.complexity > w.complexity and w2.frequency > w.frequency
    w3 = adapt.apply_changes(w, adapt.adapt_weights(w, outcome(False, order=2.0)))
    assert w3.complexity < w.complexity
    mem = adapt.adapt_weights(w, adapt.Outcome(False, "KZ101", 1.0, 0.0, "memory"))
    assert [c.name for c in mem] == ["weight.memory"] and mem[0].new == pytest.approx(w.memory + 0.2)
    assert adapt.adapt_weights(w, outcome(True)) == []
