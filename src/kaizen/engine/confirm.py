"""COMPLETE: measure every kept commit again on fresh runs (against its parent), revert the ones
whose gain does not hold up, measure the whole branch against the start commit, write the reports
and remove the worktrees. The branch stays for the user."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from kaizen import git
from kaizen.engine.driver import Deadline
from kaizen.errors import KaizenError
from kaizen.measure.growth import measure_growth
from kaizen.measure.pairs import BenchmarkFailure, Measurement, Side, measure_pairs
from kaizen.verify.stats import Verdict

if TYPE_CHECKING:
    from kaizen.engine.night import Night


def _measure(night: Night, name: str, base_sha: str, head_sha: str, threshold: float) -> Measurement | BenchmarkFailure:
    assert night.best_dir is not None and night.cand_dir is not None
    git.checkout_detached(night.best_dir, base_sha)
    git.checkout_detached(night.cand_dir, head_sha)
    deadline = Deadline(night.clock() + night.config.stall_minutes * 60, night.clock)
    base = night.baseline.get(name)
    settings = night.pair_settings(deadline, alpha=night.config.alpha, threshold=threshold, aa=base.aa if base else None)
    return measure_pairs(night.config.benchmark(name), Side("base", night.best_dir), Side("head", night.cand_dir), settings)


def _record(night: Night, m: Measurement, candidate_id: int | None, iteration: int | None) -> None:
    c = m.comparison
    night.history.insert(
        "measurements", run_id=night.run_id, candidate_id=candidate_id, iteration=iteration, kind="confirm",
        benchmark=m.benchmark, verdict=str(c.verdict), speedup=c.speedup, ci_low=c.ci_low, ci_high=c.ci_high, p=c.p,
        pairs=c.pairs, noise_floor=c.noise_floor, base_rss=m.base_peak_rss, head_rss=m.head_peak_rss,
        base=list(m.base), head=list(m.head), at=time.time(),
    )


def primary_benchmark(night: Night, candidate_id: int) -> str:
    rows = night.history.rows(
        "SELECT benchmark FROM measurements WHERE candidate_id = ? AND kind = 'candidate' ORDER BY (verdict = 'faster') DESC, speedup DESC LIMIT 1",
        candidate_id,
    )
    return str(rows[0]["benchmark"]) if rows else next(iter(night.config.benchmarks))


def confirm_commits(night: Night) -> None:
    kept = night.history.rows("SELECT * FROM decisions WHERE run_id = ? AND outcome = 'kept' AND confirmed IS NULL ORDER BY id", night.run_id)
    for row in kept:
        sha = str(row["commit_sha"])
        name = primary_benchmark(night, int(row["candidate_id"]))
        parent = git.resolve(night.root, f"{sha}^")
        night.say("info", f"confirming {sha[:10]} on {name} against its parent")
        result = _measure(night, name, parent, sha, threshold=0.0)
        if isinstance(result, BenchmarkFailure):
            night.say("warn", f"could not confirm {sha[:10]}: {result.describe()}")
            continue
        _record(night, result, int(row["candidate_id"]), int(row["iteration"]))
        # Holding up means still significantly faster on fresh runs; the practical margin was
        # already met when the change was kept, and a busy machine's noise floor must not undo it.
        c = result.comparison
        holds = c.verdict is Verdict.FASTER or (c.p_faster < night.config.alpha and c.ci_low > 1.0)
        night.history.update("decisions", {"id": row["id"]}, confirmed=int(holds))
        if holds:
            night.say("info", f"confirmed {sha[:10]}: {c.speedup:.3f}× [{c.ci_low:.3f}, {c.ci_high:.3f}], p={c.p_faster:.2g}")
        else:
            night.say("warn", f"{sha[:10]} did not hold up ({c.verdict}, {c.speedup:.3f}×): reverting it on the branch")
            revert(night, sha)


def revert(night: Night, sha: str) -> None:
    assert night.best_dir is not None
    tip = git.branch_sha(night.root, night.branch)
    git.checkout_detached(night.best_dir, tip)
    try:
        new = git.revert_in(night.best_dir, sha, f"Revert {sha[:10]}: its gain did not hold up in kaizen's final confirmation")
    except KaizenError as exc:
        git.reset_hard(night.best_dir, tip)
        night.say("warn", f"could not revert {sha[:10]} cleanly ({exc}); it stays on the branch, marked unconfirmed")
        return
    git.update_branch(night.root, night.branch, new, tip)
    night.best_sha = new
    night.history.update("runs", {"id": night.run_id}, best_sha=new)


def confirm_branch(night: Night) -> dict[str, object]:
    tip = git.branch_sha(night.root, night.branch)
    final: dict[str, object] = {"start_sha": night.start_sha, "tip_sha": tip, "benchmarks": {}}
    if tip == night.start_sha:
        return final
    for name in night.config.benchmarks:
        night.say("info", f"measuring the whole branch against the start commit on {name}")
        result = _measure(night, name, night.start_sha, tip, threshold=night.config.improvement_threshold)
        if isinstance(result, BenchmarkFailure):
            night.say("warn", f"final measurement of {name} failed: {result.describe()}")
            continue
        _record(night, result, None, None)
        c = result.comparison
        final["benchmarks"][name] = {  # type: ignore[index]
            "verdict": str(c.verdict), "speedup": c.speedup, "ci": [c.ci_low, c.ci_high], "p": c.p, "pairs": c.pairs,
            "base_peak_rss": result.base_peak_rss, "head_peak_rss": result.head_peak_rss,
        }
        night.say("info", f"branch vs start on {name}: {c.verdict} {c.speedup:.3f}× [{c.ci_low:.3f}, {c.ci_high:.3f}]")
    return final


def measure_growths(night: Night) -> dict[str, dict[str, object]]:
    """For sized benchmarks: the growth exponent at the start commit and at the branch tip, so the
    report can say "O(n^2.0) → O(n^1.0)", measured."""
    assert night.best_dir is not None and night.cand_dir is not None
    sized = [b for b in night.config.benchmarks.values() if b.sizes]
    growth: dict[str, dict[str, object]] = {}
    if not sized:
        return growth
    tip = git.branch_sha(night.root, night.branch)
    git.checkout_detached(night.best_dir, night.start_sha)
    git.checkout_detached(night.cand_dir, tip)
    for bench in sized:
        night.say("info", f"measuring the growth of {bench.name} at sizes {', '.join(map(str, bench.sizes))}, before and after")
        try:
            before = measure_growth(night.best_dir, bench, bench.timeout or night.config.benchmark_timeout)
            after = measure_growth(night.cand_dir, bench, bench.timeout or night.config.benchmark_timeout)
        except KaizenError as exc:
            night.say("warn", f"growth of {bench.name} not measured: {exc}")
            continue
        growth[bench.name] = {"before": before.to_json(), "after": after.to_json()}
        night.say("info", f"{bench.name}: {before.fit.describe()} → {after.fit.describe()}")
    return growth


def finish(night: Night) -> None:
    from kaizen.present.report import write_reports

    confirm_commits(night)
    final = confirm_branch(night)
    growth = measure_growths(night)
    if growth:
        final["growth"] = growth
    status = "stopped" if night.stop_reason and night.stop_reason.startswith("stopped") else "complete"
    night.history.update("runs", {"id": night.run_id}, final=json.dumps(final), status=status, finished_at=time.time(),
                         stop_reason=night.stop_reason)
    night.write_views()
    md, _html = write_reports(night.kdir, night.run_id)
    night.say("info", f"report: {md}")
    night.checkpoint()
    for path in (night.best_dir, night.cand_dir):
        if path is not None:
            git.remove_worktree(night.root, path)
    night.best_dir = night.cand_dir = None
