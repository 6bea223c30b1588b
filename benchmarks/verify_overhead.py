"""Time the behaviour check adds to one candidate's evaluation, on a mid-size test suite.

    .venv/bin/python benchmarks/verify_overhead.py [--tests 50] [--repeats 3] [--fuzz-seconds 3]
                                                    [--output benchmarks/results/verify_overhead.json]

Builds a project in a temp dir: a package of a few modules and a pytest suite of ``--tests``
tests, a third of which call the function the candidate rewrote (a nested-loop join turned into
a dict index, correctly). Then, ``--repeats`` times in turn, medians of:

- ``tests``: one plain run of the test suite (what VALIDATE runs anyway, for comparison);
- ``capture``: the same run on the best checkout with capture on;
- ``coverage``: the same run on the candidate with coverage of the changed file;
- ``check``: the whole ``check_behaviour`` (capture and coverage overlap, then generation and the
  two replay processes), which is the time a candidate's evaluation grows by.

Writes the figures to the output file and prints them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kaizen.config import Command
from kaizen.verify import coverage_gate
from kaizen.verify.behaviour import check_behaviour
from kaizen.verify.capture import run_capture
from kaizen.verify.report import ChangedFunction
from kaizen.verify.testrun import run_tests

JOIN_BEFORE = '''def attach(orders, customers):
    out = []
    for order in orders:
        for customer in customers:
            if customer["id"] == order["customer"]:
                out.append({**order, "name": customer["name"]})
                break
    return out
'''
JOIN_AFTER = '''def attach(orders, customers):
    index = {}
    for customer in customers:
        index.setdefault(customer["id"], customer)
    out = []
    for order in orders:
        customer = index.get(order["customer"])
        if customer is not None:
            out.append({**order, "name": customer["name"]})
    return out
'''
HELPERS = '''def total(orders):
    return sum(o["amount"] for o in orders)


def by_customer(orders):
    groups = {}
    for o in orders:
        groups.setdefault(o["customer"], []).append(o)
    return groups
'''


def write_project(root: Path, tests: int, join: str) -> None:
    (root / "shop").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "orders.py").write_text(join)
    (root / "shop" / "reports.py").write_text(HELPERS)
    for i in range(tests):
        calls_join = i % 3 == 0
        body = (
            f"    orders = [{{'id': k, 'customer': k % {i % 5 + 2}, 'amount': k * 1.5}} for k in range({i + 5})]\n"
            f"    customers = [{{'id': k, 'name': 'c' + str(k)}} for k in range({i % 7 + 2})]\n"
        )
        if calls_join:
            body += "    joined = attach(orders, customers)\n    assert all('name' in o for o in joined)\n"
        else:
            body += "    assert total(orders) >= 0\n    assert sum(map(len, by_customer(orders).values())) == len(orders)\n"
        (root / "tests" / f"test_{i:03d}.py").write_text(
            "from shop.orders import attach\nfrom shop.reports import by_customer, total\n\n\n"
            f"def test_case_{i}():\n{body}"
        )


def interleaved(actions: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median seconds of each action, run in turn within each repeat (never in blocks, so that a
    busy spell of the machine falls on all of them alike)."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeats):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fuzz-seconds", type=float, default=3.0)
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "verify_overhead.json")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kaizen-verify-bench-"))
    try:
        best, candidate = work / "best", work / "candidate"
        write_project(best, args.tests, JOIN_BEFORE)
        write_project(candidate, args.tests, JOIN_AFTER)
        tests = Command(argv=(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"))
        lines = tuple(range(2, 10))
        changed = [ChangedFunction("shop/orders.py", "attach", "shop.orders", lines)]
        assert run_tests(tests, candidate, 300).passed, "the benchmark project's tests must pass"

        scratch = iter(range(10_000))
        reports = []

        def check() -> None:
            reports.append(check_behaviour(best, candidate, tests, changed, timeout=300, fuzz_seconds=args.fuzz_seconds))

        actions: dict[str, Callable[[], object]] = {
            "tests": lambda: run_tests(tests, best, 300),
            "capture_run": lambda: run_capture(best, tests, [("shop.orders", "attach")], 300, work / f"c{next(scratch)}"),
            "coverage_run": lambda: coverage_gate.measure(candidate, tests, changed, 300, work / f"v{next(scratch)}"),
            "check_behaviour": check,
        }
        times = interleaved(actions, args.repeats)
        plain, capture, cover, whole = (times[k] for k in actions)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    last = reports[-1]
    result = {
        "schema_version": 1,
        "tests": args.tests,
        "repeats": args.repeats,
        "fuzz_seconds": args.fuzz_seconds,
        "seconds": {"tests": round(plain, 3), "capture_run": round(capture, 3), "coverage_run": round(cover, 3), "check_behaviour": round(whole, 3)},
        "capture_overhead": round(capture / plain - 1, 3),
        "coverage_overhead": round(cover / plain - 1, 3),
        "added_per_candidate_seconds": round(whole, 3),
        "added_per_candidate_in_test_runs": round(whole / plain, 2),
        "last_report": {k: last.to_json()[k] for k in ("status", "calls_captured", "calls_replayed", "inputs_fuzzed", "changed_lines_covered")},
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load_1min": round(os.getloadavg()[0], 2),
                    "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", "")},  # 1: pytest rewrites every test file on every run
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"test suite ({args.tests} tests, pytest): {plain:.2f} s per run")
    print(f"capture run on best:      {capture:.2f} s ({result['capture_overhead']:+.0%} over a plain run)")
    print(f"coverage run on candidate: {cover:.2f} s ({result['coverage_overhead']:+.0%})")
    print(f"check_behaviour in all:   {whole:.2f} s = {result['added_per_candidate_in_test_runs']}x a test run "
          f"(fuzz budget {args.fuzz_seconds:g} s); last: {result['last_report']}")
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
