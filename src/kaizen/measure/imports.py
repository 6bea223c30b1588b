"""Import time of the project's packages, base vs head, in interleaved pairs of fresh processes.

Each run is ``python -X importtime -c "import a, b"`` and the figure is the cumulative time the
interpreter itself reports for the top-level ``a`` and ``b``. Why not time the whole process:
interpreter start-up (~10–20 ms) is the same on both sides and would dilute the change (a package
whose import doubles from 5 ms shows as +25 %, not +100 %). ``-X importtime`` adds a little
instrumentation overhead per module, the same on both sides of a pair. Pairs, order and looks are
those of ``measure.pairs`` (balanced ABBA/BAAB, a discarded warm-up that writes the bytecode).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kaizen import proc
from kaizen.measure.pairs import PairSettings, Side
from kaizen.measure.runs import checkout_env
from kaizen.verify import stats

# "import time:       412 |       1733 | mypkg": a top-level import has exactly one space before
# its name; nested ones are indented further.
_LINE = re.compile(r"^import time:\s*\d+\s*\|\s*(\d+)\s*\| (\S.*)$")
_SKIP = {"tests", "test", "benchmarks", "docs", "examples"}


@dataclass(frozen=True)
class ImportMeasurement:
    modules: tuple[str, ...]
    base_us: tuple[float, ...]  # cumulative microseconds per pair
    head_us: tuple[float, ...]
    comparison: stats.Comparison

    @property
    def base_ms(self) -> float:
        return float(np.median(self.base_us)) / 1000.0

    @property
    def head_ms(self) -> float:
        return float(np.median(self.head_us)) / 1000.0


@dataclass(frozen=True)
class ImportFailure:
    side: str
    detail: str


def importable_modules(checkout: Path, source: Sequence[str]) -> list[str]:
    """The top-level packages the ``source`` paths hold. A package directory is itself; a plain
    directory (``src``, ``.``) contributes the packages directly inside it. Loose modules of a
    plain directory are left out: at a repo root they are scripts (``bench.py``) whose import runs
    them; name a module file in ``source`` to have it timed."""
    names: list[str] = []
    for entry in source:
        path = (checkout / entry).resolve()
        if path.is_file() and path.suffix == ".py":
            names.append(path.stem)
        elif (path / "__init__.py").is_file():
            names.append(path.name)
        elif path.is_dir():
            names += sorted(
                child.name
                for child in path.iterdir()
                if (child / "__init__.py").is_file() and child.name.isidentifier() and child.name not in _SKIP
            )
    return sorted(set(names))


def parse_importtime(stderr: str, modules: Sequence[str]) -> float | None:
    """Summed cumulative µs of the top-level imports of ``modules``; None when one is missing."""
    found: dict[str, float] = {}
    for line in stderr.splitlines():
        match = _LINE.match(line)
        if match and match.group(2).strip() in modules:
            found[match.group(2).strip()] = float(match.group(1))
    if any(m not in found for m in modules):
        return None
    return sum(found.values())


def _once(modules: Sequence[str], side: Side, env: dict[str, str], timeout: float) -> float | str:
    code = f"import {', '.join(modules)}"
    result = proc.run([sys.executable, "-X", "importtime", "-c", code], cwd=side.checkout, env=env, timeout=timeout)
    if not result.ok:
        tail = result.stderr.strip().splitlines()[-1:] or [f"exit {result.returncode}"]
        return f"`{code}` failed on {side.label}: {tail[0].strip()}"
    us = parse_importtime(result.stderr, modules)
    if us is None or us <= 0:
        return f"`{code}` on {side.label}: no import time reported (already imported at start-up?)"
    return us


def measure_imports(modules: Sequence[str], base: Side, head: Side, settings: PairSettings) -> ImportMeasurement | ImportFailure:
    envs = {side.label: {**checkout_env(side.checkout), **settings.env_extra} for side in (base, head)}
    timeout = min(settings.timeout, 120.0)
    for side in (base, head):  # warm-up: writes __pycache__ so the pairs time cached imports
        warm = _once(modules, side, envs[side.label], timeout)
        if isinstance(warm, str):
            return ImportFailure(side.label, warm)
    plan = stats.SequentialPlan.up_to(settings.max_pairs, settings.alpha, settings.min_pairs)
    orders = stats.balanced_orders(plan.max_pairs, np.random.default_rng(settings.seed))
    times: dict[str, list[float]] = {base.label: [], head.label: []}
    decision: stats.Comparison | None = None
    for base_first in orders:
        for side in (base, head) if base_first else (head, base):
            if settings.before_run is not None:
                settings.before_run()
            got = _once(modules, side, envs[side.label], timeout)
            if isinstance(got, str):
                return ImportFailure(side.label, got)
            times[side.label].append(got)
        decision = stats.sequential_decision(
            times[base.label], times[head.label], plan, threshold=settings.threshold, seed=settings.seed
        )
        if decision is not None:
            break
    assert decision is not None  # the last look always decides
    return ImportMeasurement(tuple(modules), tuple(times[base.label]), tuple(times[head.label]), decision)


def measure_head_imports(modules: Sequence[str], head: Side, runs: int, timeout: float = 120.0) -> list[float] | ImportFailure:
    """Head only, for a comparison against a stored baseline."""
    env = checkout_env(head.checkout)
    samples: list[float] = []
    for index in range(runs + 1):
        got = _once(modules, head, env, timeout)
        if isinstance(got, str):
            return ImportFailure(head.label, got)
        if index:  # the first run is the warm-up
            samples.append(got)
    return samples
