"""The candidate states of a night: IDENTIFY_BOTTLENECKS, APPLY_OPTIMIZATION, RUN_BENCHMARKS,
VALIDATE and COMMIT_CHANGES. Each returns an Outcome; a rejection is recorded with its reason."""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING

from kaizen import git
from kaizen.analyze.complexity import FunctionShape, shape_of
from kaizen.analyze.rank import Candidate, rank
from kaizen.analyze.scan import scan
from kaizen.analyze.shapes import read_shapes
from kaizen.decide import adapt, fdr
from kaizen.decide.policy import BenchmarkResult, decide
from kaizen.engine.driver import Deadline
from kaizen.engine.states import Outcome
from kaizen.measure.hotspots import FunctionStats, Profile
from kaizen.measure.pairs import BenchmarkFailure, Side, measure_pairs
from kaizen.measure.profile import profile_benchmark
from kaizen.transform.apply import Applied, Refused, apply_one
from kaizen.transform.changes import changed_functions, module_name
from kaizen.verify.behaviour import check_behaviour, collect_evidence
from kaizen.verify.stats import Verdict
from kaizen.verify.testrun import run_tests

if TYPE_CHECKING:
    from kaizen.engine.night import Night

HOTSPOTS_KEPT = 10
EVIDENCE_MIN_SHARE = 0.05  # a report-only place must be at least this hot to pay for a capture run


def candidate_keys(ranked: list[Candidate]) -> dict[str, Candidate]:
    """Keys that survive line shifts from earlier commits: pattern, file, function and the
    occurrence of that pattern within the function."""
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    keys: dict[str, Candidate] = {}
    for c in sorted(ranked, key=lambda c: (c.finding.path, c.finding.line, c.finding.col)):
        f = c.finding
        base = (f.pattern_id, f.path, f.function or "<module>")
        seen[base] += 1
        keys[f"{f.pattern_id}:{f.path}:{f.function or '<module>'}#{seen[base]}"] = c
    return keys


def identify(night: Night, deadline: Deadline) -> Outcome:
    assert night.best_dir is not None
    if night.elapsed() >= night.options.hours * 3600:
        night.stop_reason = f"time budget reached ({night.options.hours:g} h)"
        return Outcome.STOP
    best = night.best_dir
    source = list(night.config.source)
    report = scan(best, [best / s for s in source], cache_dir=night.kdir / "cache")
    findings = [f for f in report.findings if f.pattern_id != "KZ000"]
    shapes = read_shapes(best, sorted({f.path for f in findings}))
    if night.profiled_sha != night.best_sha:
        night.say("info", f"profiling {len(night.config.benchmarks)} benchmark(s) on {night.best_sha[:10]}")
        night.profiles = []
        for bench in night.config.benchmarks.values():
            fresh = profile_benchmark(best, bench, source, deadline.timeout(night.config.benchmark_timeout))
            for warning in fresh.warnings:
                night.say("warn", f"{bench.name}: {warning}")
            night.profiles.append((bench.name, fresh))
            record_hotspots(night, fresh.functions[:HOTSPOTS_KEPT], shapes)
        night.profiled_sha = night.best_sha
    # Every benchmark's profile ranks the findings; a place's score is what it saves over all of them.
    best_of: dict[str, Candidate] = {}
    scores: dict[str, float] = defaultdict(float)
    profiles: list[tuple[str, Profile | None]] = list(night.profiles) or [("", None)]
    for name, profile in profiles:
        wall = night.baseline[name].median if name in night.baseline else None
        for c in rank(findings, profile, night.weights, shapes=shapes, wall=wall):
            scores[c.key] += c.score
            if c.key not in best_of or (c.hot_share or 0) > (best_of[c.key].hot_share or 0):
                best_of[c.key] = c
    night.ranked = [dataclasses.replace(c, score=scores[k]) for k, c in best_of.items()]
    keyed = candidate_keys(night.ranked)
    for key, c in keyed.items():
        f = c.finding
        night.history.db.execute(
            "INSERT INTO candidates (run_id, key, pattern_id, pattern_name, path, line, function, message, fixable, score, hot_share, growth, status, reason) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?, 'found', ?) ON CONFLICT (run_id, key) DO UPDATE SET line=excluded.line, score=excluded.score, "
            "hot_share=excluded.hot_share, growth=excluded.growth",
            (night.run_id, key, f.pattern_id, f.name, f.path, f.line, f.function, f.message, int(f.fixable), c.score, c.hot_share or 0.0, c.growth, f.reason),
        )
    untried = [c for k, c in keyed.items() if k not in night.tried and c.finding.fixable]
    if not untried:
        # Report-only places in hot code get one chance each: the element types the tests pass may
        # prove what the source could not (the pattern's refuse() decides, with that evidence).
        untried = [c for k, c in keyed.items() if k not in night.tried and c.finding.function
                   and (c.hot_share or 0) >= EVIDENCE_MIN_SHARE and _types_could_settle(c.finding.reason)]
    if not untried:
        night.stop_reason = "no untried fixable candidates left"
        night.say("info", night.stop_reason)
        return Outcome.EXHAUSTED
    order = adapt.thompson_order(untried, night.pattern_record, seed=night.options.seed + night.iteration)
    chosen = order[0]
    key = next(k for k, c in keyed.items() if c is chosen)
    row = night.history.rows("SELECT id FROM candidates WHERE run_id = ? AND key = ?", night.run_id, key)[0]["id"]
    night.history.update("candidates", {"id": row}, status="trying", iteration=night.iteration)
    from kaizen.engine.night import Current

    night.current = Current(row=int(row), candidate=chosen, key=key)
    f = chosen.finding
    share = f"{chosen.hot_share:.0%} of the time" if chosen.hot_share is not None else "not profiled"
    night.say("info", f"iteration {night.iteration}: trying {f.pattern_id} {f.name} at {f.path}:{f.line} in {f.function or '<module>'} ({share}, {len(untried)} untried)")
    return Outcome.OK


def _types_could_settle(reason: str | None) -> bool:
    """Only refusals about what the values are (hashable? which type?) can be lifted by the types
    seen at run time; refusals about the code's structure cannot."""
    return reason is not None and any(word in reason.lower() for word in ("type", "hashable", "iterator", "unknown"))


def record_hotspots(night: Night, functions: tuple[FunctionStats, ...], shapes: Mapping[str, tuple[FunctionShape, ...]]) -> None:
    for fn in functions:
        shape = shape_of(shapes[fn.path], fn.qualname) if fn.path in shapes else None
        night.history.insert("hotspots", run_id=night.run_id, iteration=night.iteration, path=fn.path, line=fn.line,
                             function=fn.qualname, total_share=fn.total_share, self_share=fn.self_share,
                             growth=shape.growth.label if shape else None)


def apply(night: Night, deadline: Deadline) -> Outcome:
    assert night.current is not None and night.cand_dir is not None
    git.reset_hard(night.cand_dir, night.best_sha)
    f = night.current.candidate.finding
    evidence = None
    if f.fixable:
        night.current.evidence["Safety evidence"] = "static: the pattern's checks prove the rewrite safe from the source"
    else:
        assert night.best_dir is not None and night.config.tests is not None and f.function is not None
        night.say("info", f"{f.pattern_id} at {f.location} is not provably safe from the source ({f.reason}); collecting runtime types from the tests")
        found = collect_evidence(night.best_dir, night.config.tests, [(module_name(f.path), f.function)], deadline.timeout(night.config.test_timeout))
        evidence = found.get(f"{module_name(f.path)}.{f.function}") or found.get(f.function)
        if evidence is None:
            return reject(night, "rewrite refused", f"{f.reason} (no runtime evidence: the tests never called {f.function})")
        night.current.evidence["Safety evidence"] = f"dynamic: {evidence.describe()}"
    result = apply_one(night.cand_dir / f.path, f.pattern_id, f.line, evidence)
    if isinstance(result, Applied):
        night.current.diff = git.diff(night.cand_dir)
        return Outcome.OK
    if isinstance(result, Refused):
        return reject(night, "rewrite refused", result.reason)
    return reject(night, "rewrite crashed", str(getattr(result, "error", result)))


def run_benchmarks(night: Night, deadline: Deadline) -> Outcome:
    assert night.current is not None and night.best_dir is not None and night.cand_dir is not None
    night.tested += 1
    night.current.tested_index = night.tested
    alpha = fdr.lond_alpha(night.config.alpha, night.tested, night.discoveries)
    night.current.alpha = alpha
    for bench in night.config.benchmarks.values():
        base = night.baseline.get(bench.name)
        settings = night.pair_settings(deadline, alpha=alpha, threshold=night.threshold, aa=base.aa if base else None)
        outcome = measure_pairs(bench, Side("base", night.best_dir), Side("head", night.cand_dir), settings)
        if isinstance(outcome, BenchmarkFailure):
            side = "the candidate" if outcome.side == "head" else "the current best"
            return reject(night, "benchmark failed", f"{bench.name} on {side}: {outcome.failure.describe()}")
        c = outcome.comparison
        night.current.results[bench.name] = outcome
        night.history.insert(
            "measurements", run_id=night.run_id, candidate_id=night.current.row, iteration=night.iteration, kind="candidate",
            benchmark=bench.name, verdict=str(c.verdict), speedup=c.speedup, ci_low=c.ci_low, ci_high=c.ci_high, p=c.p,
            pairs=c.pairs, noise_floor=c.noise_floor, base_rss=outcome.base_peak_rss, head_rss=outcome.head_peak_rss,
            base=list(outcome.base), head=list(outcome.head), at=time.time(),
        )
        night.say("info", f"{bench.name}: {c.verdict} {c.speedup:.3f}× [{c.ci_low:.3f}, {c.ci_high:.3f}] p={c.p:.2g} after {c.pairs} pairs")
        if c.verdict is Verdict.SLOWER:
            return reject(night, "slower", f"{bench.name} {c.speedup:.3f}× [{c.ci_low:.3f}, {c.ci_high:.3f}], p={c.p_slower:.2g}")
    return Outcome.OK


def validate(night: Night, deadline: Deadline) -> Outcome:
    assert night.current is not None and night.cand_dir is not None and night.config.tests is not None
    tests = run_tests(night.config.tests, night.cand_dir, deadline.timeout(night.config.test_timeout))
    night.current.tests_run = tests.tests_run
    if not tests.passed:
        return reject(night, "tests failed", tests.describe().removeprefix("tests failed: "))
    changed = changed_functions(night.cand_dir, night.current.diff)
    assert night.best_dir is not None
    report = check_behaviour(night.best_dir, night.cand_dir, night.config.tests, changed,
                             timeout=deadline.timeout(night.config.test_timeout), allow_unverified=night.options.allow_unverified)
    night.current.evidence["behaviour"] = report.to_json()
    night.current.evidence["Behaviour"] = (
        f"{report.status}: {report.calls_replayed} recorded calls replayed, {report.inputs_fuzzed} generated inputs compared, "
        f"changed lines covered {report.changed_lines_covered:.0%}" if report.changed_lines_covered is not None
        else f"{report.status}: {report.calls_replayed} recorded calls replayed, {report.inputs_fuzzed} generated inputs compared")
    if report.status == "different":
        return reject(night, "behaviour changed", report.difference or "the rewritten function returned something else")
    if report.status == "unverified":
        lines = ", ".join(str(n) for n in report.uncovered_lines) or "?"
        return reject(night, "unverified", f"the tests never run the changed lines ({lines}); pass --allow-unverified to keep such changes")
    results = {name: BenchmarkResult(m.comparison, m.rss_change) for name, m in night.current.results.items()}
    decision = decide(results, night.config.memory_margin)
    if not decision.keep:
        return reject(night, decision.reason, decision.detail)
    night.current.decision_detail = decision.detail
    night.current.primary = decision.primary
    return Outcome.OK


def commit(night: Night, deadline: Deadline) -> Outcome:
    cur = night.current
    assert cur is not None and night.cand_dir is not None and night.best_dir is not None and cur.primary is not None
    f = cur.candidate.finding
    main = cur.results[cur.primary].comparison
    lines = [
        f"perf({f.pattern_id}): {f.function or '<module>'} in {f.path}",
        "",
        f"{f.name}: {f.message}",
        "",
        f"Speedup on {cur.primary}: {main.speedup:.3f}x (99% CI {main.ci_low:.3f}-{main.ci_high:.3f}), p={main.p_faster:.2g} "
        f"at alpha {cur.alpha:.2g}, {main.pairs} interleaved pairs, noise floor {main.noise_floor:.1%}",
    ]
    for name, m in cur.results.items():
        if name != cur.primary:
            c = m.comparison
            lines.append(f"{name}: {c.verdict} {c.speedup:.3f}x (99% CI {c.ci_low:.3f}-{c.ci_high:.3f}), p={c.p:.2g}, {c.pairs} pairs")
    lines.append(f"Tests: passed ({cur.tests_run if cur.tests_run is not None else 'count unknown'} run)")
    for key, value in cur.evidence.items():
        if isinstance(value, str):  # the structured evidence goes to the history, the words here
            lines.append(f"{key}: {value}")
    lines += ["", f"kaizen run {night.run_id}, iteration {night.iteration}"]
    old = night.best_sha
    sha = git.commit_all(night.cand_dir, "\n".join(lines))
    git.update_branch(night.root, night.branch, sha, old)
    git.checkout_detached(night.best_dir, sha)
    night.best_sha = sha
    night.history.update("runs", {"id": night.run_id}, best_sha=sha)
    night.history.insert(
        "decisions", run_id=night.run_id, candidate_id=cur.row, iteration=night.iteration, outcome="kept", reason="faster",
        commit_sha=sha, speedup=main.speedup, ci_low=main.ci_low, ci_high=main.ci_high, p=main.p_faster, pairs=main.pairs,
        tests_run=cur.tests_run, evidence=dict(cur.evidence), diff=cur.diff, at=time.time(), confirmed=None,
    )
    night.history.update("candidates", {"id": cur.row}, status="kept", reason=cur.decision_detail)
    night.discoveries += 1
    night.log_iteration(f"kept {sha[:10]}", cur.decision_detail)
    _learn(night, kept=True, reason="faster")
    night.say("info", f"kept {sha[:10]}: {f.pattern_id} at {f.path}:{f.line} ({cur.decision_detail})")
    night.current = None
    night.checkpoint()
    return Outcome.OK


def reject(night: Night, reason: str, detail: str) -> Outcome:
    cur = night.current
    assert cur is not None
    full = f"{reason}: {detail}" if detail else reason
    best = next(iter(cur.results.values())).comparison if cur.results else None
    night.history.insert(
        "decisions", run_id=night.run_id, candidate_id=cur.row, iteration=night.iteration, outcome="rejected", reason=full,
        commit_sha=None, speedup=best.speedup if best else None, ci_low=best.ci_low if best else None,
        ci_high=best.ci_high if best else None, p=best.p if best else None, pairs=best.pairs if best else None,
        tests_run=cur.tests_run, evidence=dict(cur.evidence), diff=cur.diff, at=time.time(), confirmed=None,
    )
    night.history.update("candidates", {"id": cur.row}, status="rejected", reason=full)
    night.log_iteration("rejected", full)
    _learn(night, kept=False, reason=reason)
    night.say("info", f"rejected {cur.candidate.finding.pattern_id} at {cur.candidate.finding.location}: {full}")
    return Outcome.REJECTED


def _learn(night: Night, *, kept: bool, reason: str) -> None:
    cur = night.current
    assert cur is not None
    night.tried.add(cur.key)
    pid = cur.candidate.finding.pattern_id
    k, r = night.pattern_record.get(pid, (0, 0))
    night.pattern_record[pid] = (k + 1, r) if kept else (k, r + 1)
    order = _growth_order(cur.candidate.growth)
    outcome = adapt.Outcome(kept=kept, pattern_id=pid, growth_order=order, hot_share=cur.candidate.hot_share or 0.0, reason=reason)
    night.outcomes.append(outcome)
    changes = adapt.adapt_weights(night.weights, outcome)
    for change in changes:
        night.set_parameter(change.name, change.old, change.new, change.reason)
    night.weights = adapt.apply_changes(night.weights, changes)


def _growth_order(label: str | None) -> float:
    if not label:
        return 1.0
    if "2^n" in label or "exp" in label:
        return 4.0
    for mark, order in (("³", 3.0), ("^3", 3.0), ("²", 2.0), ("^2", 2.0), ("n log n", 1.2), ("log n", 0.5), ("1)", 0.0)):
        if mark in label:
            return order
    return 1.0

