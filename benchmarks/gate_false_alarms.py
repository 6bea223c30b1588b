"""How often does `kaizen gate` cry wolf? Run it N times on a base and head with identical code.

    .venv/bin/python benchmarks/gate_false_alarms.py [--runs 20] [--baseline-runs 10]
        [--output benchmarks/results/gate_false_alarms.json]

A temp git repo holds a small package whose benchmark burns ~50 ms of CPU, a unittest test and the
default gate settings (alpha 0.01, 8–24 pairs, [tool.kaizen.gate] defaults), except
``cpu_limit = 100``: on a shared machine the resource guard would otherwise pause instead of
measuring, and the point here is to count what noise does to the verdict. Head differs from base
by a README only, so every RED is a false alarm (target: 0) and every YELLOW a "look at this" that
was not needed. Each run is the real CLI in a fresh process (`kaizen gate --base HEAD~1 --format
json`). ``--baseline-runs`` more runs compare head with a baseline stored once by
``--save-baseline``, the weaker, non-interleaved mode, to put a number on how much weaker it is.
Writes the figures to the output file and prints them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from kaizen import proc

FILES = {
    "pkg/__init__.py": "def work(n):\n    total = 0\n    for i in range(n):\n        total += i * i\n    return total\n",
    "bench.py": "import pkg\npkg.work(400_000)\n",
    "test_pkg.py": "import unittest\nimport pkg\n\nclass T(unittest.TestCase):\n    def test_work(self):\n        self.assertEqual(pkg.work(4), 14)\n",
    "pyproject.toml": f"""[tool.kaizen]
source = ["pkg"]
tests = ["{sys.executable}", "-m", "unittest", "-q"]
cpu_limit = 100
[tool.kaizen.benchmarks]
main = ["{sys.executable}", "bench.py"]
""",
}
GIT_ENV = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@b"}


def git(repo: Path, *args: str) -> None:
    result = proc.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, timeout=60)
    if not result.ok:
        raise SystemExit(f"git {args[0]} failed: {result.stderr_tail()}")


def make_repo(root: Path) -> Path:
    repo = root / "identical"
    for rel, text in FILES.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    (repo / "README.md").write_text("identical code, different commit\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "head: docs only")
    return repo


def gate(repo: Path, *args: str) -> dict[str, Any]:
    start = time.perf_counter()
    result = proc.run([sys.executable, "-m", "kaizen", "gate", "--format", "json", *args], cwd=repo, timeout=1800)
    seconds = time.perf_counter() - start
    if result.returncode == 2 or not result.stdout.strip():
        return {"level": "ERROR", "exit_code": result.returncode, "error": result.stderr_tail(), "seconds": seconds}
    doc = json.loads(result.stdout)
    return {
        "level": doc["level"],
        "exit_code": result.returncode,
        "signals": {s["name"]: s["level"] for s in doc["signals"]},
        "yellow": [f"{s['name']}: {s['rule']}" for s in doc["signals"] if s["level"] != "GREEN"],
        "pairs": {b["name"]: b["pairs"] for b in doc["benchmarks"]},
        "noise_floor": {b["name"]: b["noise_floor"] for b in doc["benchmarks"]},
        "seconds": seconds,
    }


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    levels = Counter(r["level"] for r in runs)
    by_signal: dict[str, Counter[str]] = {}
    for r in runs:
        for name, level in r.get("signals", {}).items():
            by_signal.setdefault(name, Counter())[level] += 1
    floors = sorted(f for r in runs for f in r.get("noise_floor", {}).values())
    return {
        "runs": len(runs),
        "red": levels["RED"],
        "yellow": levels["YELLOW"],
        "green": levels["GREEN"],
        "errors": levels["ERROR"],
        "by_signal": {name: dict(counts) for name, counts in sorted(by_signal.items())},
        "median_noise_floor": floors[len(floors) // 2] if floors else None,
        "mean_seconds": sum(r["seconds"] for r in runs) / len(runs) if runs else 0.0,
        "details": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="interleaved gate runs on identical code (default 20)")
    parser.add_argument("--baseline-runs", type=int, default=10, help="runs against a stored baseline (default 10)")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "gate_false_alarms.json")
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kaizen-false-alarms-") as tmp:
        repo = make_repo(Path(tmp))
        interleaved = []
        for i in range(args.runs):
            interleaved.append(gate(repo, "--base", "HEAD~1"))
            print(f"  interleaved {i + 1}/{args.runs}: {interleaved[-1]['level']}", file=sys.stderr, flush=True)
        stored = Path(tmp) / "baseline.json"
        against = []
        if args.baseline_runs:
            gate(repo, "--base", "HEAD~1", "--save-baseline", str(stored))
            for i in range(args.baseline_runs):
                against.append(gate(repo, "--baseline-file", str(stored)))
                print(f"  baseline-file {i + 1}/{args.baseline_runs}: {against[-1]['level']}", file=sys.stderr, flush=True)
    figures: dict[str, Any] = {
        "schema_version": 1,
        "what": "kaizen gate on identical base and head: every RED is a false alarm",
        "machine": f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_average_at_end": os.getloadavg(),
        "settings": "defaults: alpha 0.01, min_pairs 8, max_pairs 24, [tool.kaizen.gate] defaults; cpu_limit 100",
        "interleaved": summary(interleaved),
        "baseline_file": summary(against),
        "targets": {"interleaved.red": 0},
        "seconds": time.perf_counter() - start,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    for mode in ("interleaved", "baseline_file"):
        s = figures[mode]
        if s["runs"]:
            print(f"{mode}: {s['runs']} runs on identical code: RED {s['red']}, YELLOW {s['yellow']}, GREEN {s['green']}, "
                  f"errors {s['errors']}; by signal {s['by_signal']}; median noise floor {s['median_noise_floor']}")
    print(f"written to {args.output} ({figures['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
