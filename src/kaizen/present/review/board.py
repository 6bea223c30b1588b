"""The dashboard's andon board: TESTS, PERFORMANCE, RESOURCES, PROGRESS, each GREEN, YELLOW or RED
with the rule that set it. Pure functions of the history, a clock reading and a system sample.

Each signal walks its rules from the most severe down and stops at the first that holds, so the
rule shown is the one a person must act on. The loop also records signals itself (the gate's rules
on the branch: TESTS, each benchmark, MEMORY); the latest it recorded for a board name wins when it
is more severe than the derived one. Level and Signal are the gate's, so both boards read alike.
"""

from __future__ import annotations

from collections.abc import Callable

from kaizen.decide.andon import Level, Signal
from kaizen.present.review import figures
from kaizen.present.review.snapshot import Decision, Night, RecordedSignal
from kaizen.present.review.system import SystemSample

NAMES = ("TESTS", "PERFORMANCE", "RESOURCES", "PROGRESS")
TEST_FAILURE_STREAK = 3  # candidates in a row breaking tests: a pattern may be unsafe in this code
INCONCLUSIVE_STREAK = 5  # "too noisy" verdicts in a row: the machine is too busy to measure
BARREN_STREAK = 10  # tries in a row with nothing kept
CHECK_SPAN = 5.0  # seconds: signals recorded this close together come from one check of the loop
DISK_RED = 1 << 30  # bytes free under which worktrees and the history may fail to write


def _signal(name: str, level: Level, rule: str, figure: str = "") -> Signal:
    return Signal(name=name, level=level, figure=figure, rule=rule)


def _streak(decisions: tuple[Decision, ...], holds: Callable[[Decision], bool]) -> int:
    """How many of the latest decisions, counting back from the newest, satisfy ``holds``."""
    count = 0
    for d in sorted(decisions, key=lambda d: (d.iteration, d.at), reverse=True):
        if not holds(d):
            break
        count += 1
    return count


def _reason(*prefixes: str) -> Callable[[Decision], bool]:
    return lambda d: d.reason.lower().startswith(prefixes)


def tests(night: Night) -> Signal:
    run = night.run
    if run.status == "failed" and not night.baselines and "test" in (run.stop_reason or "").lower():
        return _signal("TESTS", Level.RED, f"baseline tests fail: {run.stop_reason}")
    broken = _streak(night.decisions, _reason("tests failed", "behaviour changed", "behavior changed"))
    if broken >= TEST_FAILURE_STREAK:
        return _signal("TESTS", Level.YELLOW, f"last {broken} candidates broke the tests or behaviour", f"{broken} in a row")
    if not night.baselines:
        return _signal("TESTS", Level.GREEN, "baseline tests not run yet")
    ran = sum(1 for d in night.decisions if d.tests_run)
    return _signal("TESTS", Level.GREEN, "baseline tests pass", f"{ran} candidates tested")


def performance(night: Night) -> Signal:
    gains = figures.gains(night)
    slower = [g for g in gains if g.confirmed and g.ci_high < 1.0]
    if slower:
        g = slower[0]
        return _signal("PERFORMANCE", Level.RED, f"branch slower than the start on {g.benchmark} at confirmation", f"{g.speedup:.2f}×")
    unconfirmed = [d for d in night.decisions if d.kept and d.confirmed is False]
    if unconfirmed:
        return _signal("PERFORMANCE", Level.YELLOW, f"{len(unconfirmed)} kept change(s) not re-confirmed at COMPLETE", f"iteration {unconfirmed[0].iteration}")
    noisy = _streak(night.decisions, _reason("inconclusive"))
    if noisy >= INCONCLUSIVE_STREAK:
        return _signal("PERFORMANCE", Level.YELLOW, f"last {noisy} candidates inconclusive: too noisy to measure", f"{noisy} in a row")
    threshold = night.run.setting("improvement_threshold", 0.05)
    loud = [b for b in night.baselines if b.noise_floor > threshold]
    if loud:
        b = max(loud, key=lambda b: b.noise_floor)
        return _signal("PERFORMANCE", Level.YELLOW, f"noise floor of {b.benchmark} above the {threshold:.0%} threshold: small gains are invisible", f"±{b.noise_floor:.1%}")
    moved = [g for g in gains if g.steps or g.confirmed]
    if not moved:
        return _signal("PERFORMANCE", Level.GREEN, "no regression; nothing kept yet")
    best = max(moved, key=lambda g: g.speedup)
    word = "confirmed" if best.confirmed else "so far"
    return _signal("PERFORMANCE", Level.GREEN, f"{best.benchmark}: {figures.time_saved(best.speedup):.0%} less time ({word})", f"{best.speedup:.2f}×")


def resources(night: Night, sample: SystemSample | None) -> Signal:
    if sample is None or not night.run.running:
        return _signal("RESOURCES", Level.GREEN, "not live: no machine to watch")
    margin = night.run.setting("memory_margin", 0.10)
    cpu_limit = night.run.setting("cpu_limit", 80.0)
    free = sample.mem_free_fraction
    if free < margin:
        return _signal("RESOURCES", Level.RED, f"free memory below the {margin:.0%} margin", f"{free:.0%} free")
    if sample.disk_free is not None and sample.disk_free < DISK_RED:
        return _signal("RESOURCES", Level.RED, "disk almost full: worktrees and history may fail", f"{sample.disk_free / 2**20:.0f} MiB free")
    if sample.others_cpu > cpu_limit:
        return _signal("RESOURCES", Level.YELLOW, f"other processes above the {cpu_limit:.0f}% CPU limit: benchmarking pauses", f"{sample.others_cpu:.0f}% CPU")
    if free < 2 * margin:
        return _signal("RESOURCES", Level.YELLOW, f"free memory near the {margin:.0%} margin", f"{free:.0%} free")
    return _signal("RESOURCES", Level.GREEN, "machine quiet enough to measure", f"others {sample.others_cpu:.0f}% CPU")


def stall(night: Night, now: float) -> str | None:
    """The stall warning, when the current state of a live night has run past its limit."""
    run = night.run
    spent = figures.time_in_state(run, now)
    limit = figures.stall_limit(run)
    if run.running and spent > limit:
        return f"no progress for {figures.duration(spent)} in {run.state} (limit {figures.duration(limit)})"
    return None


def progress(night: Night, now: float, loop_alive: bool | None, paused: bool = False) -> Signal:
    run = night.run
    if run.status == "failed":
        return _signal("PROGRESS", Level.RED, f"night failed: {run.stop_reason or 'see the activity log'}")
    if run.running and loop_alive is False:
        return _signal("PROGRESS", Level.RED, f"loop process {run.pid} is gone: `kaizen resume` continues")
    stalled = stall(night, now)
    spent = figures.time_in_state(run, now)
    if stalled is not None:
        return _signal("PROGRESS", Level.RED, stalled, figures.duration(spent))
    if run.status == "interrupted":
        return _signal("PROGRESS", Level.YELLOW, "night interrupted: `kaizen resume` continues")
    if run.status == "stopped":
        return _signal("PROGRESS", Level.YELLOW, f"night stopped: {run.stop_reason or 'by request'}")
    if run.running and paused:
        return _signal("PROGRESS", Level.YELLOW, "paused by you: press p to resume")
    limit = figures.stall_limit(run)
    if run.running and spent > limit / 2:
        return _signal("PROGRESS", Level.YELLOW, f"{run.state} for {figures.duration(spent)}: stalls at {figures.duration(limit)}", figures.duration(spent))
    t = figures.tally(night)
    barren = _streak(night.decisions, lambda d: not d.kept)
    if run.running and barren >= BARREN_STREAK:
        return _signal("PROGRESS", Level.YELLOW, f"nothing kept in the last {barren} tries", f"{t.kept} kept")
    if run.status == "complete":
        return _signal("PROGRESS", Level.GREEN, f"complete: {t.kept} kept of {t.tried} tried", figures.duration(figures.elapsed(run, now)))
    return _signal("PROGRESS", Level.GREEN, f"iteration {run.iteration} of {run.max_iterations}", f"{t.kept} kept")


def board_name(recorded: RecordedSignal, benchmarks: tuple[str, ...]) -> str | None:
    """Which of the four a signal the loop recorded belongs to (the gate names a benchmark by name)."""
    if recorded.name in NAMES:
        return recorded.name
    if recorded.name in ("MEMORY", "CPU", "DISK"):
        return "RESOURCES"
    if recorded.name in benchmarks or recorded.name == "IMPORT TIME":
        return "PERFORMANCE"
    return None


def loop_signals(night: Night) -> dict[str, RecordedSignal]:
    """Per board name, the worst signal of the loop's latest check (one check records several
    signals within a moment: TESTS, a line per benchmark, MEMORY)."""
    grouped: dict[str, list[RecordedSignal]] = {}
    for r in night.signals:
        name = board_name(r, night.benchmarks)
        if name is not None and r.level in Level.__members__:
            grouped.setdefault(name, []).append(r)
    out = {}
    for name, records in grouped.items():
        last = max(r.at for r in records)
        out[name] = max((r for r in records if r.at >= last - CHECK_SPAN), key=lambda r: Level(r.level).rank)
    return out


def board(night: Night, now: float, sample: SystemSample | None, paused: bool = False) -> tuple[Signal, ...]:
    derived = (
        tests(night),
        performance(night),
        resources(night, sample),
        progress(night, now, sample.loop_alive if sample else None, paused),
    )
    recorded = loop_signals(night)
    out = []
    for signal in derived:
        r = recorded.get(signal.name)
        if r is not None and Level(r.level).rank > signal.level.rank:
            label = "" if r.name == signal.name else f"{r.name}: "
            signal = _signal(signal.name, Level(r.level), f"{label}{r.rule} (raised by the loop)", r.figure or "")
        out.append(signal)
    return tuple(out)
