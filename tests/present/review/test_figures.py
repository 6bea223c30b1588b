"""The figures the dashboard and the reports share."""

from __future__ import annotations

import math

import pytest

from kaizen.present.review import figures
from tests.present.review import factory as f
from tests.present.review.factory import T0


@pytest.mark.parametrize(("seconds", "text"), [(None, "—"), (0, "0s"), (59.4, "59s"), (59.6, "1m00s"), (247, "4m07s"), (3600, "1h00m"), (3 * 3600 + 65, "3h01m")])
def test_duration(seconds: float | None, text: str) -> None:
    assert figures.duration(seconds) == text


def test_clock_figures_of_a_running_night() -> None:
    r = f.run()  # started T0, in RUN_BENCHMARKS since T0+100, budget 1 h
    assert figures.elapsed(r, T0 + 600) == 600
    assert figures.time_in_state(r, T0 + 600) == 500
    assert figures.time_left(r, T0 + 600) == 3000
    assert figures.time_left(r, T0 + 9999) == 0  # overrun shows zero, not a negative budget


def test_clock_figures_of_a_finished_night_stop_at_its_end() -> None:
    r = f.run(status="complete", finished_at=T0 + 900, state_since=T0 + 800)
    assert figures.elapsed(r, T0 + 99999) == 900
    assert figures.time_in_state(r, T0 + 99999) == 100
    assert figures.time_left(r, T0 + 99999) is None


def test_compose_multiplies_steps_and_widens_the_interval() -> None:
    a = f.measurement(2.0, 1.8, 2.2)
    b = f.measurement(1.5, 1.4, 1.6, candidate_id=2)
    speedup, low, high = figures.compose([a, b])
    assert speedup == pytest.approx(3.0)
    assert low == pytest.approx(3.0 * math.exp(-math.hypot(math.log(2 / 1.8), math.log(1.5 / 1.4))))
    assert high == pytest.approx(3.0 * math.exp(math.hypot(math.log(2.2 / 2), math.log(1.6 / 1.5))))
    assert figures.compose([]) == (1.0, 1.0, 1.0)


def test_gains_compose_kept_steps_only_until_the_branch_is_measured() -> None:
    kept = f.decision("faster", outcome="kept", candidate_id=1)
    rejected = f.decision("slower", candidate_id=2, iteration=2)
    ms = (f.measurement(2.0, 1.8, 2.2, candidate_id=1), f.measurement(0.5, 0.4, 0.6, candidate_id=2))
    (g,) = figures.gains(f.night(decisions=(kept, rejected), measurements=ms))
    assert (g.speedup, g.steps, g.confirmed, g.best_s) == (2.0, 1, False, 0.5)
    confirm = f.measurement(1.9, 1.85, 1.95, candidate_id=None, kind="confirm")
    (g,) = figures.gains(f.night(decisions=(kept, rejected), measurements=(*ms, confirm)))
    assert (g.speedup, g.ci_low, g.confirmed) == (1.9, 1.85, True)


def test_the_last_look_of_a_sequential_test_is_the_one_that_counts() -> None:
    kept = f.decision("faster", outcome="kept", candidate_id=1)
    looks = (f.measurement(1.2, 0.9, 1.5, at=T0 + 10), f.measurement(1.5, 1.4, 1.6, at=T0 + 20))
    assert figures.gains(f.night(decisions=(kept,), measurements=looks))[0].speedup == 1.5


def test_trend_accumulates_time_saved_per_benchmark() -> None:
    kept = (f.decision("faster", outcome="kept", candidate_id=1), f.decision("faster", outcome="kept", candidate_id=2, iteration=2))
    ms = (f.measurement(2.0, 1.9, 2.1, candidate_id=1, at=T0 + 60), f.measurement(2.0, 1.9, 2.1, candidate_id=2, at=T0 + 120))
    points = figures.trend(f.night(decisions=kept, measurements=ms))["main"]
    assert points == [(0.0, 0.0), (60.0, 50.0), (120.0, 75.0)]


@pytest.mark.parametrize(("reason", "outcome", "verdict"), [
    ("faster", "kept", "faster"), ("slower: 0.9×", "rejected", "slower"), ("no-change: within 5%", "rejected", "no-change"),
    ("inconclusive", "rejected", "inconclusive"), ("stalled", "rejected", "stalled"),
    ("tests failed: test_x", "rejected", "tests failed"), ("rewrite refused: not pure", "rejected", "rewrite refused"),
    ("faster (recovered after an interruption)", "kept", "faster"),
])
def test_every_decision_has_a_verdict_word(reason: str, outcome: str, verdict: str) -> None:
    assert figures.verdict_of(f.decision(reason, outcome=outcome)) == verdict


def test_tally_and_the_candidate_under_evaluation() -> None:
    n = f.night(candidates=(f.candidate(1, "kept"), f.candidate(2, "trying"), f.candidate(3)), decisions=f.decisions("faster"))
    assert figures.tally(n) == figures.Tally(found=3, tried=1, kept=1, rejected=0)
    assert figures.under_evaluation(n) == f.candidate(2, "trying")
    assert figures.under_evaluation(f.night(run=f.run(status="interrupted"), candidates=(f.candidate(2, "trying"),))) is None


def test_growth_exponents_keep_only_fits() -> None:
    final = {"growth": {"main": {"before": {"exponent": 2.0, "label": "O(n²)"}, "after": {"label": "no exponent"}}, "x": 3, "y": {"before": {}}}}
    assert figures.growth_exponents(f.night(run=f.run(final=final))) == {"main": {"before": {"exponent": 2.0, "label": "O(n²)"}}}
    assert figures.growth_exponents(f.night()) == {}
