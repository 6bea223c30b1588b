"""``kaizen bench``: is HEAD really faster than BASE? Interleaved pairs and a verdict per benchmark."""

from __future__ import annotations

import sys
from pathlib import Path

from kaizen import git
from kaizen.config import Benchmark, Config, load_config
from kaizen.errors import KaizenError
from kaizen.measure.pairs import (
    BenchmarkFailure,
    Measurement,
    PairEvent,
    PairSettings,
    Side,
    measure_pairs,
)
from kaizen.present import console as out
from kaizen.present import verdicts


def run(
    cwd: Path,
    *,
    base: str,
    head: str,
    names: tuple[str, ...],
    max_pairs: int | None,
    alpha: float | None,
    threshold: float | None,
    fmt: str,
) -> int:
    root = git.repo_root(cwd)
    git.require_commits(root)
    config = load_config(root)
    chosen = select_benchmarks(config, names)
    base_sha = git.resolve(root, base)
    head_sha = git.resolve(root, head)
    err = out.console(stderr=True)
    if git.is_dirty(root):
        err.print("note: uncommitted changes are not measured; bench compares committed revisions only")
    settings = PairSettings(
        max_pairs=max_pairs or config.max_pairs,
        min_pairs=min(config.min_pairs, max_pairs or config.max_pairs),
        alpha=alpha if alpha is not None else config.alpha,
        threshold=threshold if threshold is not None else config.improvement_threshold,
        timeout=config.benchmark_timeout,
    )
    measurements = compare_revisions(root, chosen, base_sha, head_sha, settings)
    if fmt == "json":
        meta = {"base": {"rev": base, "sha": base_sha}, "head": {"rev": head, "sha": head_sha}, "alpha": settings.alpha}
        sys.stdout.write(verdicts.render_json(measurements, meta) + "\n")
    else:
        verdicts.render_table(out.console(), measurements, f"kaizen bench {base} ({base_sha[:8]}) → {head} ({head_sha[:8]})")
    return 0


def select_benchmarks(config: Config, names: tuple[str, ...]) -> list[Benchmark]:
    if not config.benchmarks:
        raise KaizenError(f"{config.path.name} configures no benchmarks; add one under [tool.kaizen.benchmarks], e.g. main = \"python bench.py\"")
    return [config.benchmark(n) for n in names] if names else list(config.benchmarks.values())


def compare_revisions(root: Path, chosen: list[Benchmark], base_sha: str, head_sha: str, settings: PairSettings) -> list[Measurement]:
    """Both revisions in worktrees (removed afterwards, also on Ctrl-C), every benchmark measured."""
    results: list[Measurement] = []
    with git.worktree(root, base_sha) as base_dir, git.worktree(root, head_sha) as head_dir, out.steps() as progress:

        def on_pair(event: PairEvent) -> None:
            note = f"→ {event.interim.verdict}" if event.interim else ""
            progress.update(event.benchmark, event.pairs_done, event.max_pairs, note)

        settings.on_pair = on_pair
        for benchmark in chosen:
            progress.start(benchmark.name, f"{benchmark.name}: measuring pairs", settings.max_pairs)
            outcome = measure_pairs(benchmark, Side("base", base_dir), Side("head", head_dir), settings)
            if isinstance(outcome, BenchmarkFailure):
                raise KaizenError(f"{outcome.describe()}; fix the benchmark (run `{benchmark.runnable.display}` yourself to see why) and try again")
            progress.done(benchmark.name, f"{benchmark.name}: {outcome.comparison.verdict} after {outcome.comparison.pairs} pairs")
            results.append(outcome)
    return results
