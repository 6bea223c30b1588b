"""Nights built in memory for the pure rules: only what a test names differs from a quiet night."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kaizen.present.review.snapshot import (
    Baseline,
    Candidate,
    Decision,
    Measurement,
    Night,
    RecordedSignal,
    Run,
)
from kaizen.present.review.system import ProcessInfo, SystemSample

T0 = 1_790_000_000.0
CONFIG = {"improvement_threshold": 0.05, "stall_minutes": 10, "cpu_limit": 80, "memory_margin": 0.10}


def run(**changes: Any) -> Run:
    base = Run(id="r1", repo="/repo", branch="perf/kaizen-20260921", start_sha="a" * 40, best_sha="a" * 40,
               started_at=T0, finished_at=None, status="running", stop_reason=None, state="RUN_BENCHMARKS",
               state_since=T0 + 100, iteration=3, max_iterations=20, budget_seconds=3600.0, pid=4242,
               config=CONFIG, final={})
    return replace(base, **changes)


def baseline(name: str = "main", noise: float = 0.02, median: float = 1.0) -> Baseline:
    return Baseline(name, median, 50 << 20, noise, (median,) * 8, None)


def decision(reason: str, *, outcome: str = "rejected", iteration: int = 1, confirmed: bool | None = None,
             candidate_id: int | None = None, speedup: float | None = None, tests_run: int | None = 10) -> Decision:
    return Decision(candidate_id=candidate_id if candidate_id is not None else iteration, iteration=iteration,
                    outcome=outcome, reason=reason, commit_sha="c" * 40 if outcome == "kept" else None,
                    speedup=speedup, ci_low=None, ci_high=None, p=None, pairs=None, tests_run=tests_run,
                    evidence={}, diff=None, at=T0 + 60 * iteration, confirmed=confirmed)


def decisions(*reasons: str) -> tuple[Decision, ...]:
    """One decision per reason, in iteration order; "faster" ones are kept."""
    return tuple(decision(r, outcome="kept" if r == "faster" else "rejected", iteration=i) for i, r in enumerate(reasons, start=1))


def measurement(speedup: float, low: float, high: float, *, candidate_id: int | None = 1, kind: str = "candidate",
                benchmark: str = "main", at: float = T0 + 60) -> Measurement:
    return Measurement(candidate_id=candidate_id, iteration=candidate_id, kind=kind, benchmark=benchmark,
                       verdict="faster" if low > 1 else "slower" if high < 1 else "no-change", speedup=speedup,
                       ci_low=low, ci_high=high, p=0.001, pairs=16, noise_floor=0.02, base_rss=1, head_rss=1,
                       base=(1.0, 1.1), head=(1.0 / speedup, 1.1 / speedup), at=at)


def candidate(cid: int, status: str = "found", growth: str | None = "O(n²)") -> Candidate:
    return Candidate(id=cid, key=f"KZ1:{cid}", pattern_id="KZ102", pattern_name="membership-in-list", path="pkg/mod.py",
                     line=10 * cid, function=f"f{cid}", message="x in list", fixable=True, score=0.1, hot_share=0.3,
                     growth=growth, status=status, iteration=None, reason=None)


def signal(name: str, level: str, at: float = T0 + 50, rule: str = "loop rule", figure: str | None = "9") -> RecordedSignal:
    return RecordedSignal(at=at, name=name, level=level, figure=figure, rule=rule)


def night(**changes: Any) -> Night:
    base = Night(run=run(), transitions=(), baselines=(baseline(),), hotspots=(), candidates=(), measurements=(),
                 decisions=(), parameters=(), events=(), signals=())
    return replace(base, **changes)


def sample(*, cpu: float = 10.0, tree_cpu: float = 0.0, free: float = 0.5, disk_free: int | None = 50 << 30,
           alive: bool | None = True, cpus: int = 2) -> SystemSample:
    total = 8 << 30
    return SystemSample(cpu_percent=cpu, cpu_count=cpus, mem_percent=100 * (1 - free), mem_available=int(total * free),
                        mem_total=total, disk_read_bps=0.0, disk_write_bps=0.0, disk_free=disk_free, loop_alive=alive,
                        tree=() if tree_cpu == 0 else (ProcessInfo(4242, "python", tree_cpu, 100 << 20),))
