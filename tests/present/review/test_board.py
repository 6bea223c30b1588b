"""The andon board's rules, one by one, at their boundaries and in their order of precedence."""

from __future__ import annotations

import pytest

from kaizen.decide.andon import Level
from kaizen.present.review import board
from tests.present.review import factory as f
from tests.present.review.factory import T0

NOW = T0 + 200  # 100 s into RUN_BENCHMARKS for the default running night


# ---- TESTS ----------------------------------------------------------------------------------------

def test_tests_red_when_the_start_commit_fails_its_tests() -> None:
    n = f.night(run=f.run(status="failed", stop_reason="tests fail on the start commit: test_x"), baselines=())
    s = board.tests(n)
    assert (s.level, s.rule) == (Level.RED, "baseline tests fail: tests fail on the start commit: test_x")


@pytest.mark.parametrize(("status", "reason", "baselines"), [
    ("failed", "disk full", ()),  # failed, but not for its tests
    ("failed", "tests fail later", (f.baseline(),)),  # the baseline passed: a later failure is not the baseline's
    ("running", None, ()),
])
def test_tests_not_red_without_a_failing_baseline(status: str, reason: str | None, baselines: tuple[object, ...]) -> None:
    n = f.night(run=f.run(status=status, stop_reason=reason), baselines=baselines)
    assert board.tests(n).level is Level.GREEN


@pytest.mark.parametrize(("reasons", "level"), [
    (("tests failed: a", "tests failed: b", "tests failed: c"), Level.YELLOW),
    (("faster", "behaviour changed: f(1)", "tests failed: b", "Tests failed: c"), Level.YELLOW),
    (("tests failed: a", "tests failed: b"), Level.GREEN),  # two in a row may be bad luck
    (("tests failed: a", "tests failed: b", "tests failed: c", "faster"), Level.GREEN),  # the streak ended
    (("tests failed: a", "slower", "tests failed: b", "tests failed: c"), Level.GREEN),
])
def test_tests_yellow_after_three_candidates_in_a_row_break_tests(reasons: tuple[str, ...], level: Level) -> None:
    s = board.tests(f.night(decisions=f.decisions(*reasons)))
    assert s.level is level
    if level is Level.YELLOW:
        assert s.rule.startswith(f"last {s.figure.split()[0]} candidates broke the tests")


def test_tests_green_says_whether_the_baseline_ran() -> None:
    assert board.tests(f.night(baselines=())).rule == "baseline tests not run yet"
    s = board.tests(f.night(decisions=f.decisions("faster", "slower")))
    assert s.level is Level.GREEN and s.figure == "2 candidates tested"


# ---- PERFORMANCE ----------------------------------------------------------------------------------

def test_performance_red_when_the_confirmed_branch_is_significantly_slower() -> None:
    m = f.measurement(0.9, 0.85, 0.95, candidate_id=None, kind="confirm")
    s = board.performance(f.night(measurements=(m,)))
    assert s.level is Level.RED and "slower than the start on main" in s.rule and s.figure == "0.90×"


def test_performance_not_red_when_slower_is_within_the_interval() -> None:
    m = f.measurement(0.97, 0.93, 1.01, candidate_id=None, kind="confirm")
    assert board.performance(f.night(measurements=(m,))).level is Level.GREEN


def test_performance_yellow_when_a_kept_change_failed_confirmation() -> None:
    d = f.decision("faster", outcome="kept", confirmed=False, iteration=4)
    s = board.performance(f.night(decisions=(d,)))
    assert (s.level, s.figure) == (Level.YELLOW, "iteration 4")
    assert "not re-confirmed" in s.rule


@pytest.mark.parametrize(("count", "level"), [(5, Level.YELLOW), (6, Level.YELLOW), (4, Level.GREEN)])
def test_performance_yellow_after_five_inconclusive_in_a_row(count: int, level: Level) -> None:
    n = f.night(decisions=f.decisions("faster", *["inconclusive: too noisy"] * count))
    s = board.performance(n)
    assert s.level is level
    if level is Level.YELLOW:
        assert s.rule == f"last {count} candidates inconclusive: too noisy to measure"


@pytest.mark.parametrize(("noise", "threshold", "level"), [(0.08, 0.05, Level.YELLOW), (0.05, 0.05, Level.GREEN), (0.08, 0.10, Level.GREEN)])
def test_performance_yellow_when_noise_hides_the_threshold(noise: float, threshold: float, level: Level) -> None:
    n = f.night(run=f.run(config={"improvement_threshold": threshold}), baselines=(f.baseline(noise=noise),))
    s = board.performance(n)
    assert s.level is level
    if level is Level.YELLOW:
        assert s.figure == "±8.0%" and "noise floor of main above the 5% threshold" in s.rule


def test_performance_green_reports_the_best_gain_so_far_then_confirmed() -> None:
    kept = f.decision("faster", outcome="kept", iteration=1, candidate_id=1)
    running = f.night(decisions=(kept,), measurements=(f.measurement(2.0, 1.9, 2.1),))
    s = board.performance(running)
    assert (s.level, s.rule, s.figure) == (Level.GREEN, "main: 50% less time (so far)", "2.00×")
    done = f.night(decisions=(kept,), measurements=(f.measurement(2.0, 1.9, 2.1), f.measurement(1.8, 1.7, 1.9, candidate_id=None, kind="confirm")))
    assert board.performance(done).rule == "main: 44% less time (confirmed)"
    assert board.performance(f.night()).rule == "no regression; nothing kept yet"


def test_performance_red_outranks_yellow() -> None:
    n = f.night(measurements=(f.measurement(0.9, 0.85, 0.95, candidate_id=None, kind="confirm"),),
                decisions=f.decisions(*["inconclusive"] * 6), baselines=(f.baseline(noise=0.2),))
    assert board.performance(n).level is Level.RED


# ---- RESOURCES ------------------------------------------------------------------------------------

def test_resources_green_when_there_is_no_live_machine() -> None:
    assert board.resources(f.night(), None).rule == "not live: no machine to watch"
    assert board.resources(f.night(run=f.run(status="complete")), f.sample(cpu=100)).level is Level.GREEN


@pytest.mark.parametrize(("sample", "level", "rule"), [
    (f.sample(free=0.05), Level.RED, "free memory below the 10% margin"),
    (f.sample(disk_free=512 << 20), Level.RED, "disk almost full: worktrees and history may fail"),
    (f.sample(cpu=95), Level.YELLOW, "other processes above the 80% CPU limit: benchmarking pauses"),
    (f.sample(free=0.15), Level.YELLOW, "free memory near the 10% margin"),
    (f.sample(cpu=80), Level.GREEN, "machine quiet enough to measure"),  # at the limit, not above
    (f.sample(cpu=95, tree_cpu=120, cpus=2), Level.GREEN, "machine quiet enough to measure"),  # it is kaizen itself
    (f.sample(free=0.05, cpu=95), Level.RED, "free memory below the 10% margin"),
])
def test_resources_rules(sample: object, level: Level, rule: str) -> None:
    s = board.resources(f.night(), sample)  # type: ignore[arg-type]
    assert (s.level, s.rule) == (level, rule)


def test_resources_read_the_nights_own_limits() -> None:
    n = f.night(run=f.run(config={"cpu_limit": 50, "memory_margin": 0.3}))
    assert board.resources(n, f.sample(cpu=60)).level is Level.YELLOW
    assert board.resources(n, f.sample(free=0.25)).level is Level.RED


# ---- PROGRESS -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("night", "now", "alive", "paused", "level", "rule"), [
    (f.night(run=f.run(status="failed", stop_reason="disk full")), NOW, None, False, Level.RED, "night failed: disk full"),
    (f.night(), NOW, False, False, Level.RED, "loop process 4242 is gone: `kaizen resume` continues"),
    (f.night(), T0 + 100 + 601, True, False, Level.RED, "no progress for 10m01s in RUN_BENCHMARKS (limit 10m00s)"),
    (f.night(run=f.run(status="interrupted")), NOW, None, False, Level.YELLOW, "night interrupted: `kaizen resume` continues"),
    (f.night(run=f.run(status="stopped", stop_reason="RED TESTS")), NOW, None, False, Level.YELLOW, "night stopped: RED TESTS"),
    (f.night(), NOW, True, True, Level.YELLOW, "paused by you: press p to resume"),
    (f.night(), T0 + 100 + 600, True, False, Level.YELLOW, "RUN_BENCHMARKS for 10m00s: stalls at 10m00s"),  # at the limit: not yet
    (f.night(), T0 + 100 + 301, True, False, Level.YELLOW, "RUN_BENCHMARKS for 5m01s: stalls at 10m00s"),
    (f.night(), T0 + 100 + 300, True, False, Level.GREEN, "iteration 3 of 20"),
    (f.night(decisions=f.decisions(*["slower"] * 10)), NOW, True, False, Level.YELLOW, "nothing kept in the last 10 tries"),
    (f.night(decisions=f.decisions(*["slower"] * 9)), NOW, True, False, Level.GREEN, "iteration 3 of 20"),
    (f.night(decisions=f.decisions("faster", *["slower"] * 9)), NOW, True, False, Level.GREEN, "iteration 3 of 20"),
    (f.night(run=f.run(status="complete", state="COMPLETE", finished_at=T0 + 7200), decisions=f.decisions("faster", "slower")),
     T0 + 99999, None, False, Level.GREEN, "complete: 1 kept of 2 tried"),
])
def test_progress_rules(night: object, now: float, alive: bool | None, paused: bool, level: Level, rule: str) -> None:
    s = board.progress(night, now, alive, paused)  # type: ignore[arg-type]
    assert (s.level, s.rule) == (level, rule)


def test_stall_limit_comes_from_the_night() -> None:
    n = f.night(run=f.run(config={"stall_minutes": 1}))
    assert board.stall(n, T0 + 100 + 61) == "no progress for 1m01s in RUN_BENCHMARKS (limit 1m00s)"
    assert board.stall(n, T0 + 100 + 60) is None
    finished = f.night(run=f.run(status="complete", finished_at=T0 + 99999))
    assert board.stall(finished, T0 + 99999) is None  # a finished night cannot stall


# ---- the board: derived and recorded signals -------------------------------------------------------

def test_board_has_the_four_signals_in_order() -> None:
    assert [s.name for s in board.board(f.night(), NOW, f.sample())] == ["TESTS", "PERFORMANCE", "RESOURCES", "PROGRESS"]


def test_a_more_severe_signal_of_the_loop_wins() -> None:
    n = f.night(signals=(f.signal("TESTS", "RED", rule="tests fail on the branch"),))
    s = board.board(n, NOW, f.sample())[0]
    assert (s.level, s.rule, s.figure) == (Level.RED, "tests fail on the branch (raised by the loop)", "9")


def test_a_milder_signal_of_the_loop_does_not_hide_a_derived_one() -> None:
    n = f.night(signals=(f.signal("PROGRESS", "GREEN"),))
    assert board.board(n, NOW, f.sample(), paused=True)[3].level is Level.YELLOW


def test_gate_signals_map_to_the_board_names() -> None:
    n = f.night(signals=(f.signal("main", "YELLOW", rule="slower by 7%"), f.signal("MEMORY", "RED", at=T0 + 51), f.signal("FINDINGS", "RED")))
    tests, perf, res, _ = board.board(n, NOW, f.sample())
    assert (perf.level, perf.rule) == (Level.YELLOW, "main: slower by 7% (raised by the loop)")
    assert (res.level, res.rule) == (Level.RED, "MEMORY: loop rule (raised by the loop)")
    assert tests.level is Level.GREEN  # FINDINGS belongs to none of the four


def test_only_the_loops_latest_check_counts() -> None:
    old = f.signal("TESTS", "RED", at=T0 + 10)
    new = f.signal("TESTS", "GREEN", at=T0 + 100)
    assert board.board(f.night(signals=(old, new)), NOW, f.sample())[0].level is Level.GREEN
    same_check = (f.signal("main", "RED", at=T0 + 100), f.signal("search", "GREEN", at=T0 + 101))
    n = f.night(signals=same_check, baselines=(f.baseline("main"), f.baseline("search")))
    assert board.board(n, NOW, f.sample())[1].level is Level.RED
