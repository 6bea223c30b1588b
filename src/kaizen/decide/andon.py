"""The andon board: measurements in, GREEN / YELLOW / RED signals out. Pure: no I/O, no clock.

Shared by ``kaizen gate`` (the CI face) and the overnight loop's stopping rules, so a night stops
for exactly the reasons a pull request would be failed.

The rules, with the ``[tool.kaizen.gate]`` defaults:
- RED: tests fail; or a benchmark is significantly slower (p below the level of the look that
  decided, the looks sharing ``alpha``) by more than ``red_slowdown`` (10 %) with the 99 % CI's
  lower bound beyond ``red_ci_bound`` (5 %).
- YELLOW: a benchmark slower by ``yellow_slowdown``–``red_slowdown`` (5–10 %), or too noisy to
  tell (inconclusive with a CI that does not rule out a ``yellow_slowdown``: never red on noise); peak RSS up by more than ``rss_yellow`` (10 %);
  import time significantly slower by more than ``import_yellow`` (10 %); new scan findings in
  changed files.
- GREEN otherwise.
A red threshold below the noise floor a comparison measured is refused for that comparison: the
benchmark is then judged against the floor (what the machine can tell apart) and the rule says so.
That is a per-run fact about the machine, so it is reported on the board, not raised as an error;
thresholds that contradict each other (yellow above red) are a config error and raise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from kaizen.config import GateConfig
from kaizen.errors import KaizenError
from kaizen.verify.stats import CONFIDENCE, Comparison, Verdict

if TYPE_CHECKING:  # only the type: decide/ must not pull the measuring machinery in
    from kaizen.measure.pairs import Measurement
    from kaizen.patterns.base import Finding

# Float slack at the boundaries: a slowdown of exactly 10 % computed as 0.1000000000002 is still
# "not more than 10 %".
EPS = 1e-9


class Level(StrEnum):
    GREEN = "GREEN"
    YELLOW = "YELLOW"
    RED = "RED"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Level.GREEN: 0, Level.YELLOW: 1, Level.RED: 2}


@dataclass(frozen=True)
class Signal:
    name: str  # "TESTS", a benchmark's name, "MEMORY", "IMPORT TIME", "FINDINGS"
    level: Level
    figure: str  # what was measured, in numbers
    rule: str  # the rule that set the level, in words


def pct(x: float) -> str:
    """10 % → "10%", 7.5 % → "7.5%": thresholds as people write them."""
    return f"{x * 100:.3g}%"


def signed_pct(x: float) -> str:
    return f"{x * 100:+.1f}%"


def slowdown(c: Comparison) -> float:
    """Relative extra time of the head: 0.25 = head takes 25 % longer; negative when faster."""
    return 1.0 / c.speedup - 1.0


def slowdown_ci(c: Comparison) -> tuple[float, float]:
    return 1.0 / c.ci_high - 1.0, 1.0 / c.ci_low - 1.0


def worst(signals: Iterable[Signal]) -> Level:
    return max((s.level for s in signals), key=lambda level: level.rank, default=Level.GREEN)


def check_thresholds(gate: GateConfig) -> None:
    """Refuse thresholds that contradict each other (a config error, not a machine fact)."""
    if gate.yellow_slowdown > gate.red_slowdown:
        raise KaizenError(
            f"[tool.kaizen.gate] yellow_slowdown ({pct(gate.yellow_slowdown)}) is above red_slowdown "
            f"({pct(gate.red_slowdown)}), so nothing could ever be yellow; make yellow_slowdown ≤ red_slowdown"
        )
    if gate.red_ci_bound > gate.red_slowdown:
        raise KaizenError(
            f"[tool.kaizen.gate] red_ci_bound ({pct(gate.red_ci_bound)}) is above red_slowdown "
            f"({pct(gate.red_slowdown)}); the CI's lower bound is a weaker demand than the estimate, "
            "so make red_ci_bound ≤ red_slowdown"
        )


def tests_signal(ok: bool, detail: str = "", configured: bool = True) -> Signal:
    if not configured:
        return Signal("TESTS", Level.YELLOW, "not run: no `tests` command in [tool.kaizen]", "tests must be configured to be guarded")
    if ok:
        return Signal("TESTS", Level.GREEN, detail or "pass", "tests pass")
    return Signal("TESTS", Level.RED, detail or "fail", "tests must pass")


def comparison_figure(c: Comparison) -> str:
    lo, hi = slowdown_ci(c)
    s = slowdown(c)
    way = f"{1 + s:.2f}× slower" if s > 0 else f"{1 / (1 + s):.2f}× faster"
    return f"{way} ({signed_pct(s)} time, {CONFIDENCE:.0%} CI {signed_pct(lo)} … {signed_pct(hi)}), p={c.p:.2g}, {c.pairs} pairs"


def benchmark_signal(name: str, c: Comparison, gate: GateConfig) -> Signal:
    """One benchmark's level from its comparison (head vs base)."""
    s = slowdown(c)
    s_low, s_high = slowdown_ci(c)
    figure = comparison_figure(c)
    red_at = max(gate.red_slowdown, c.noise_floor)
    refused = ""
    if c.noise_floor > gate.red_slowdown + EPS:
        refused = (
            f"; red_slowdown {pct(gate.red_slowdown)} is below this run's noise floor "
            f"{pct(c.noise_floor)} and was refused, so RED needed more than the floor"
        )
    red_rule = (
        f"significantly slower (p < {c.alpha:.2g}) by more than {pct(red_at)} "
        f"with the CI's lower bound beyond {pct(gate.red_ci_bound)}"
    )
    if c.p_slower < c.alpha and s > red_at + EPS and s_low > gate.red_ci_bound + EPS:
        return Signal(name, Level.RED, figure, f"RED: {red_rule}{refused}")
    # The gate's question is one-sided: "slower by what matters?". A noisy comparison whose CI
    # still rules that out (it may only be unclear whether head is faster) has answered it.
    if c.verdict is Verdict.INCONCLUSIVE and s_high >= gate.yellow_slowdown - EPS:
        return Signal(
            name,
            Level.YELLOW,
            figure,
            f"too noisy to tell (noise floor {pct(c.noise_floor)} at {c.pairs} pairs): never red on noise; "
            f"rerun on a quieter machine or raise max_pairs{refused}",
        )
    if s >= gate.yellow_slowdown - EPS:
        return Signal(
            name,
            Level.YELLOW,
            figure,
            f"slower by at least {pct(gate.yellow_slowdown)}, short of RED ({red_rule}){refused}",
        )
    if c.verdict is Verdict.INCONCLUSIVE:
        return Signal(
            name,
            Level.GREEN,
            figure,
            f"the CI rules out a slowdown of {pct(gate.yellow_slowdown)} (its upper end is {signed_pct(s_high)}); "
            f"whether head is faster is too noisy to tell{refused}",
        )
    return Signal(name, Level.GREEN, figure, f"{c.verdict}: less than {pct(gate.yellow_slowdown)} slower{refused}")


def failed_benchmark_signal(name: str, description: str) -> Signal:
    """The head no longer runs a benchmark the base ran: the worst regression there is."""
    return Signal(name, Level.RED, f"fails on head: {description}", "a benchmark that ran on base must run on head")


def unmatched_signal(name: str, why: str) -> Signal:
    """A benchmark the stored baseline cannot speak for: compared with nothing, so flagged for a look."""
    return Signal(name, Level.YELLOW, f"not compared: {why}", "every benchmark needs a base to compare with; re-save the baseline or use --base")


def memory_signal(changes: Sequence[tuple[str, float, int, int]], gate: GateConfig) -> Signal:
    """``changes``: (benchmark, relative change of median peak RSS, base bytes, head bytes) each.

    Peak RSS is nearly deterministic for the same code, so the median of the pairs is compared
    directly (no test); memory never blocks a merge on its own, it asks for a look."""
    if not changes:
        return Signal("MEMORY", Level.GREEN, "not measured: no benchmark ran", "peak RSS comes from the benchmarks")
    name, change, base, head = max(changes, key=lambda item: item[1])
    figure = f"peak RSS {_mib(base)} → {_mib(head)} ({signed_pct(change)}) in {name}"
    if change > gate.rss_yellow + EPS:
        return Signal("MEMORY", Level.YELLOW, figure, f"peak RSS up by more than {pct(gate.rss_yellow)}")
    return Signal("MEMORY", Level.GREEN, figure, f"peak RSS up by at most {pct(gate.rss_yellow)}")


def import_signal(modules: Sequence[str], c: Comparison, gate: GateConfig, base_ms: float, head_ms: float) -> Signal:
    """Import time of the source packages. Small imports are noisy in relative terms, so only a
    significant slowdown beyond ``import_yellow`` turns it yellow; noise is reported, not flagged."""
    s = slowdown(c)
    what = ", ".join(modules)
    figure = f"import {what}: {base_ms:.1f} → {head_ms:.1f} ms, {comparison_figure(c)}"
    if c.p_slower < c.alpha and s > gate.import_yellow + EPS:
        return Signal("IMPORT TIME", Level.YELLOW, figure, f"significantly slower (p < {c.alpha:.2g}) by more than {pct(gate.import_yellow)}")
    note = "too noisy to tell; " if c.verdict is Verdict.INCONCLUSIVE else ""
    return Signal("IMPORT TIME", Level.GREEN, figure, f"{note}not significantly slower by more than {pct(gate.import_yellow)}")


def import_failed_signal(detail: str) -> Signal:
    # Not RED: if the package no longer imports, the tests say so with authority.
    return Signal("IMPORT TIME", Level.YELLOW, detail, "the source packages must import on head")


def _key(f: Finding) -> tuple[str, str, str | None]:
    # Lines shift with every edit above a finding; the function it sits in does not.
    return (f.pattern_id, f.path, f.function)


def new_findings(base: Iterable[Finding], head: Iterable[Finding]) -> list[Finding]:
    """Head findings that base did not have, matched by (pattern, file, function) as a multiset:
    a second instance of the same pattern in the same function is new, a moved line is not."""
    remaining = Counter(_key(f) for f in base)
    fresh: list[Finding] = []
    for finding in sorted(head, key=lambda f: (f.path, f.line, f.pattern_id)):
        if remaining[_key(finding)] > 0:
            remaining[_key(finding)] -= 1
        else:
            fresh.append(finding)
    return fresh


def findings_signal(fresh: Sequence[Finding], files_scanned: int) -> Signal:
    if not fresh:
        return Signal("FINDINGS", Level.GREEN, f"no new findings in {files_scanned} changed Python file(s)", "no new slow shapes in changed files")
    shown = "; ".join(f"{f.pattern_id} {f.name} at {f.location}" for f in fresh[:3])
    more = f" (+{len(fresh) - 3} more)" if len(fresh) > 3 else ""
    return Signal("FINDINGS", Level.YELLOW, f"{len(fresh)} new: {shown}{more}", "new slow shapes in changed files (`kaizen scan` them)")


def not_measured(name: str, why: str) -> Signal:
    """A line that could not be measured: shown, and never blocking."""
    return Signal(name, Level.GREEN, f"not measured: {why}", "nothing measured, nothing to flag")


def _mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


# ---- the overnight loop's stopping rules -------------------------------------------------------


def night_signals(
    tests_ok: bool,
    branch_vs_start: Sequence[Measurement],
    gate: GateConfig | None = None,
    tests_detail: str = "",
) -> list[Signal]:
    """The board for the kaizen branch against the night's start commit: the same rules as the gate."""
    rules = gate or GateConfig()
    signals = [tests_signal(tests_ok, tests_detail)]
    signals += [benchmark_signal(m.benchmark, m.comparison, rules) for m in branch_vs_start]
    changes = [(m.benchmark, m.rss_change, m.base_peak_rss, m.head_peak_rss) for m in branch_vs_start]
    signals.append(memory_signal(changes, rules))
    return signals


def should_stop(signals: Sequence[Signal]) -> str | None:
    """The reason to stop the night (recorded with the run), or None to carry on: any RED stops."""
    red = [s for s in signals if s.level is Level.RED]
    if not red:
        return None
    return "; ".join(f"RED {s.name}: {s.figure} ({s.rule})" for s in red)


PACE_FLOOR = 0.25


def pace(signals_history: Sequence[Sequence[Signal]]) -> float:
    """How fast the night may go, from 1.0 (full speed) down to ``PACE_FLOOR``.

    ``signals_history`` is the boards of the checks so far, oldest first. Each consecutive YELLOW
    board at the end of the history after the first halves the pace (one YELLOW can be a noisy
    check; two in a row is a trend): 1, 1, 0.5, 0.25. A GREEN board restores full speed. The loop
    divides its work between whole-branch confirmations by it: at pace 0.5 it commits half as
    many candidates before re-checking the branch against the start, and measures with 1/pace
    times the pairs, so a drifting branch is watched more closely rather than pushed further.
    """
    streak = 0
    for board in reversed(signals_history):
        if worst(board) is Level.GREEN:
            break
        streak += 1
    return max(PACE_FLOOR, 0.5 ** max(0, streak - 1))
