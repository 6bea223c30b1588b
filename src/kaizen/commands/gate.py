"""``kaizen gate``: fail a pull request on a real performance regression, and only on a real one.

The head's tests run in a worktree; then every benchmark, base vs head, in the interleaved pairs
of ``kaizen bench`` (threshold: ``yellow_slowdown``, the band that counts as "no change"); peak
RSS from those runs; the import time of the ``source`` packages; new scan findings in the changed
files. ``decide/andon.py`` turns the figures into the board. With ``--baseline-file`` the base is
not run at all: the head is compared with stored samples, which the board marks as weaker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import platform
import re
import sys
from pathlib import Path

from kaizen import git
from kaizen.commands.bench import select_benchmarks
from kaizen.commands.gate_checks import findings_check, imports_check
from kaizen.config import Benchmark, Config, load_config
from kaizen.decide import andon
from kaizen.errors import KaizenError
from kaizen.measure.imports import ImportMeasurement
from kaizen.measure.pairs import (
    BenchmarkFailure,
    Measurement,
    PairEvent,
    PairSettings,
    Side,
    measure_pairs,
)
from kaizen.measure.resources import ResourceGuard
from kaizen.measure.solo import measure_solo
from kaizen.present import andon as board
from kaizen.present import console as out
from kaizen.record import baseline as stored_baseline
from kaizen.verify.testrun import run_tests
from kaizen.verify.unpaired import compare_unpaired


def run(
    cwd: Path,
    *,
    base: str | None,
    head: str,
    fmt: str,
    output: Path | None,
    baseline_file: Path | None,
    save_baseline: Path | None,
) -> int:
    root = git.repo_root(cwd)
    git.require_commits(root)
    config = load_config(root)
    andon.check_thresholds(config.gate)
    chosen = select_benchmarks(config, ())
    if (base is None) == (baseline_file is None):
        raise KaizenError("give exactly one of --base REV (measure base and head, interleaved) or --baseline-file PATH (compare head with stored results)")
    head_sha = git.resolve(root, head)
    stored = stored_baseline.load(baseline_file) if baseline_file is not None else None
    base_sha = git.resolve(root, base) if base is not None else _known_commit(root, stored.sha if stored else "")
    err = out.console(stderr=True)
    if git.is_dirty(root):
        err.print("note: uncommitted changes are not measured; the gate compares committed revisions only")

    with contextlib.ExitStack() as stack:
        progress = stack.enter_context(out.steps())
        guard = ResourceGuard(config.cpu_limit, on_pause=progress.say)
        settings = PairSettings(
            max_pairs=config.max_pairs,
            min_pairs=min(config.min_pairs, config.max_pairs),
            alpha=config.alpha,
            threshold=config.gate.yellow_slowdown,
            timeout=config.benchmark_timeout,
            before_run=guard.wait_until_quiet,
            on_pair=lambda e: progress.update(e.benchmark, e.pairs_done, e.max_pairs, _note(e)),
        )
        head_dir = stack.enter_context(git.worktree(root, head_sha))
        base_dir = stack.enter_context(git.worktree(root, base_sha)) if base_sha else None

        progress.start("tests", "tests on head", 1)
        signals = [_tests(config, head_dir)]
        progress.done("tests", f"tests on head: {signals[0].level.value}")
        measurements: list[Measurement] = []
        imports: ImportMeasurement | None = None
        if signals[0].level is andon.Level.RED:
            # Figures of code that fails its tests would mislead (broken code is often "faster"
            # because it skips work), and the board is RED already: save the CI minutes.
            why = "tests fail on head, and figures of code that fails its tests would mislead"
            signals += [andon.not_measured(name, why) for name in [b.name for b in chosen] + ["MEMORY", "IMPORT TIME"]]
        else:
            if stored is None:
                assert base_dir is not None
                bench_signals, measurements = _interleaved(chosen, base_dir, head_dir, settings, config, progress)
            else:
                bench_signals, measurements = _against_baseline(chosen, stored, head_dir, settings, config, progress)
            signals += bench_signals
            changes = [(m.benchmark, m.rss_change, m.base_peak_rss, m.head_peak_rss) for m in measurements]
            signals.append(andon.memory_signal(changes, config.gate))
            progress.start("imports", "import time", settings.max_pairs)
            import_signal, imports = imports_check(config, base_dir if stored is None else None, head_dir, settings, stored)
            progress.done("imports", f"import time: {import_signal.level.value}")
            signals.append(import_signal)
        findings_sig, fresh = findings_check(root, config, base_sha, head_sha, base_dir, head_dir)
        signals.append(findings_sig)

    notes: list[str] = []
    if stored is not None:
        notes.append(_trust_note(stored))
    report = board.GateReport(
        base=base if base is not None else str(baseline_file),
        base_sha=base_sha if stored is None else stored.sha,
        head=head,
        head_sha=head_sha,
        mode="interleaved" if stored is None else "baseline-file",
        signals=tuple(signals),
        gate=config.gate,
        alpha=config.alpha,
        measurements=tuple(measurements),
        imports=imports,
        findings=tuple(fresh),
        notes=tuple(notes),
    )
    if save_baseline is not None and not measurements:
        err.print(f"note: no baseline written to {save_baseline}: nothing was measured on head")
    elif save_baseline is not None:
        stored_baseline.save(save_baseline, _baseline_of(report, chosen))
        err.print(f"baseline of {head_sha[:8]} written to {save_baseline}")
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(board.render(report, fmt), encoding="utf-8")
        board.render_text(out.console(), report)
    elif fmt == "text":
        board.render_text(out.console(), report)
    else:
        sys.stdout.write(board.render(report, fmt))
    return report.exit_code


def _note(event: PairEvent) -> str:
    return f"→ {event.interim.verdict}" if event.interim else ""


def _known_commit(root: Path, sha: str) -> str | None:
    """The baseline's commit when this clone has it (used for the changed files); else None."""
    try:
        return git.resolve(root, sha)
    except KaizenError:
        return None


def _tests(config: Config, head_dir: Path) -> andon.Signal:
    if config.tests is None:
        return andon.tests_signal(False, configured=False)
    outcome = run_tests(config.tests, head_dir, config.test_timeout)
    if outcome.not_found:
        raise KaizenError(f"the test command `{config.tests.display}` could not be started (command not found); fix `tests` in {config.path.name}")
    if outcome.passed:
        n = outcome.tests_run
        ran = "pass" if n is None else "1 test passes" if n == 1 else f"{n} tests pass"
        return andon.tests_signal(True, ran)
    return andon.tests_signal(False, f"{outcome.describe()}; {failing_tail(outcome.tail)}".rstrip("; "))


def failing_tail(tail: str, keep: int = 3) -> str:
    """The lines of a test run's tail that say what failed (error and assert lines), then its last
    line: pytest and unittest both end in a summary, with the reason a few lines above it."""
    lines = [line.strip() for line in tail.strip().splitlines() if line.strip() and set(line.strip()) - set("-=_ ")]
    if not lines:
        return ""
    telling = [line for line in lines[:-1] if re.search(r"Error|Exception|assert|FAIL", line)][-keep:]
    return " | ".join(dict.fromkeys([*telling, lines[-1]]))


def _interleaved(
    chosen: list[Benchmark], base_dir: Path, head_dir: Path, settings: PairSettings, config: Config, progress: out.Steps
) -> tuple[list[andon.Signal], list[Measurement]]:
    signals: list[andon.Signal] = []
    measurements: list[Measurement] = []
    for benchmark in chosen:
        progress.start(benchmark.name, f"{benchmark.name}: measuring pairs", settings.max_pairs)
        outcome = measure_pairs(benchmark, Side("base", base_dir), Side("head", head_dir), settings)
        if isinstance(outcome, BenchmarkFailure):
            if outcome.side == "base":
                raise KaizenError(f"{outcome.describe()}; the gate cannot compare against a base whose benchmark fails (run `{benchmark.runnable.display}` on base to see why)")
            signals.append(andon.failed_benchmark_signal(benchmark.name, outcome.failure.describe()))
            progress.done(benchmark.name, f"{benchmark.name}: fails on head")
            continue
        signals.append(andon.benchmark_signal(benchmark.name, outcome.comparison, config.gate))
        measurements.append(outcome)
        progress.done(benchmark.name, f"{benchmark.name}: {outcome.comparison.verdict} after {outcome.comparison.pairs} pairs")
    return signals, measurements


def _against_baseline(
    chosen: list[Benchmark],
    stored: stored_baseline.Baseline,
    head_dir: Path,
    settings: PairSettings,
    config: Config,
    progress: out.Steps,
) -> tuple[list[andon.Signal], list[Measurement]]:
    signals: list[andon.Signal] = []
    measurements: list[Measurement] = []
    for benchmark in chosen:
        old = stored.benchmarks.get(benchmark.name)
        if old is None or old.command != benchmark.runnable.display or len(old.wall) < 2:
            why = "not in the baseline" if old is None else "its command changed since the baseline" if len(old.wall) >= 2 else "too few stored runs"
            signals.append(andon.unmatched_signal(benchmark.name, why))
            continue
        progress.start(benchmark.name, f"{benchmark.name}: measuring head", settings.max_pairs)
        solo = measure_solo(benchmark, Side("head", head_dir), settings.max_pairs, settings)
        if isinstance(solo, BenchmarkFailure):
            signals.append(andon.failed_benchmark_signal(benchmark.name, solo.failure.describe()))
            progress.done(benchmark.name, f"{benchmark.name}: fails on head")
            continue
        c = compare_unpaired(old.wall, solo.wall, alpha=config.alpha, threshold=config.gate.yellow_slowdown)
        m = Measurement(benchmark.name, old.wall, solo.wall, old.peak_rss, solo.peak_rss, (), c)
        signals.append(andon.benchmark_signal(benchmark.name, c, config.gate))
        measurements.append(m)
        progress.done(benchmark.name, f"{benchmark.name}: {c.verdict} against the baseline")
    return signals, measurements


def machine() -> str:
    return f"{platform.system()} {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, host {platform.node()}"


def _trust_note(stored: stored_baseline.Baseline) -> str:
    same = "the same machine" if stored.machine == machine() else f"another machine ({stored.machine})"
    return (
        f"compared with stored results of {stored.sha[:8]} taken {stored.created} on {same}, not re-measured: "
        "base and head were not interleaved, so drift of the machine between the two sessions (another runner, "
        "CPU frequency, load) is not cancelled and not in the error bars; the false-alarm rate is higher than "
        "with --base (see docs/gate.md), so confirm a RED with `kaizen gate --base REV`"
    )


def _baseline_of(report: board.GateReport, chosen: list[Benchmark]) -> stored_baseline.Baseline:
    commands = {b.name: b.runnable.display for b in chosen}
    return stored_baseline.Baseline(
        sha=report.head_sha,
        created=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        machine=machine(),
        benchmarks={
            m.benchmark: stored_baseline.StoredBenchmark(commands[m.benchmark], m.head, m.head_rss) for m in report.measurements
        },
        import_modules=report.imports.modules if report.imports else (),
        import_us=report.imports.head_us if report.imports else (),
    )
