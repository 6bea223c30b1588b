"""``kaizen candidates`` output: the ranked list, as a table or versioned JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console

from kaizen.analyze.rank import Candidate, Weights
from kaizen.present import columns

SCHEMA_VERSION = 1
HEADERS = ("rank", "score s", "hot %", "gain", "confidence", "growth", "pattern", "location", "function")


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.1f}"


def rows(candidates: Sequence[Candidate]) -> list[list[str]]:
    return [
        [
            str(number),
            f"{c.score:.4f}",
            _percent(c.hot_share),
            f"{c.expected_gain:.2f}",
            f"{c.confidence:.2f}" + ("" if c.finding.fixable else " (report)"),
            c.growth or "-",
            f"{c.finding.pattern_id} {c.finding.name}",
            c.finding.location,
            c.finding.function or "<module>",
        ]
        for number, c in enumerate(candidates, start=1)
    ]


def render_table(con: Console, candidates: Sequence[Candidate], benchmarks: Sequence[str], *, limit: int = 30) -> None:
    title = f"kaizen candidates · expected seconds saved per run of {', '.join(benchmarks) or 'no benchmark'}"
    if not candidates:
        con.print(f"{title}\n  no findings in the source paths: nothing to rewrite", markup=False)
        return
    columns.show(con, title, HEADERS, rows(candidates[:limit]), left=("growth", "pattern", "location", "function", "confidence"))
    cold = sum(1 for c in candidates if not c.hot)
    if len(candidates) > limit:
        con.print(f"  … and {len(candidates) - limit} more; --format json lists them all", markup=False)
    if cold:
        con.print(f"  {cold} finding(s) in code the benchmarks did not reach (hot 0%): listed last", markup=False)


def candidate_json(rank: int, c: Candidate) -> dict[str, Any]:
    f = c.finding
    return {
        "rank": rank,
        "key": c.key,
        "score_s": c.score,
        "static_score": c.static_score,
        "hot_share": c.hot_share,
        "self_share": c.self_share,
        "calls": c.calls,
        "expected_gain": c.expected_gain,
        "confidence": c.confidence,
        "growth": c.growth,
        "pattern": f.pattern_id,
        "name": f.name,
        "path": f.path,
        "line": f.line,
        "col": f.col,
        "location": f.location,
        "function": f.function,
        "message": f.message,
        "fixable": f.fixable,
        "reason": f.reason,
    }


def render_json(candidates: Sequence[Candidate], benchmarks: Sequence[str], weights: Weights, stored: dict[str, str]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "benchmarks": list(benchmarks),
        "profiles": stored,
        "weights": vars(weights),
        "candidates": [candidate_json(n, c) for n, c in enumerate(candidates, start=1)],
    }
