"""The andon board as a terminal board, a markdown job summary, or versioned JSON.

Every level is written as a word (RED / YELLOW / GREEN) next to its colour or emoji, so the board
reads the same with NO_COLOR, in a log file, or to someone who cannot tell red from green.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass
from typing import Any

from rich.console import Console
from rich.text import Text

from kaizen.config import GateConfig
from kaizen.decide.andon import Level, Signal, worst
from kaizen.measure.imports import ImportMeasurement
from kaizen.measure.pairs import Measurement
from kaizen.patterns.base import Finding
from kaizen.present.verdicts import measurement_json

SCHEMA_VERSION = 1

_STYLE = {Level.GREEN: "bold green", Level.YELLOW: "bold yellow", Level.RED: "bold red"}
_EMOJI = {Level.GREEN: "🟢", Level.YELLOW: "🟡", Level.RED: "🔴"}


@dataclass(frozen=True)
class GateReport:
    base: str  # the revision as the user named it, or the baseline file
    base_sha: str | None
    head: str
    head_sha: str
    mode: str  # "interleaved" or "baseline-file"
    signals: tuple[Signal, ...]
    gate: GateConfig
    alpha: float
    measurements: tuple[Measurement, ...] = ()
    imports: ImportMeasurement | None = None
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def level(self) -> Level:
        return worst(self.signals)

    @property
    def exit_code(self) -> int:
        return 1 if self.level is Level.RED else 0

    def where(self) -> str:
        base = f"{self.base} ({self.base_sha[:8]})" if self.base_sha else self.base
        how = "interleaved pairs" if self.mode == "interleaved" else "stored baseline, not interleaved"
        return f"base {base} → head {self.head} ({self.head_sha[:8]}), {how}"


def render_text(con: Console, report: GateReport) -> None:
    # soft_wrap: one signal per line even in an 80-column CI log (long lines overflow, never wrap)
    con.print(Text.assemble("kaizen gate: ", (report.level.value, _STYLE[report.level]), f"   {report.where()}"), soft_wrap=True)
    width = max((len(s.name) for s in report.signals), default=5)
    for s in report.signals:
        con.print(
            Text.assemble(
                "  ",
                (f"{s.level.value:<6}", _STYLE[s.level]),
                f"  {s.name:<{width}}  {s.figure}",
                (f"  — {s.rule}", "dim"),
            ),
            soft_wrap=True,
        )
    for note in report.notes:
        con.print(Text(f"  note: {note}"), soft_wrap=True)


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def render_markdown(report: GateReport) -> str:
    lines = [
        f"### {_EMOJI[report.level]} kaizen gate: {report.level.value}",
        "",
        _cell(report.where()),
        "",
        "| | Signal | Level | Figure | Rule |",
        "|:-:|---|---|---|---|",
    ]
    for s in report.signals:
        lines.append(f"| {_EMOJI[s.level]} | {_cell(s.name)} | **{s.level.value}** | {_cell(s.figure)} | {_cell(s.rule)} |")
    if report.notes:
        lines.append("")
        lines += [f"> **Note:** {_cell(note)}" for note in report.notes]
    thresholds = report.gate
    lines += [
        "",
        f"<sub>RED: significantly slower (alpha {report.alpha:g}) by more than {thresholds.red_slowdown:.0%} with the CI's "
        f"lower bound beyond {thresholds.red_ci_bound:.0%}, or tests fail · YELLOW: {thresholds.yellow_slowdown:.0%}–"
        f"{thresholds.red_slowdown:.0%} slower, too noisy to tell, peak RSS up more than {thresholds.rss_yellow:.0%}, "
        "import time, new findings · thresholds in [tool.kaizen.gate]</sub>",
    ]
    return "\n".join(lines) + "\n"


def _finding_json(f: Finding) -> dict[str, Any]:
    return {"pattern_id": f.pattern_id, "name": f.name, "path": f.path, "line": f.line, "function": f.function, "message": f.message}


def render_json(report: GateReport) -> str:
    imports: dict[str, Any] | None = None
    if report.imports is not None:
        c = report.imports.comparison
        imports = {
            "modules": list(report.imports.modules),
            "verdict": str(c.verdict),
            "base_median_ms": report.imports.base_ms,
            "head_median_ms": report.imports.head_ms,
            "speedup": c.speedup,
            "ci": [c.ci_low, c.ci_high],
            "p_slower": c.p_slower,
            "pairs": c.pairs,
            "samples_us": {"base": list(report.imports.base_us), "head": list(report.imports.head_us)},
        }
    doc = {
        "schema_version": SCHEMA_VERSION,
        "level": report.level.value,
        "exit_code": report.exit_code,
        "mode": report.mode,
        "base": {"rev": report.base, "sha": report.base_sha},
        "head": {"rev": report.head, "sha": report.head_sha},
        "thresholds": {**asdict(report.gate), "alpha": report.alpha},
        "signals": [{"name": s.name, "level": s.level.value, "figure": s.figure, "rule": s.rule} for s in report.signals],
        "benchmarks": [measurement_json(m) for m in report.measurements],
        "imports": imports,
        "new_findings": [_finding_json(f) for f in report.findings],
        "notes": list(report.notes),
    }
    return json.dumps(doc, indent=2)


def render(report: GateReport, fmt: str) -> str:
    """The board in ``fmt`` as a string; text is rendered without colour (it goes to a file)."""
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "json":
        return render_json(report) + "\n"
    buffer = io.StringIO()
    render_text(Console(file=buffer, width=240, no_color=True, highlight=False), report)
    return buffer.getvalue()
