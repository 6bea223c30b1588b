"""The gate's two side checks, import time and new findings: each gives one andon signal.

Split from ``commands/gate.py`` to keep that module to the flow of the verb.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from kaizen import git
from kaizen.config import Config
from kaizen.decide import andon
from kaizen.measure.imports import (
    ImportFailure,
    ImportMeasurement,
    importable_modules,
    measure_head_imports,
    measure_imports,
)
from kaizen.measure.pairs import PairSettings, Side
from kaizen.patterns.base import Finding
from kaizen.record.baseline import Baseline
from kaizen.verify.unpaired import compare_unpaired

IMPORT = "IMPORT TIME"


def imports_check(
    config: Config, base_dir: Path | None, head_dir: Path, settings: PairSettings, stored: Baseline | None
) -> tuple[andon.Signal, ImportMeasurement | None]:
    """Interleaved pairs against ``base_dir``, or head-only runs against the stored baseline."""
    modules = importable_modules(head_dir, config.source)
    if not modules:
        return andon.not_measured(IMPORT, "no package under `source`"), None
    own = dataclasses.replace(settings, threshold=config.gate.import_yellow, on_pair=None)
    result: ImportMeasurement | ImportFailure
    if stored is None:
        assert base_dir is not None
        result = measure_imports(modules, Side("base", base_dir), Side("head", head_dir), own)
    else:
        if stored.import_modules != tuple(modules) or len(stored.import_us) < 2:
            return andon.not_measured(IMPORT, f"the baseline holds no import times of {', '.join(modules)}"), None
        samples = measure_head_imports(modules, Side("head", head_dir), settings.max_pairs)
        if isinstance(samples, ImportFailure):
            result = samples
        else:
            c = compare_unpaired(stored.import_us, samples, alpha=config.alpha, threshold=config.gate.import_yellow)
            result = ImportMeasurement(tuple(modules), stored.import_us, tuple(samples), c)
    if isinstance(result, ImportFailure):
        if result.side == "head":
            return andon.import_failed_signal(result.detail), None
        return andon.not_measured(IMPORT, result.detail), None
    return andon.import_signal(modules, result.comparison, config.gate, result.base_ms, result.head_ms), result


def in_source(path: str, source: Sequence[str]) -> bool:
    if not source:
        return True
    parts = PurePosixPath(path).parts
    for entry in source:
        prefix = PurePosixPath(entry).parts  # "." has no parts: everything is inside it
        if parts[: len(prefix)] == prefix:
            return True
    return False


def findings_check(
    root: Path, config: Config, base_sha: str | None, head_sha: str, base_dir: Path | None, head_dir: Path
) -> tuple[andon.Signal, list[Finding]]:
    """New findings in the Python files under ``source`` that changed between base and head."""
    if base_sha is None or base_dir is None:
        return andon.not_measured("FINDINGS", "the baseline's commit is not in this clone, so the changed files are unknown"), []
    # imported late: only this signal needs the pattern catalogue
    from kaizen.analyze.cache import default_dir
    from kaizen.analyze.scan import scan

    changed = [p for p in git.changed_files(root, base_sha, head_sha) if p.endswith(".py") and in_source(p, config.source)]
    head_files = [p for p in changed if (head_dir / p).is_file()]
    if not head_files:
        return andon.findings_signal([], 0), []
    base_files = [p for p in changed if (base_dir / p).is_file()]
    cache = default_dir(root)  # the repo's scan cache, keyed by content: base, head and later runs share it
    before = scan(base_dir, [base_dir / p for p in base_files], cache_dir=cache).findings if base_files else ()
    after = scan(head_dir, [head_dir / p for p in head_files], cache_dir=cache).findings
    fresh = andon.new_findings(before, after)
    return andon.findings_signal(fresh, len(head_files)), fresh
