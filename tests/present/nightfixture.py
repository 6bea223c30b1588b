"""A scripted night written through ``record.history.History``, the loop's own writer.

It follows what the loop records (engine/session.py, iteration.py, confirm.py): transitions and the
run's state, baselines with A/A pairs, hot spots, candidates, per-benchmark candidate measurements,
one decision per try, parameter changes, events, and at COMPLETE the re-confirmation of each kept
commit and of the whole branch. Times are fixed, so screens and reports are reproducible.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kaizen.record.history import History, history_path

T0 = 1_790_000_000.0  # 2026-09-21 14:13:20 UTC: fixed, so snapshots do not move
RUN_ID = "20260921-141320"
BENCHMARKS = {"main": 0.84, "search": 0.31}  # baseline medians in seconds

DIFF_SET = """\
--- a/shop/orders.py
+++ b/shop/orders.py
@@ -12,7 +12,7 @@ def match_orders(orders, customers):
-    known = [c.id for c in customers]
+    known = {c.id for c in customers}
     return [o for o in orders if o.customer_id in known]
"""
DIFF_INDEX = """\
--- a/shop/join.py
+++ b/shop/join.py
@@ -3,8 +3,9 @@ def join(left, right):
     out = []
+    index = {}
+    for r in right:
+        index.setdefault(r.key, []).append(r)
     for l in left:
-        for r in right:
-            if l.key == r.key:
-                out.append((l, r))
+        for r in index.get(l.key, ()):
+            out.append((l, r))
     return out
"""
DIFF_QUEUE = """\
--- a/shop/queue.py
+++ b/shop/queue.py
@@ -1,6 +1,8 @@
+from collections import deque
+
 def drain(items):
-    todo = list(items)
+    todo = deque(items)
     while todo:
-        yield todo.pop(0)
+        yield todo.popleft()
"""


@dataclass(frozen=True)
class Try:
    pattern_id: str
    pattern_name: str
    path: str
    line: int
    function: str
    growth: str | None
    outcome: str  # kept | rejected
    reason: str
    speedups: dict[str, float]  # per benchmark; empty when it never got measured
    diff: str
    confirmed: bool | None = True


TRIES = (
    Try("KZ102", "membership-in-list", "shop/orders.py", 14, "match_orders", "O(n²)", "kept", "faster", {"main": 1.92, "search": 1.01}, DIFF_SET),
    Try("KZ104", "sorted-min-max", "shop/report.py", 40, "cheapest", "O(n log n)", "rejected", "tests failed: test_cheapest_ties", {}, ""),
    Try("KZ101", "nested-loop-join", "shop/join.py", 5, "join", "O(n²)", "kept", "faster", {"main": 1.38, "search": 1.45}, DIFF_INDEX),
    Try("KZ103", "list-as-queue", "shop/queue.py", 4, "drain", "O(n²)", "rejected", "no-change: 1.012× [0.991, 1.034] within the 5% threshold", {"main": 1.012, "search": 1.0}, DIFF_QUEUE),
    Try("KZ106", "recursion-cache", "shop/tree.py", 22, "depth", "O(2ⁿ)", "rejected", "inconclusive: too noisy after 24 pairs", {"main": 1.03, "search": 0.99}, ""),
    Try("KZ105", "hoist-invariant", "shop/prices.py", 31, "total", "O(n)", "rejected", "slower: 0.962× [0.941, 0.980]", {"main": 0.962, "search": 0.99}, ""),
)


def _samples(rng: random.Random, median: float, n: int = 16, spread: float = 0.02) -> list[float]:
    return [median * (1 + rng.gauss(0, spread)) for _ in range(n)]


def write_night(kaizen_dir: Path, *, upto: str = "complete", run_id: str = RUN_ID, t0: float = T0, pid: int | None = None) -> str:
    """Write a night into ``kaizen_dir/history.db``. ``upto``: "baseline-failed" (tests fail on the
    start commit), "running" (mid-night, a candidate under benchmark), or "complete"."""
    history = History(history_path(kaizen_dir))
    rng = random.Random(7)
    clock = [t0]

    def tick(seconds: float) -> float:
        clock[0] += seconds
        return clock[0]

    config = {"hours": 2.0, "max_iterations": 8, "alpha": 0.01, "improvement_threshold": 0.05, "max_pairs": 24,
              "stall_minutes": 10, "benchmarks": {"main": "python bench.py", "search": "python bench_search.py"}}
    history.insert("runs", id=run_id, repo="/home/ana/shop", branch="perf/kaizen-20260921", start_sha="a" * 40, best_sha="a" * 40,
                   started_at=t0, status="running", state="INITIALIZE", state_since=t0, iteration=0, max_iterations=8,
                   budget_seconds=7200.0, pid=pid, config=json.dumps(config))
    state = ["INITIALIZE"]
    iteration = [0]

    def go(to: str, seconds: float, note: str = "ok") -> None:
        at = tick(seconds)
        history.insert("transitions", run_id=run_id, at=at, from_state=state[0], to_state=to, iteration=iteration[0], note=note)
        history.update("runs", {"id": run_id}, state=to, state_since=at, iteration=iteration[0])
        state[0] = to

    def say(message: str, level: str = "info") -> None:  # the loop's Night.say
        history.insert("events", run_id=run_id, at=clock[0], level=level, message=message)

    say("night 20260921-141320 on branch perf/kaizen-20260921 from aaaaaaaaaa")
    go("ANALYZE_BASELINE", 2.0)
    if upto == "baseline-failed":
        reason = "tests fail on the start commit: 2 failed (test_orders, test_join); fix them before a night"
        say(reason, "error")
        history.update("runs", {"id": run_id}, status="failed", stop_reason=reason, finished_at=tick(30.0))
        history.close()
        return run_id
    for name, median in BENCHMARKS.items():
        samples = _samples(rng, median)
        aa = [rng.gauss(0, 0.01) for _ in range(12)]
        history.insert("baselines", run_id=run_id, benchmark=name, median_s=median, peak_rss=48 * 2**20, noise_floor=0.021,
                       aa=aa, samples=samples, import_s=0.042)
        say(f"{name}: median {median * 1000:.1f} ms, peak RSS 48 MiB, noise floor 2.1% at 24 pairs")
    history.insert("parameters", run_id=run_id, at=tick(1.0), iteration=0, name="improvement_threshold", old=None, new=0.05, reason="start value")
    go("IDENTIFY_BOTTLENECKS", 95.0)
    ids = []
    for k, t in enumerate(TRIES):
        ids.append(history.insert(
            "candidates", run_id=run_id, key=f"{t.pattern_id}:{t.path}:{t.function}:{t.line}", pattern_id=t.pattern_id,
            pattern_name=t.pattern_name, path=t.path, line=t.line, function=t.function,
            message=f"{t.pattern_name} in {t.function}", fixable=1, score=0.4 / (k + 1), hot_share=0.6 / (k + 1),
            growth=t.growth, status="found"))
    for t, share in zip(TRIES[:4], (0.62, 0.31, 0.12, 0.05), strict=True):
        history.insert("hotspots", run_id=run_id, iteration=0, path=t.path, line=t.line, function=t.function,
                       total_share=share, self_share=share * 0.8, growth=t.growth)
    last = len(TRIES) if upto == "complete" else 3
    for k, (t, cid) in enumerate(zip(TRIES[:last], ids, strict=False)):
        iteration[0] = k + 1
        history.update("candidates", {"id": cid}, status="trying", iteration=k + 1)
        say(f"iteration {k + 1}: trying {t.pattern_id} at {t.path}:{t.line} ({t.function})")
        go("APPLY_OPTIMIZATION", 20.0)
        go("RUN_BENCHMARKS", 3.0)
        if upto == "running" and k == last - 1:
            say(f"measuring {t.pattern_id}: 8 pairs so far")
            history.close()
            return run_id
        for name, speedup in t.speedups.items():
            base = _samples(rng, BENCHMARKS[name])
            head = [b / speedup for b in base]
            lo, hi = speedup * 0.96, speedup * 1.04
            verdict = "faster" if lo > 1.05 else "slower" if hi < 1 else "no-change"
            history.insert("measurements", run_id=run_id, candidate_id=cid, iteration=k + 1, kind="candidate", benchmark=name,
                           verdict=verdict, speedup=speedup, ci_low=lo, ci_high=hi, p=0.0004 if verdict == "faster" else 0.4,
                           pairs=16, noise_floor=0.021, base_rss=48 * 2**20, head_rss=47 * 2**20, base=base, head=head, at=tick(40.0))
        go("VALIDATE", 5.0)
        main = t.speedups.get("main")
        ci = (main * 0.96, main * 1.04) if main else (None, None)
        evidence = {"safety": "no mutation of the list in the loop", "types seen": {"known": ["int"]}, "behaviour": "12 calls replayed, equal"}
        if t.outcome == "kept":
            go("COMMIT_CHANGES", 30.0)
            sha = f"{k + 1:x}" * 40
            history.update("runs", {"id": run_id}, best_sha=sha)
            history.insert("decisions", run_id=run_id, candidate_id=cid, iteration=k + 1, outcome="kept", reason="faster",
                           commit_sha=sha, speedup=main, ci_low=ci[0], ci_high=ci[1], p=0.0004, pairs=16, tests_run=42,
                           evidence=evidence, diff=t.diff, at=clock[0], confirmed=None)
            history.update("candidates", {"id": cid}, status="kept", reason="faster")
            say(f"kept {sha[:10]}: {t.pattern_id} at {t.path}:{t.line}")
        else:
            history.insert("decisions", run_id=run_id, candidate_id=cid, iteration=k + 1, outcome="rejected", reason=t.reason,
                           commit_sha=None, speedup=main, ci_low=ci[0], ci_high=ci[1], p=0.4 if main else None,
                           pairs=16 if main else None, tests_run=42, evidence=evidence, diff=t.diff or None, at=clock[0], confirmed=None)
            history.update("candidates", {"id": cid}, status="rejected", reason=t.reason)
            say(f"rejected {t.pattern_id} at {t.path}:{t.line}: {t.reason}", "warn" if t.reason.startswith("tests") else "info")
        go("NEXT_ITERATION", 2.0)
        if k == 3:
            history.insert("parameters", run_id=run_id, at=clock[0], iteration=k + 1, name="improvement_threshold", old=0.05,
                           new=0.04, reason="two no-change verdicts near the threshold")
            say("parameter improvement_threshold: 0.05 → 0.04 (two no-change verdicts near the threshold)")
        go("IDENTIFY_BOTTLENECKS", 1.0) if k + 1 < last else go("COMPLETE", 1.0, "stop")
    _complete(history, run_id, tick, say)
    history.close()
    return run_id


def _complete(history: History, run_id: str, advance: Callable[[float], float], log: Callable[[str], None]) -> None:
    """COMPLETE: each kept commit against its parent, then the whole branch against the start."""
    rng = random.Random(11)
    kept = history.rows("SELECT * FROM decisions WHERE run_id = ? AND outcome = 'kept' ORDER BY id", run_id)
    for row in kept:
        speedup = float(row["speedup"])
        base = _samples(rng, BENCHMARKS["main"])
        history.insert("measurements", run_id=run_id, candidate_id=row["candidate_id"], iteration=row["iteration"], kind="confirm",
                       benchmark="main", verdict="faster", speedup=speedup * 0.99, ci_low=speedup * 0.95, ci_high=speedup * 1.03,
                       p=0.0002, pairs=24, noise_floor=0.02, base_rss=48 * 2**20, head_rss=47 * 2**20, base=base,
                       head=[b / speedup for b in base], at=advance(60.0))
        history.update("decisions", {"id": row["id"]}, confirmed=1)
        log(f"confirmed {row['commit_sha'][:10]}")
    benchmarks: dict[str, object] = {}
    final: dict[str, object] = {"start_sha": "a" * 40, "tip_sha": "3" * 40, "benchmarks": benchmarks}
    for name, total in (("main", 2.61), ("search", 1.44)):
        base = _samples(rng, BENCHMARKS[name], n=24)
        head = [b / total for b in base]
        history.insert("measurements", run_id=run_id, candidate_id=None, iteration=None, kind="confirm", benchmark=name,
                       verdict="faster", speedup=total, ci_low=total * 0.95, ci_high=total * 1.04, p=0.0001, pairs=24,
                       noise_floor=0.02, base_rss=48 * 2**20, head_rss=46 * 2**20, base=base, head=head, at=advance(80.0))
        benchmarks[name] = {"verdict": "faster", "speedup": total, "ci": [total * 0.95, total * 1.04]}
    final["growth"] = {"main": {"before": {"exponent": 2.02, "ci": [1.93, 2.11], "label": "O(n²)"},
                                "after": {"exponent": 1.04, "ci": [0.97, 1.10], "label": "O(n)"}}}
    end = advance(5.0)
    history.update("runs", {"id": run_id}, final=json.dumps(final), status="complete", finished_at=end,
                   stop_reason="iteration budget reached (6)")
    log("report: .kaizen/reports/20260921-141320/KAIZEN_REPORT.md")
