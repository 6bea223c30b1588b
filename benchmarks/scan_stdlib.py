"""How fast `kaizen scan` is on a big real tree: the running interpreter's standard library.

    .venv/bin/python benchmarks/scan_stdlib.py [--jobs N] [--repeat 3] [--parse-baseline] [--output benchmarks/results/scan_stdlib.json]

Scans the stdlib folder twice with a fresh cache: cold (every file parsed and analysed, spread over
the cores) and warm (every file answered from the content cache), ``--repeat`` times. Crashes are
detector exceptions: there must be none. Files that do not parse (the stdlib ships a few on
purpose, as test data) are counted separately as KZ000 findings. ``--parse-baseline`` also times a
bare ``ast.parse`` of every file on one core before each cold scan, the yardstick the targets were
set against (cold <= 5 s and warm <= 1 s on two cores where that baseline is about 6 s), so the
figures can be read on a slower or faster machine: each cold time is scaled by the baseline taken
just before it. Shared machines drift by tens of percent within minutes, so every repetition is
kept, and the best and the median are reported. Writes the figures to the output file and prints
them.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import gc
import json
import os
import platform
import statistics
import sysconfig
import tempfile
import time
from collections import Counter
from pathlib import Path

from kaizen.analyze.scan import ScanReport, available_cpus, discover, scan


def timed_scan(stdlib: Path, cache: Path, jobs: int) -> tuple[float, ScanReport]:
    start = time.perf_counter()
    report = scan(stdlib, [stdlib], cache_dir=cache, jobs=jobs)
    return time.perf_counter() - start, report


def parse_baseline(stdlib: Path) -> float:
    files = discover(stdlib, [stdlib])
    gc.disable()
    start = time.perf_counter()
    for path in files:
        with contextlib.suppress(SyntaxError, ValueError):
            ast.parse(path.read_bytes())
    elapsed = time.perf_counter() - start
    gc.enable()
    return elapsed


def spread(values: list[float]) -> dict[str, object]:
    return {"best": round(min(values), 3), "median": round(statistics.median(values), 3), "runs": [round(v, 3) for v in values]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=available_cpus())
    parser.add_argument("--repeat", type=int, default=3, help="cold and warm scans (and baselines) to take")
    parser.add_argument("--parse-baseline", action="store_true", help="also time ast.parse of every file on one core")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "scan_stdlib.json")
    args = parser.parse_args()
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    colds: list[float] = []
    warms: list[float] = []
    baselines: list[float] = []
    for _ in range(max(1, args.repeat)):
        if args.parse_baseline:
            baselines.append(parse_baseline(stdlib))
        with tempfile.TemporaryDirectory(prefix="kaizen-scan-bench-") as tmp:
            cold_s, cold = timed_scan(stdlib, Path(tmp), args.jobs)
            warm_s, warm = timed_scan(stdlib, Path(tmp), args.jobs)
        assert warm.findings == cold.findings, "the cache must give back exactly what a cold scan found"
        assert warm.cached == warm.files - sum(1 for f in cold.findings if f.message.startswith("cannot read")), "every file from the cache"
        colds.append(cold_s)
        warms.append(warm_s)
    by_pattern = Counter(f.pattern_id for f in cold.findings)
    fixable = Counter(f.pattern_id for f in cold.findings if f.fixable)
    median_cold = statistics.median(colds)
    result: dict[str, object] = {
        "schema_version": 2,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "python": platform.python_version(),
        "machine": {"cpus": os.cpu_count(), "jobs": args.jobs, "processor": platform.processor() or platform.machine()},
        "stdlib": str(stdlib),
        "files": cold.files,
        "lines": cold.lines,
        "cold_s": spread(colds),
        "warm_s": spread(warms),
        "cold_median": {"files_per_s": round(cold.files / median_cold), "lines_per_s": round(cold.lines / median_cold)},
        "crashes": len(cold.errors),
        "crash_messages": list(cold.errors[:20]),
        "unparsable_files": cold.unparsable,
        "findings": {pid: {"total": n, "fixable": fixable[pid]} for pid, n in sorted(by_pattern.items())},
        "targets": {"cold_s": 5.0, "warm_s": 1.0, "crashes": 0, "on": "2 cores where one-core ast.parse of the stdlib takes about 6 s"},
    }
    if baselines:
        result["parse_baseline_one_core_s"] = spread(baselines)
        result["cold_scaled_to_6s_baseline"] = spread([c * 6.0 / b for c, b in zip(colds, baselines, strict=True)])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
