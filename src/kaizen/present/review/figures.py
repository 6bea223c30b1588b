"""What a person wants to know about a night, computed from its history: pure functions, no I/O.

The dashboard and both reports draw these same figures, so they can never disagree. Time comes in
as ``now``; nothing here reads a clock.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from kaizen.present.review.snapshot import Candidate, Decision, Measurement, Night, Run

DEFAULT_STALL_MINUTES = 10.0


def elapsed(run: Run, now: float) -> float:
    end = run.finished_at if run.finished_at is not None else now
    return max(0.0, end - run.started_at)


def last_activity(night: Night) -> float:
    """The newest moment the history records: "now" for a view that must not read the clock."""
    moments = [night.run.started_at, night.run.state_since, night.run.finished_at or 0.0]
    moments += [e.at for e in night.events[-1:]] + [d.at for d in night.decisions[-1:]] + [m.at for m in night.measurements[-1:]]
    return max(moments)


def time_in_state(run: Run, now: float) -> float:
    end = run.finished_at if run.finished_at is not None and not run.running else now
    return max(0.0, end - run.state_since)


def time_left(run: Run, now: float) -> float | None:
    """Seconds left in the budget; None once the night is over (nothing is left to spend)."""
    if not run.running:
        return None
    return max(0.0, run.budget_seconds - elapsed(run, now))


def stall_limit(run: Run) -> float:
    return run.setting("stall_minutes", DEFAULT_STALL_MINUTES) * 60.0


def duration(seconds: float | None) -> str:
    """``1h05m``, ``4m07s``, ``12s``: short enough for a pane, exact enough for a glance."""
    if seconds is None:
        return "—"
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s}s"


def time_saved(speedup: float) -> float:
    """Fraction of the time removed: 2× faster is 0.5, 1.25× is 0.2, slower is negative."""
    return 1.0 - 1.0 / speedup if speedup > 0 else 0.0


@dataclass(frozen=True)
class Gain:
    """How much faster the current best is than the start commit on one benchmark."""

    benchmark: str
    baseline_s: float | None  # median of the start commit
    best_s: float | None  # median of the best branch
    speedup: float
    ci_low: float
    ci_high: float
    noise_floor: float | None
    steps: int  # kept changes that moved it
    confirmed: bool  # both medians and the ratio from COMPLETE's interleaved measurement


def kept_measurements(night: Night, benchmark: str) -> list[Measurement]:
    """Per kept decision, the last candidate measurement of ``benchmark`` (sequential looks add rows)."""
    kept = {d.candidate_id for d in night.decisions if d.kept}
    last: dict[int, Measurement] = {}
    for m in night.measurements:
        if m.kind == "candidate" and m.benchmark == benchmark and m.candidate_id in kept:
            last[m.candidate_id] = m
    return sorted(last.values(), key=lambda m: m.at)


def branch_confirmation(night: Night, benchmark: str) -> Measurement | None:
    """COMPLETE's measurement of the whole branch against the start commit, when it exists."""
    found = [m for m in night.measurements if m.kind == "confirm" and m.candidate_id is None and m.benchmark == benchmark]
    return found[-1] if found else None


def compose(steps: list[Measurement]) -> tuple[float, float, float]:
    """Speedup of consecutive kept steps: the product of the ratios, its interval from the steps'
    log half-widths added in quadrature (independent measurements). An estimate until COMPLETE
    measures the whole branch at once."""
    if not steps:
        return 1.0, 1.0, 1.0
    centre = sum(math.log(m.speedup) for m in steps)
    low = math.sqrt(sum((math.log(m.speedup) - math.log(m.ci_low)) ** 2 for m in steps))
    high = math.sqrt(sum((math.log(m.ci_high) - math.log(m.speedup)) ** 2 for m in steps))
    return math.exp(centre), math.exp(centre - low), math.exp(centre + high)


def gains(night: Night) -> tuple[Gain, ...]:
    """Per benchmark: once COMPLETE measured the whole branch, its interleaved pairs give both
    medians and the ratio (fair: same machine, same minutes). Until then the ratio is composed from
    the kept steps and the best median is the start's median over it: an estimate."""
    baselines = {b.benchmark: b for b in night.baselines}
    out = []
    for name in night.benchmarks:
        base = baselines.get(name)
        steps = kept_measurements(night, name)
        confirm = branch_confirmation(night, name)
        noise = base.noise_floor if base else None
        if confirm is not None and confirm.base and confirm.head:
            out.append(Gain(name, statistics.median(confirm.base), statistics.median(confirm.head), confirm.speedup,
                            confirm.ci_low, confirm.ci_high, noise, len(steps), True))
            continue
        speedup, low, high = compose(steps)
        start = base.median_s if base else None
        out.append(Gain(name, start, None if start is None else start / speedup, speedup, low, high, noise, len(steps), False))
    return tuple(out)


def trend(night: Night) -> dict[str, list[tuple[float, float]]]:
    """Per benchmark, (seconds since start, cumulative time saved in %) after each kept change."""
    start = night.run.started_at
    out: dict[str, list[tuple[float, float]]] = {}
    for name in night.benchmarks:
        points = [(0.0, 0.0)]
        steps: list[Measurement] = []
        for m in kept_measurements(night, name):
            steps.append(m)
            points.append((max(0.0, m.at - start), 100.0 * time_saved(compose(steps)[0])))
        out[name] = points
    return out


@dataclass(frozen=True)
class Tally:
    found: int
    tried: int
    kept: int
    rejected: int


def tally(night: Night) -> Tally:
    kept = sum(d.kept for d in night.decisions)
    return Tally(found=len(night.candidates), tried=len(night.decisions), kept=kept, rejected=len(night.decisions) - kept)


def under_evaluation(night: Night) -> Candidate | None:
    trying = [c for c in night.candidates if c.status == "trying"]
    return trying[-1] if trying and night.run.running else None


@dataclass(frozen=True)
class Attempt:
    """One line of the kaizen log: a tried candidate and what became of it."""

    iteration: int
    pattern: str
    location: str
    outcome: str  # kept | rejected
    verdict: str  # faster / slower / no-change / inconclusive, or the rejection's first word
    speedup: float | None
    ci: tuple[float, float] | None
    p: float | None
    reason: str
    confirmed: bool | None
    commit_sha: str | None
    decision: Decision
    candidate: Candidate | None


def verdict_of(d: Decision) -> str:
    """A verdict word for every decision: the measured one, else the kind of refusal."""
    for word in ("faster", "slower", "no-change", "inconclusive", "stalled"):
        if d.reason.startswith(word):
            return word
    if d.kept:
        return "faster"
    return d.reason.split(":")[0].strip() or "rejected"


def attempts(night: Night) -> tuple[Attempt, ...]:
    out = []
    for d in sorted(night.decisions, key=lambda d: (d.iteration, d.at)):
        c = night.candidate(d.candidate_id)
        out.append(Attempt(
            iteration=d.iteration,
            pattern=c.pattern_name if c else "?",
            location=c.location if c else f"candidate {d.candidate_id}",
            outcome=d.outcome, verdict=verdict_of(d), speedup=d.speedup,
            ci=(d.ci_low, d.ci_high) if d.ci_low is not None and d.ci_high is not None else None,
            p=d.p, reason=d.reason, confirmed=d.confirmed, commit_sha=d.commit_sha, decision=d, candidate=c,
        ))
    return tuple(out)


def medians(samples: tuple[float, ...]) -> float | None:
    return statistics.median(samples) if samples else None


def growth_exponents(night: Night) -> dict[str, dict[str, dict[str, object]]]:
    """Measured growth per benchmark, ``{"before": fit, "after": fit}``, as COMPLETE recorded it in
    ``runs.final["growth"]`` (each fit: exponent, ci, label). Empty when no benchmark has sizes."""
    growth = night.run.final.get("growth")
    if not isinstance(growth, dict):
        return {}
    out: dict[str, dict[str, dict[str, object]]] = {}
    for name, sides in growth.items():
        if isinstance(sides, dict):
            fits = {k: v for k, v in sides.items() if k in ("before", "after") and isinstance(v, dict) and "exponent" in v}
            if fits:
                out[str(name)] = fits
    return out
