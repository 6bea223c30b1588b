"""``kaizen profile`` output: the hot functions of the source paths, and measured growth."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console

from kaizen.analyze.complexity import FunctionShape, shape_of
from kaizen.measure.growth import GrowthRun
from kaizen.measure.hotspots import FunctionStats, Profile
from kaizen.present import columns

SCHEMA_VERSION = 1
HEADERS = ("total %", "self %", "calls", "growth", "cc", "function")

Shapes = Mapping[str, Sequence[FunctionShape]]


def _shape(shapes: Shapes, stats: FunctionStats) -> FunctionShape | None:
    return shape_of(shapes.get(stats.path, ()), stats.qualname)


def function_json(stats: FunctionStats, shapes: Shapes) -> dict[str, Any]:
    shape = _shape(shapes, stats)
    return {
        "path": stats.path,
        "line": stats.line,
        "function": stats.qualname,
        "location": f"{stats.location} {stats.qualname}",
        "total_s": stats.total,
        "self_s": stats.self_time,
        "total_share": stats.total_share,
        "self_share": stats.self_share,
        "calls": stats.calls,
        "growth": shape.growth.label if shape else None,
        "growth_evidence": [str(e) for e in shape.growth.evidence] if shape else [],
        "cyclomatic": shape.cyclomatic if shape else None,
    }


def render_json(profiles: Sequence[Profile], shapes: Shapes, growth: Sequence[GrowthRun], stored: Mapping[str, str]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "benchmarks": [
            {
                "benchmark": p.benchmark,
                "command": p.command,
                "wall_s": p.wall,
                "sampled_s": p.sampled,
                "processes": p.processes,
                "profiled": p.profiled,
                "calls_counted": p.calls_counted,
                "note": p.note,
                "warnings": list(p.warnings),
                "stored": stored.get(p.benchmark),
                "functions": [function_json(f, shapes) for f in p.functions],
            }
            for p in profiles
        ],
        "growth": [g.to_json() for g in growth],
    }


def rows(profile: Profile, shapes: Shapes, limit: int) -> list[list[str]]:
    table = []
    for stats in profile.functions[:limit]:
        shape = _shape(shapes, stats)
        table.append(
            [
                f"{stats.total_share * 100:.1f}",
                f"{stats.self_share * 100:.1f}",
                str(stats.calls) if stats.calls is not None else "-",
                shape.growth.label if shape else "-",
                str(shape.cyclomatic) if shape else "-",
                f"{stats.location} {stats.qualname}",
            ]
        )
    return table


def render_table(con: Console, profile: Profile, shapes: Shapes, *, limit: int = 20, stored: str | None = None) -> None:
    title = (
        f"kaizen profile · {profile.benchmark}: {profile.wall:.3f} s wall, "
        f"{profile.processes} Python process{'es' if profile.processes != 1 else ''}"
    )
    for warning in profile.warnings:
        con.print(f"warning: {warning}", markup=False)
    if profile.note:
        con.print(f"{title}\n  {profile.note}", markup=False)
    else:
        columns.show(con, title, HEADERS, rows(profile, shapes, limit), left=("growth", "function"))
        hidden = len(profile.functions) - limit
        if hidden > 0:
            con.print(f"  … and {hidden} cooler function(s); --format json lists them all", markup=False)
    if stored:
        con.print(f"  stored as {stored}", markup=False)


def render_growth(con: Console, run: GrowthRun) -> None:
    sizes = ", ".join(str(n) for n in run.sizes)
    con.print(f"growth · {run.benchmark} (n = {sizes}; {run.metric} time): {run.fit.describe()}", markup=False)
    for warning in run.warnings:
        con.print(f"  warning: {warning}", markup=False)
