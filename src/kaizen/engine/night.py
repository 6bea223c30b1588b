"""A night: what it knows (``Night``) and the work of the states that are not about one candidate
(INITIALIZE, ANALYZE_BASELINE, NEXT_ITERATION, COMPLETE). The candidate states live in
``engine/iteration.py``; the driver that walks them in ``engine/driver.py``."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kaizen import git
from kaizen.analyze.rank import Candidate, Weights
from kaizen.config import Config
from kaizen.decide import adapt
from kaizen.decide.andon import Signal
from kaizen.engine import iteration, watch
from kaizen.engine.driver import Deadline, Stalled
from kaizen.engine.states import Outcome, State
from kaizen.errors import KaizenError
from kaizen.measure.hotspots import Profile
from kaizen.measure.pairs import BenchmarkFailure, Measurement, PairSettings, Side, measure_pairs
from kaizen.measure.resources import ResourceGuard
from kaizen.record import views
from kaizen.record.history import History
from kaizen.verify import stats
from kaizen.verify.testrun import run_tests

AA_PAIRS = 6  # A/A pairs per benchmark at the start: the machine's own noise


@dataclass(frozen=True)
class NightOptions:
    hours: float
    max_iterations: int
    allow_unverified: bool = False
    seed: int = 0


@dataclass(frozen=True)
class Baseline:
    median: float
    peak_rss: int
    noise_floor: float
    aa: tuple[float, ...]


@dataclass
class Current:
    """The candidate under evaluation."""

    row: int
    candidate: Candidate
    key: str
    tested_index: int = 0
    diff: str = ""
    results: dict[str, Measurement] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)
    decision_detail: str = ""
    primary: str | None = None
    tests_run: int | None = None
    alpha: float = 0.01


@dataclass
class Night:
    root: Path
    kdir: Path
    config: Config
    history: History
    run_id: str
    branch: str
    start_sha: str
    best_sha: str
    options: NightOptions
    clock: Callable[[], float]
    emit: Callable[[str, str], None]  # (level, message) → the terminal
    started_at: float = 0.0
    best_dir: Path | None = None
    cand_dir: Path | None = None
    iteration: int = 0
    threshold: float = 0.05
    weights: Weights = field(default_factory=Weights)
    baseline: dict[str, Baseline] = field(default_factory=dict)
    tested: int = 0
    discoveries: int = 0
    outcomes: list[adapt.Outcome] = field(default_factory=list)
    pattern_record: dict[str, tuple[int, int]] = field(default_factory=dict)
    tried: set[str] = field(default_factory=set)
    current: Current | None = None
    profiled_sha: str | None = None
    ranked: list[Candidate] = field(default_factory=list)
    profiles: list[tuple[str, Profile]] = field(default_factory=list)
    last_checkpoint: float = 0.0
    stop_reason: str | None = None
    guard: ResourceGuard | None = None
    pace: float = 1.0
    boards: list[list[Signal]] = field(default_factory=list)
    checked_at_discoveries: int = 0

    # ---- the driver's interface -------------------------------------------------------------
    def do(self, state: State, deadline: Deadline) -> Outcome:
        steps: dict[State, Callable[[Deadline], Outcome]] = {
            State.INITIALIZE: self.initialize,
            State.ANALYZE_BASELINE: self.analyze_baseline,
            State.IDENTIFY_BOTTLENECKS: lambda d: iteration.identify(self, d),
            State.APPLY_OPTIMIZATION: lambda d: iteration.apply(self, d),
            State.RUN_BENCHMARKS: lambda d: iteration.run_benchmarks(self, d),
            State.VALIDATE: lambda d: iteration.validate(self, d),
            State.COMMIT_CHANGES: lambda d: iteration.commit(self, d),
            State.NEXT_ITERATION: self.next_iteration,
            State.COMPLETE: self.complete,
        }
        return steps[state](deadline)

    def stalled(self, state: State) -> None:
        self.say("warn", f"{state} made no progress within {self.config.stall_minutes:g} min: stopped")
        if self.current is not None:
            iteration.reject(self, "stalled", f"{state} exceeded its {self.config.stall_minutes:g} min limit")

    # ---- shared helpers ---------------------------------------------------------------------
    def say(self, level: str, message: str) -> None:
        self.history.insert("events", run_id=self.run_id, at=time.time(), level=level, message=message)
        self.emit(level, message)

    def set_parameter(self, name: str, old: float | None, new: float, reason: str) -> None:
        self.history.insert("parameters", run_id=self.run_id, at=time.time(), iteration=self.iteration, name=name, old=old, new=new, reason=reason)
        if old is not None:
            self.say("info", f"parameter {name}: {old:g} → {new:g} ({reason})")

    def pair_settings(self, deadline: Deadline, alpha: float, threshold: float, aa: tuple[float, ...] | None) -> PairSettings:
        def before_run() -> None:
            if deadline.passed:
                raise Stalled()
            if self.guard is not None:
                self.guard.wait_until_quiet()

        return PairSettings(
            max_pairs=self.config.max_pairs,
            min_pairs=self.config.min_pairs,
            alpha=alpha,
            threshold=threshold,
            timeout=deadline.timeout(self.config.benchmark_timeout),
            seed=self.options.seed + self.iteration,
            aa_log_ratios=aa,
            before_run=before_run,
        )

    def log_iteration(self, outcome: str, detail: str) -> None:
        """One line per tried candidate in ``optimization_iterations.log`` (grep- and tail-friendly)."""
        assert self.current is not None
        f = self.current.candidate.finding
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        views.append_line(self.kdir / views.ITERATIONS_LOG,
                          f"{stamp} run={self.run_id} iteration={self.iteration} {outcome} {f.pattern_id} {f.name} "
                          f"{f.path}:{f.line} {f.function or '<module>'} | {detail}")

    def elapsed(self) -> float:
        return self.clock() - self.started_at

    # ---- INITIALIZE -------------------------------------------------------------------------
    def initialize(self, deadline: Deadline) -> Outcome:
        git.clean_stale_worktrees(self.root)
        self.best_dir = git.add_worktree(self.root, self.best_sha, "best")
        self.cand_dir = git.add_worktree(self.root, self.best_sha, "candidate")
        self.say("info", f"working on branch {self.branch} from {self.start_sha[:10]} in .kaizen/worktrees/")
        return Outcome.OK

    # ---- ANALYZE_BASELINE -------------------------------------------------------------------
    def analyze_baseline(self, deadline: Deadline) -> Outcome:
        assert self.best_dir is not None and self.config.tests is not None
        if self.baseline and set(self.baseline) >= set(self.config.benchmarks):
            self.say("info", "baseline and noise calibration carried over from the interrupted night")
            return Outcome.OK
        self.say("info", f"running the tests on the start commit: {self.config.tests.display}")
        outcome = run_tests(self.config.tests, self.best_dir, deadline.timeout(self.config.test_timeout))
        if not outcome.passed:
            tail = outcome.tail.splitlines()[-1] if outcome.tail else ""
            raise KaizenError(f"the tests fail on the start commit ({outcome.describe()}; {tail}); kaizen needs a passing test command: fix the tests or the `tests` key and run again")
        self.say("info", f"tests pass on the start commit ({outcome.tests_run if outcome.tests_run is not None else '?'} tests)")
        for bench in self.config.benchmarks.values():
            self.say("info", f"calibrating {bench.name}: {AA_PAIRS} A/A pairs on the start commit")
            settings = self.pair_settings(deadline, alpha=self.config.alpha, threshold=self.threshold, aa=None)
            settings.max_pairs = settings.min_pairs = AA_PAIRS
            result = measure_pairs(bench, Side("a", self.best_dir), Side("b", self.best_dir), settings)
            if isinstance(result, BenchmarkFailure):
                raise KaizenError(f"{result.describe()} on the start commit; fix the benchmark (run `{bench.runnable.display}` yourself) and run again")
            aa = tuple(float(v) for v in stats.log_ratios(result.base, result.head))
            samples = result.base + result.head
            base = Baseline(
                median=float(np.median(samples)),
                peak_rss=max(result.base_rss + result.head_rss),
                noise_floor=stats.noise_floor(aa, self.config.max_pairs),
                aa=aa,
            )
            self.baseline[bench.name] = base
            self.history.insert("baselines", run_id=self.run_id, benchmark=bench.name, median_s=base.median, peak_rss=base.peak_rss,
                                noise_floor=base.noise_floor, aa=list(aa), samples=list(samples), import_s=None)
            self.say("info", f"{bench.name}: median {base.median * 1000:.1f} ms, peak RSS {base.peak_rss / 2**20:.0f} MiB, noise floor {base.noise_floor:.1%} at {self.config.max_pairs} pairs")
        self.set_parameter("improvement_threshold", None, self.threshold, "start value")
        self.iteration = 1
        self.history.update("runs", {"id": self.run_id}, iteration=self.iteration)
        self.write_views()
        return Outcome.OK

    # ---- NEXT_ITERATION ---------------------------------------------------------------------
    def next_iteration(self, deadline: Deadline) -> Outcome:
        if self.current is not None:  # a rejected candidate: roll back
            assert self.cand_dir is not None
            git.reset_hard(self.cand_dir, self.best_sha)
            self.current = None
        done = self.iteration
        self.history.update("runs", {"id": self.run_id}, iteration=done)
        if self.outcomes:
            change = adapt.adapt_threshold(self.threshold, self.outcomes)
            if change is not None:
                self.set_parameter(change.name, change.old, change.new, change.reason)
                self.threshold = change.new
        self.write_views()
        if self.clock() - self.last_checkpoint >= self.config.checkpoint_interval:
            self.checkpoint()
        self.wait_while_paused()
        if watch.due(self):
            reason = watch.check_branch(self)
            if reason is not None:
                self.stop_reason = reason
                return Outcome.STOP
        if done >= self.options.max_iterations:
            self.stop_reason = f"iteration budget reached ({self.options.max_iterations})"
            return Outcome.STOP
        if self.elapsed() >= self.options.hours * 3600:
            self.stop_reason = f"time budget reached ({self.options.hours:g} h)"
            return Outcome.STOP
        self.iteration = done + 1
        self.history.update("runs", {"id": self.run_id}, iteration=self.iteration)
        return Outcome.OK

    def wait_while_paused(self) -> None:
        control = self.kdir / "control.json"
        announced = False
        while True:
            try:
                paused = bool(json.loads(control.read_text(encoding="utf-8")).get("paused"))
            except (OSError, ValueError, AttributeError):
                paused = False
            if not paused:
                if announced:
                    self.say("info", "resumed")
                return
            if not announced:
                self.say("info", "paused from the dashboard; waiting (press p in `kaizen watch` to resume)")
                announced = True
            time.sleep(1.0)

    # ---- COMPLETE ---------------------------------------------------------------------------
    def complete(self, deadline: Deadline) -> Outcome:
        from kaizen.engine import confirm  # the final confirmation and the reports

        confirm.finish(self)
        return Outcome.OK

    # ---- views ------------------------------------------------------------------------------
    def counts(self) -> tuple[int, int]:
        rows = self.history.rows("SELECT outcome, COUNT(*) AS n FROM decisions WHERE run_id = ? GROUP BY outcome", self.run_id)
        got = {r["outcome"]: int(r["n"]) for r in rows}
        return got.get("kept", 0), got.get("rejected", 0)

    def write_views(self) -> None:
        kept, rejected = self.counts()
        row = self.history.rows("SELECT state FROM runs WHERE id = ?", self.run_id)[0]
        views.write_json(self.kdir / views.STATE_FILE, {
            "run_id": self.run_id, "branch": self.branch, "start_sha": self.start_sha, "best_sha": self.best_sha,
            "state": row["state"], "iteration": self.iteration, "max_iterations": self.options.max_iterations,
            "elapsed_s": round(self.elapsed(), 1), "kept": kept, "rejected": rejected,
            "improvement_threshold": self.threshold, "weights": self.weights.__dict__, "tried": sorted(self.tried),
        })
        history = [
            {"iteration": r["iteration"], "commit": r["commit_sha"], "pattern": r["pattern_id"], "location": f"{r['path']}:{r['line']}",
             "speedup": r["speedup"], "ci": [r["ci_low"], r["ci_high"]], "p": r["p"], "at": r["at"]}
            for r in self.history.rows(
                "SELECT d.*, c.pattern_id, c.path, c.line FROM decisions d JOIN candidates c ON c.id = d.candidate_id "
                "WHERE d.run_id = ? AND d.outcome = 'kept' ORDER BY d.id", self.run_id)
        ]
        cumulative = 1.0
        for entry in history:
            cumulative *= entry["speedup"] or 1.0
            entry["cumulative_speedup"] = cumulative
        views.write_json(self.kdir / views.METRICS_FILE, {
            "run_id": self.run_id,
            "baseline": {k: {"median_s": b.median, "peak_rss": b.peak_rss, "noise_floor": b.noise_floor} for k, b in self.baseline.items()},
            "kept": kept, "rejected": rejected, "improvement_history": history,
        })

    def checkpoint(self) -> None:
        self.write_views()
        folder = views.checkpoint(self.kdir, dt.datetime.now())
        self.last_checkpoint = self.clock()
        self.say("info", f"checkpoint {folder.name}")

