"""``kaizen candidates``: scan the source paths, profile the benchmarks, and rank the findings by
the benchmark time their rewrite is expected to save."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kaizen import git
from kaizen.analyze.detect import PARSE_ERROR_ID
from kaizen.analyze.rank import Candidate, Weights, combine, rank
from kaizen.analyze.scan import scan
from kaizen.analyze.shapes import read_shapes
from kaizen.commands.profile import choose, profile_all
from kaizen.config import load_config
from kaizen.measure.profile import resolve_source
from kaizen.patterns.base import Finding
from kaizen.present import candidates as present
from kaizen.present import console as out


def scan_findings(root: Path, source: tuple[str, ...]) -> tuple[Finding, ...]:
    """The catalogue's findings in the source paths; unparsable files (KZ000) are not candidates."""
    report = scan(root, list(resolve_source(root, source)))
    return tuple(f for f in report.findings if f.pattern_id != PARSE_ERROR_ID)


def run(cwd: Path, *, names: tuple[str, ...], fmt: str, limit: int) -> int:
    root = git.repo_root(cwd)
    config = load_config(root)
    chosen = choose(config, names)
    findings = scan_findings(root, config.source)
    profiles, stored = profile_all(root, config, chosen)
    weights = Weights()
    shapes = read_shapes(root, {f.path for f in findings})
    ranked: list[Candidate] = combine([rank(findings, p, weights, shapes=shapes) for p in profiles])
    names_run = [p.benchmark for p in profiles]
    if fmt == "json":
        sys.stdout.write(json.dumps(present.render_json(ranked, names_run, weights, stored), indent=2) + "\n")
    else:
        present.render_table(out.console(), ranked, names_run, limit=limit)
    return 0
