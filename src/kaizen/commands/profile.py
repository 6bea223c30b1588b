"""``kaizen profile``: where each benchmark's time goes, per function of the source paths."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from kaizen import git
from kaizen.analyze.shapes import read_shapes
from kaizen.config import Benchmark, Config, load_config
from kaizen.errors import KaizenError
from kaizen.measure.growth import GrowthRun, measure_growth
from kaizen.measure.profile import Profile, profile_benchmark, resolve_source, save_profile
from kaizen.present import console as out
from kaizen.present import profile as present
from kaizen.present.speedscope import to_speedscope


def choose(config: Config, names: Sequence[str]) -> list[Benchmark]:
    if not config.benchmarks:
        raise KaizenError(
            f"{config.path.name} configures no benchmarks; add one under [tool.kaizen.benchmarks], "
            'e.g. main = "python bench.py"'
        )
    return [config.benchmark(n) for n in names] if names else list(config.benchmarks.values())


def timeout_of(config: Config, benchmark: Benchmark) -> float:
    return benchmark.timeout if benchmark.timeout is not None else config.benchmark_timeout


def profile_all(root: Path, config: Config, chosen: Sequence[Benchmark], *, calls: bool = False) -> tuple[list[Profile], dict[str, str]]:
    """Profile and store each benchmark, telling stderr what happens (it can take a while)."""
    resolve_source(root, config.source)  # a missing source path fails before anything runs
    err = out.console(stderr=True)
    profiles: list[Profile] = []
    stored: dict[str, str] = {}
    for benchmark in chosen:
        err.print(f"profiling {benchmark.name}: {benchmark.runnable.display}", markup=False)
        profile = profile_benchmark(root, benchmark, config.source, timeout_of(config, benchmark), calls=calls)
        for warning in profile.warnings:
            err.print(f"warning: {warning}", markup=False)
        stored[benchmark.name] = save_profile(root, profile).relative_to(root).as_posix()
        profiles.append(profile)
    return profiles, stored


def run(cwd: Path, *, names: tuple[str, ...], fmt: str, output: Path | None, growth: bool, calls: bool, limit: int) -> int:
    root = git.repo_root(cwd)
    config = load_config(root)
    chosen = choose(config, names)
    profiles, stored = profile_all(root, config, chosen, calls=calls)
    runs = measure_all(root, config, chosen) if growth else []
    shapes = read_shapes(root, {f.path for p in profiles for f in p.functions})
    if fmt == "speedscope":
        text = json.dumps(to_speedscope(profiles))
    elif fmt == "json":
        text = json.dumps(present.render_json(profiles, shapes, runs, stored), indent=2)
    else:
        buffer = io.StringIO()
        con = out.console() if output is None else Console(file=buffer, width=200)  # a file: plain text
        for profile in profiles:
            present.render_table(con, profile, shapes, limit=limit, stored=stored.get(profile.benchmark))
        for growth_run in runs:
            present.render_growth(con, growth_run)
        if output is None:
            return 0
        text = buffer.getvalue().rstrip("\n")
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")
        out.console(stderr=True).print(f"wrote {output}", markup=False)
    else:
        sys.stdout.write(text + "\n")
    return 0


def measure_all(root: Path, config: Config, chosen: Sequence[Benchmark]) -> list[GrowthRun]:
    err = out.console(stderr=True)
    runs = []
    for benchmark in chosen:
        if len(benchmark.sizes) < 2:
            err.print(
                f"growth: {benchmark.name} declares no sizes; write it as "
                '{ cmd = "python bench.py --n {n}", sizes = [1000, 2000, 4000, 8000] } to measure its growth',
                markup=False,
            )
            continue
        err.print(f"measuring growth of {benchmark.name} over n = {', '.join(map(str, benchmark.sizes))}", markup=False)
        runs.append(measure_growth(root, benchmark, timeout_of(config, benchmark)))
    return runs
