"""A/B verdicts as a terminal table or versioned JSON (shared by ``bench`` and ``gate``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from kaizen.measure.pairs import Measurement
from kaizen.verify import stats

SCHEMA_VERSION = 1

_STYLE = {
    stats.Verdict.FASTER: "bold green",
    stats.Verdict.SLOWER: "bold red",
    stats.Verdict.NO_CHANGE: "dim",
    stats.Verdict.INCONCLUSIVE: "yellow",
}


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def speedup_text(c: stats.Comparison) -> str:
    return f"{c.speedup:.3f}×"


def ci_text(c: stats.Comparison) -> str:
    return f"[{c.ci_low:.3f}, {c.ci_high:.3f}]"


def measurement_json(m: Measurement) -> dict[str, Any]:
    c = m.comparison
    return {
        "name": m.benchmark,
        "verdict": str(c.verdict),
        "speedup": c.speedup,
        "ci": [c.ci_low, c.ci_high],
        "confidence": stats.CONFIDENCE,
        "p": c.p,
        "p_faster": c.p_faster,
        "p_slower": c.p_slower,
        "alpha_per_look": c.alpha,
        "pairs": c.pairs,
        "noise_floor": c.noise_floor,
        "threshold": c.threshold,
        "reason": c.reason,
        "base_median_s": float(np.median(m.base)),
        "head_median_s": float(np.median(m.head)),
        "base_peak_rss": m.base_peak_rss,
        "head_peak_rss": m.head_peak_rss,
        "samples": {"base": list(m.base), "head": list(m.head), "base_first": list(m.base_first)},
    }


def render_json(measurements: Sequence[Measurement], meta: dict[str, Any]) -> str:
    doc = {"schema_version": SCHEMA_VERSION, **meta, "benchmarks": [measurement_json(m) for m in measurements]}
    return json.dumps(doc, indent=2)


def render_table(con: Console, measurements: Sequence[Measurement], title: str) -> None:
    table = Table(title=title, title_justify="left", expand=False, pad_edge=False)
    for column in ("benchmark", "verdict", "speedup [99% CI]", "p", "pairs", "noise", "median time", "peak RSS"):
        table.add_column(column, justify="left" if column in ("benchmark", "verdict") else "right", no_wrap=True)
    for m in measurements:
        c = m.comparison
        table.add_row(
            m.benchmark,
            f"[{_STYLE[c.verdict]}]{c.verdict}[/]",
            f"{speedup_text(c)} {ci_text(c)}",
            f"{c.p:.2g}",
            str(c.pairs),
            f"{c.noise_floor:.1%}",
            f"{np.median(m.base) * 1000:.0f}→{np.median(m.head) * 1000:.0f} ms",
            f"{m.base_peak_rss / 2**20:.0f}→{m.head_peak_rss / 2**20:.0f} MiB",
        )
    con.print(table)
    for m in measurements:
        con.print(f"  {m.benchmark}: {m.comparison.reason}")
