"""How much slower a benchmark runs under `kaizen profile` than without it (target: at most 2×).

    .venv/bin/python benchmarks/profile_overhead.py [--pairs 10] [--output benchmarks/results/profile_overhead.json]

A small realistic project is written to a temp git repo: an order book that parses CSV lines,
joins orders to customers, aggregates per region, sorts and renders a JSON report (about 0.3 s of
work). Two benchmarks run it: one Python process (`python bench.py`), and a shell script that
starts five short Python processes, where the per-process start-up of the sampler shows. Each pair
runs the plain and the profiled command in a random order (fresh processes, timed by kaizen.proc);
the figure is the median of the per-pair wall-time ratios, shown beside the ratio of the best runs
and the CPU-time ratio, which other load on the machine disturbs far less. Also reported: the whole `profile_benchmark` call
(run + reading samples + attribution), which is what `kaizen profile` costs per benchmark.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from kaizen.config import Benchmark, Command
from kaizen.measure.profile import profile_benchmark, profiling_env
from kaizen.measure.runs import Run, RunFailure, checkout_env, run_command

TARGET = 2.0  # the most slowdown kaizen profile may cause

PROJECT = {
    "shop/__init__.py": "",
    "shop/orders.py": '''
import json


def parse(lines):
    rows = []
    for line in lines:
        order_id, customer, amount, region = line.split(",")
        rows.append({"id": int(order_id), "customer": customer, "amount": float(amount), "region": region})
    return rows


def join(orders, customers):
    by_name = {c["name"]: c for c in customers}
    return [dict(o, tier=by_name[o["customer"]]["tier"]) for o in orders if o["customer"] in by_name]


def totals(rows):
    out = {}
    for row in rows:
        key = (row["region"], row["tier"])
        out[key] = out.get(key, 0.0) + row["amount"]
    return out


def report(rows, top=50):
    ranked = sorted(rows, key=lambda r: (-r["amount"], r["id"]))[:top]
    summary = {f"{region}/{tier}": round(v, 2) for (region, tier), v in sorted(totals(rows).items())}
    return json.dumps({"top": ranked, "totals": summary}, indent=1)
''',
    "bench.py": '''
import sys
from shop import orders

n = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
regions = ["north", "south", "east", "west"]
lines = [f"{i},c{i % 997},{(i * 37) % 1000 / 7:.2f},{regions[i % 4]}" for i in range(n)]
customers = [{"name": f"c{i}", "tier": "gold" if i % 7 == 0 else "std"} for i in range(997)]
rows = orders.join(orders.parse(lines), customers)
text = orders.report(rows)
assert len(text) > 100
''',
}


def make_repo(folder: Path) -> Path:
    for rel, text in PROJECT.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.lstrip("\n"), encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    return folder


def timed(benchmark: Benchmark, root: Path, env: dict[str, str]) -> Run:
    result = run_command(benchmark.runnable, root, 300, env)
    if isinstance(result, RunFailure):
        raise SystemExit(f"{benchmark.name}: {result.describe()}")
    return result


@dataclass(frozen=True)
class Overhead:
    benchmark: str
    command: str
    pairs: int
    plain_median_s: float
    profiled_median_s: float
    slowdown_median: float  # median of the per-pair wall-time ratios
    slowdown_best: float  # fastest profiled run / fastest plain run: the least disturbed of each
    cpu_slowdown_median: float  # CPU time of the process tree: barely moved by other load
    profile_benchmark_median_s: float  # the whole call: run, read samples, attribute
    processes_profiled: int
    hottest: list[str]

    def line(self) -> str:
        verdict = "ok" if self.slowdown_median <= TARGET else "OVER TARGET"
        return (
            f"{self.benchmark:>15}: plain {self.plain_median_s * 1000:.0f} ms, profiled "
            f"{self.profiled_median_s * 1000:.0f} ms → {self.slowdown_median:.2f}× wall (best runs {self.slowdown_best:.2f}×, "
            f"CPU {self.cpu_slowdown_median:.2f}×; {self.processes_profiled} processes) [{verdict}]; whole profile_benchmark "
            f"{self.profile_benchmark_median_s * 1000:.0f} ms\n{'':>17}hottest: {'; '.join(self.hottest)}"
        )


def measure(benchmark: Benchmark, root: Path, pairs: int, rng: random.Random) -> Overhead:
    plain_env = checkout_env(root)
    with tempfile.TemporaryDirectory() as out:
        profiled_env = profiling_env(root, Path(out))
        timed(benchmark, root, plain_env)  # warm-up: byte-compile, file cache
        plain: list[Run] = []
        profiled: list[Run] = []
        for _ in range(pairs):
            order = [("plain", plain_env), ("profiled", profiled_env)]
            rng.shuffle(order)
            for label, env in order:
                (plain if label == "plain" else profiled).append(timed(benchmark, root, env))
            for leftover in Path(out).iterdir():  # each profiled run writes its samples here
                leftover.unlink()
    ratios = [p.wall / q.wall for p, q in zip(profiled, plain, strict=True)]
    cpu_ratios = [p.cpu / q.cpu for p, q in zip(profiled, plain, strict=True)]
    whole = []
    for _ in range(3):
        start = time.perf_counter()
        profile = profile_benchmark(root, benchmark, ["shop"], 300)
        whole.append(time.perf_counter() - start)
    return Overhead(
        benchmark=benchmark.name,
        command=benchmark.runnable.display,
        pairs=pairs,
        plain_median_s=statistics.median(r.wall for r in plain),
        profiled_median_s=statistics.median(r.wall for r in profiled),
        slowdown_median=statistics.median(ratios),
        slowdown_best=min(r.wall for r in profiled) / min(r.wall for r in plain),
        cpu_slowdown_median=statistics.median(cpu_ratios),
        profile_benchmark_median_s=statistics.median(whole),
        processes_profiled=profile.processes,
        hottest=[f"{f.location} {f.qualname} {f.total_share:.0%}" for f in profile.functions[:3]],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "profile_overhead.json")
    args = parser.parse_args()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory(prefix="kaizen-overhead-") as tmp:
        root = make_repo(Path(tmp))
        py = sys.executable
        benchmarks = [
            Benchmark("one-process", Command(argv=(py, "bench.py"))),
            Benchmark("five-processes", Command(shell=" && ".join([f"{py} bench.py 12000"] * 5))),
        ]
        results = [measure(b, root, args.pairs, rng) for b in benchmarks]
    doc = {"schema_version": 1, "target_slowdown": TARGET, "python": sys.version.split()[0], "results": [asdict(r) for r in results]}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    for r in results:
        print(r.line())
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
