"""The night's stopping rules: every few kept commits, check the whole branch against the start
commit with the gate's andon rules. RED stops the night with the reason recorded; YELLOW boards in
a row lower the pace (fewer commits between checks, more pairs per check)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from kaizen import git
from kaizen.decide import andon
from kaizen.engine.driver import Deadline
from kaizen.measure.pairs import BenchmarkFailure, Measurement, Side, measure_pairs
from kaizen.verify.testrun import run_tests

if TYPE_CHECKING:
    from kaizen.engine.night import Night

COMMITS_BETWEEN_CHECKS = 4  # at full pace


def due(night: Night) -> bool:
    every = max(1, round(COMMITS_BETWEEN_CHECKS * night.pace))
    return night.discoveries - night.checked_at_discoveries >= every


def check_branch(night: Night) -> str | None:
    """Measure the branch tip against the start; record the board; the reason to stop, or None."""
    assert night.best_dir is not None and night.cand_dir is not None and night.config.tests is not None
    night.checked_at_discoveries = night.discoveries
    tip = night.best_sha
    night.say("info", f"checking the whole branch ({tip[:10]}) against the start commit (pace {night.pace:g})")
    deadline = Deadline(night.clock() + night.config.stall_minutes * 60, night.clock)
    tests = run_tests(night.config.tests, night.best_dir, deadline.timeout(night.config.test_timeout))
    git.checkout_detached(night.cand_dir, night.start_sha)
    measured: list[Measurement] = []
    try:
        for bench in night.config.benchmarks.values():
            base = night.baseline.get(bench.name)
            settings = night.pair_settings(deadline, alpha=night.config.alpha, threshold=night.config.improvement_threshold,
                                           aa=base.aa if base else None)
            settings.max_pairs = max(settings.max_pairs, round(settings.max_pairs / night.pace))
            result = measure_pairs(bench, Side("start", night.cand_dir), Side("branch", night.best_dir), settings)
            if isinstance(result, BenchmarkFailure):
                night.say("warn", f"branch check: {result.describe()}")
                continue
            measured.append(result)
    finally:
        git.checkout_detached(night.cand_dir, night.best_sha)
    board = andon.night_signals(tests.passed, measured, night.config.gate, tests.describe())
    now = time.time()
    for signal in board:
        night.history.insert("signals", run_id=night.run_id, at=now, name=signal.name, level=str(signal.level),
                             figure=signal.figure, rule=signal.rule)
    night.boards.append(board)
    new_pace = andon.pace(night.boards)
    if new_pace != night.pace:
        night.set_parameter("pace", night.pace, new_pace, f"branch board {andon.worst(board)} after {len(night.boards)} check(s)")
        night.pace = new_pace
    reason = andon.should_stop(board)
    night.say("warn" if reason else "info", f"branch board: {andon.worst(board)}" + (f" — {reason}" if reason else ""))
    return f"stopped: {reason}" if reason else None
