"""The andon rules at every boundary: what turns a benchmark, memory, imports, findings RED/YELLOW/GREEN,
and the night's stopping rules built on them."""

from __future__ import annotations

import pytest

from kaizen.config import GateConfig
from kaizen.decide import andon
from kaizen.decide.andon import Level, Signal
from kaizen.errors import KaizenError
from kaizen.measure.pairs import Measurement
from kaizen.patterns.base import Finding
from kaizen.verify.stats import Comparison, Verdict

GATE = GateConfig()  # red 10 %, CI bound 5 %, yellow 5 %, RSS 10 %, import 10 %
ALPHA = 0.004  # the level of the look that decided


def comp(
    slow: float,
    lo: float | None = None,
    hi: float | None = None,
    *,
    p_slower: float = 0.001,
    verdict: Verdict | None = None,
    floor: float = 0.02,
    alpha: float = ALPHA,
) -> Comparison:
    """A comparison whose head takes ``slow`` more time, with the slowdown's CI [lo, hi]."""
    lo = slow - 0.02 if lo is None else lo
    hi = slow + 0.02 if hi is None else hi
    if verdict is None:
        verdict = Verdict.SLOWER if p_slower < alpha and slow > 0.05 else Verdict.NO_CHANGE
    return Comparison(
        verdict=verdict,
        speedup=1.0 / (1.0 + slow),
        ci_low=1.0 / (1.0 + hi),
        ci_high=1.0 / (1.0 + lo),
        p_faster=1.0 - p_slower,
        p_slower=p_slower,
        pairs=12,
        noise_floor=floor,
        threshold=0.05,
        alpha=alpha,
        reason="",
    )


def level(c: Comparison, gate: GateConfig = GATE) -> Level:
    return andon.benchmark_signal("main", c, gate).level


def test_twice_as_slow_is_red_with_the_figure_and_the_rule() -> None:
    signal = andon.benchmark_signal("main", comp(1.0, 0.9, 1.1), GATE)
    assert signal.level is Level.RED
    assert "2.00× slower" in signal.figure and "+100.0% time" in signal.figure and "p=0.001" in signal.figure
    assert "more than 10%" in signal.rule and "beyond 5%" in signal.rule


@pytest.mark.parametrize(
    ("slow", "expected"),
    [(0.10, Level.YELLOW), (0.1001, Level.RED), (0.0999, Level.YELLOW), (0.05, Level.YELLOW), (0.0499, Level.GREEN), (0.0, Level.GREEN)],
)
def test_slowdown_boundaries(slow: float, expected: Level) -> None:
    # significant, with a CI bound far enough: only the point estimate decides
    assert level(comp(slow, lo=0.06 if slow > 0.06 else slow - 0.01)) is expected


@pytest.mark.parametrize(("lo", "expected"), [(0.05, Level.YELLOW), (0.0501, Level.RED), (0.0, Level.YELLOW)])
def test_ci_lower_bound_must_be_beyond_red_ci_bound(lo: float, expected: Level) -> None:
    assert level(comp(0.2, lo=lo)) is expected


@pytest.mark.parametrize(("p", "expected"), [(ALPHA, Level.YELLOW), (ALPHA * 0.99, Level.RED), (0.5, Level.YELLOW)])
def test_red_needs_p_below_the_looks_level(p: float, expected: Level) -> None:
    assert level(comp(0.3, lo=0.2, p_slower=p, verdict=Verdict.SLOWER)) is expected


def test_too_noisy_is_yellow_and_never_red() -> None:
    signal = andon.benchmark_signal("main", comp(0.4, lo=-0.3, hi=1.2, p_slower=0.2, verdict=Verdict.INCONCLUSIVE), GATE)
    assert signal.level is Level.YELLOW and "too noisy" in signal.rule and "never red on noise" in signal.rule
    # a noisy comparison that looks faster but cannot rule out a slowdown says so too
    assert level(comp(-0.2, lo=-0.5, hi=0.3, p_slower=0.9, verdict=Verdict.INCONCLUSIVE)) is Level.YELLOW


@pytest.mark.parametrize(("hi", "expected"), [(0.05, Level.YELLOW), (0.0499, Level.GREEN), (-0.01, Level.GREEN)])
def test_noisy_but_ruling_out_a_slowdown_is_green(hi: float, expected: Level) -> None:
    # only "is it faster?" is unclear: the gate's one-sided question is answered
    signal = andon.benchmark_signal("main", comp(-0.1, lo=-0.3, hi=hi, p_slower=0.9, verdict=Verdict.INCONCLUSIVE), GATE)
    assert signal.level is expected
    if expected is Level.GREEN:
        assert "rules out a slowdown of 5%" in signal.rule and "too noisy to tell" in signal.rule


def test_faster_and_no_change_are_green() -> None:
    assert level(comp(-0.5, p_slower=0.99, verdict=Verdict.FASTER)) is Level.GREEN
    signal = andon.benchmark_signal("main", comp(0.01, lo=-0.02, hi=0.03, p_slower=0.3), GATE)
    assert signal.level is Level.GREEN and "no-change" in signal.rule


def test_red_threshold_below_noise_floor_is_refused_and_the_floor_is_used() -> None:
    noisy_but_real = andon.benchmark_signal("main", comp(0.12, lo=0.08, floor=0.15), GATE)
    assert noisy_but_real.level is Level.YELLOW
    assert "below this run's noise floor 15%" in noisy_but_real.rule and "refused" in noisy_but_real.rule
    huge = andon.benchmark_signal("main", comp(0.5, lo=0.3, floor=0.15), GATE)
    assert huge.level is Level.RED and "more than 15%" in huge.rule and "refused" in huge.rule
    at_floor = andon.benchmark_signal("main", comp(0.12, lo=0.08, floor=0.10), GATE)  # floor == threshold: not refused
    assert at_floor.level is Level.RED and "refused" not in at_floor.rule


def test_custom_thresholds_move_the_boundaries() -> None:
    strict = GateConfig(red_slowdown=0.03, red_ci_bound=0.01, yellow_slowdown=0.01)
    assert level(comp(0.04, lo=0.02, floor=0.01), strict) is Level.RED
    assert level(comp(0.02, lo=0.005, floor=0.01), strict) is Level.YELLOW
    assert level(comp(0.005, lo=0.0, floor=0.01), strict) is Level.GREEN


def test_contradicting_thresholds_are_refused() -> None:
    with pytest.raises(KaizenError, match="yellow_slowdown \\(12%\\) is above red_slowdown \\(10%\\)"):
        andon.check_thresholds(GateConfig(yellow_slowdown=0.12))
    with pytest.raises(KaizenError, match="red_ci_bound"):
        andon.check_thresholds(GateConfig(red_ci_bound=0.2))
    andon.check_thresholds(GateConfig(yellow_slowdown=0.10, red_ci_bound=0.10))  # equal is fine


def test_tests_signal() -> None:
    assert andon.tests_signal(True, "12 tests pass") == Signal("TESTS", Level.GREEN, "12 tests pass", "tests pass")
    failed = andon.tests_signal(False, "tests failed: test_a")
    assert failed.level is Level.RED and failed.figure == "tests failed: test_a"
    assert andon.tests_signal(False, configured=False).level is Level.YELLOW


@pytest.mark.parametrize(("change", "expected"), [(0.10, Level.GREEN), (0.1001, Level.YELLOW), (-0.5, Level.GREEN), (2.0, Level.YELLOW)])
def test_memory_boundary(change: float, expected: Level) -> None:
    assert andon.memory_signal([("main", change, 100 * 2**20, 110 * 2**20)], GATE).level is expected


def test_memory_reports_the_worst_benchmark_and_says_when_nothing_ran() -> None:
    signal = andon.memory_signal([("a", 0.01, 10 * 2**20, 10 * 2**20), ("b", 0.5, 20 * 2**20, 30 * 2**20)], GATE)
    assert signal.level is Level.YELLOW and "in b" in signal.figure and "20.0 MiB → 30.0 MiB" in signal.figure
    empty = andon.memory_signal([], GATE)
    assert empty.level is Level.GREEN and "not measured" in empty.figure


@pytest.mark.parametrize(
    ("slow", "p", "expected"),
    [(0.10, 0.001, Level.GREEN), (0.1001, 0.001, Level.YELLOW), (0.5, ALPHA, Level.GREEN), (0.5, 0.001, Level.YELLOW)],
)
def test_import_time_is_yellow_only_when_significantly_slower(slow: float, p: float, expected: Level) -> None:
    c = comp(slow, p_slower=p, verdict=Verdict.SLOWER if p < ALPHA else Verdict.INCONCLUSIVE)
    signal = andon.import_signal(["pkg"], c, GATE, 10.0, 10.0 * (1 + slow))
    assert signal.level is expected and signal.name == "IMPORT TIME" and "import pkg" in signal.figure


def finding(pattern: str, path: str, function: str | None, line: int) -> Finding:
    return Finding(pattern, "slug", path, line, 0, line, "msg", function, True)


def test_new_findings_ignore_moved_lines_but_count_new_places_and_extra_instances() -> None:
    base = [finding("KZ101", "a.py", "f", 10), finding("KZ102", "a.py", "g", 20)]
    head = [
        finding("KZ101", "a.py", "f", 14),  # moved down by an edit above: not new
        finding("KZ101", "a.py", "f", 30),  # a second one in the same function: new
        finding("KZ102", "a.py", "h", 40),  # same pattern, another function: new
        finding("KZ103", "b.py", None, 1),  # a new file's module-level finding: new
    ]
    fresh = andon.new_findings(base, head)
    assert [(f.pattern_id, f.function, f.line) for f in fresh] == [("KZ101", "f", 30), ("KZ102", "h", 40), ("KZ103", None, 1)]
    assert andon.new_findings(head, base) == [finding("KZ102", "a.py", "g", 20)]
    assert andon.new_findings(base, base) == []


def test_findings_signal() -> None:
    assert andon.findings_signal([], 3).level is Level.GREEN
    many = [finding("KZ101", "a.py", "f", n) for n in range(1, 5)]
    signal = andon.findings_signal(many, 1)
    assert signal.level is Level.YELLOW and signal.figure.startswith("4 new: KZ101 slug at a.py:1:1") and "(+1 more)" in signal.figure


def measurement(name: str, c: Comparison, base_rss: int = 10 * 2**20, head_rss: int = 10 * 2**20) -> Measurement:
    return Measurement(name, (1.0,) * 8, (1.0,) * 8, (base_rss,) * 8, (head_rss,) * 8, (True,) * 8, c)


def test_night_signals_and_stopping_rules() -> None:
    fine = andon.night_signals(True, [measurement("main", comp(-0.2, p_slower=0.99, verdict=Verdict.FASTER))])
    assert [s.name for s in fine] == ["TESTS", "main", "MEMORY"]
    assert andon.should_stop(fine) is None
    broken = andon.night_signals(False, [], tests_detail="tests failed: test_a")
    assert andon.should_stop(broken) == "RED TESTS: tests failed: test_a (tests must pass)"
    slower = andon.night_signals(True, [measurement("main", comp(0.5, lo=0.3))])
    reason = andon.should_stop(slower)
    assert reason is not None and reason.startswith("RED main: 1.50× slower")
    yellow_only = andon.night_signals(True, [measurement("main", comp(0.07, lo=0.01))], tests_detail="ok")
    assert andon.worst(yellow_only) is Level.YELLOW and andon.should_stop(yellow_only) is None
    big = andon.night_signals(True, [], gate=GateConfig(red_slowdown=0.5))
    assert andon.worst(big) is Level.GREEN


G = [Signal("TESTS", Level.GREEN, "", "")]
Y = [*G, Signal("main", Level.YELLOW, "", "")]


@pytest.mark.parametrize(
    ("history", "expected"),
    [([], 1.0), ([G], 1.0), ([Y], 1.0), ([Y, Y], 0.5), ([Y, Y, Y], 0.25), ([Y] * 6, 0.25), ([Y, Y, G], 1.0), ([G, Y, Y], 0.5), ([Y, G, Y], 1.0)],
)
def test_pace_slows_on_repeated_yellow_and_recovers_on_green(history: list[list[Signal]], expected: float) -> None:
    assert andon.pace(history) == expected


def test_worst_and_pct() -> None:
    assert andon.worst([]) is Level.GREEN
    assert andon.worst([*Y, Signal("X", Level.RED, "", "")]) is Level.RED
    assert (andon.pct(0.1), andon.pct(0.075), andon.pct(0.05)) == ("10%", "7.5%", "5%")
