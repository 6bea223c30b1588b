"""The morning report of a night, as markdown and as one self-contained HTML file.

Both formats render one context (``context.build``) through jinja2 templates in
``present/templates/``; the HTML adds inline SVG plots and its own CSS, so it opens anywhere,
prints, and names no external address. ``write_reports`` is what the loop calls at COMPLETE.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from kaizen.present.report import context, plots
from kaizen.present.review import figures
from kaizen.present.review.snapshot import Night, read_night
from kaizen.record.history import history_path, open_readonly

MD_NAME = "KAIZEN_REPORT.md"
HTML_NAME = "report.html"


def _speedup(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _ci(pair: tuple[float | None, float | None] | None) -> str:
    if not pair or pair[0] is None or pair[1] is None:
        return "—"
    return f"[{pair[0]:.2f}, {pair[1]:.2f}]"


def _time_change(speedup: float | None) -> str:
    """Change of the run time: 2× faster is "−50.0 %", 4 % slower is "+4.2 %"."""
    if speedup is None or speedup <= 0:
        return "—"
    return f"{(1 / speedup - 1) * 100:+.1f} %".replace("-", "−")


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.1f} ms"


def _p(value: float | None) -> str:
    return "—" if value is None else f"{value:.2g}"


def _rejection(attempt: figures.Attempt, bold: str | None) -> Any:
    """The verdict word stressed, then the rest of the reason (which often starts with the word)."""
    rest = attempt.reason[len(attempt.verdict):].lstrip(" :") if attempt.reason.startswith(attempt.verdict) else attempt.reason
    tail = f": {rest}" if rest else ""
    if bold is not None:
        return f"{bold}{attempt.verdict}{bold}{tail}"
    return markupsafe.Markup('<span class="{0}">{0}</span>{1}').format(attempt.verdict, tail)


def _cell(value: Any) -> str:
    """Safe inside a markdown table cell: no pipe ends the cell, no newline ends the row."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _environment(html: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kaizen.present", "templates"),
        autoescape=html,
        undefined=jinja2.StrictUndefined,  # a missing field is a bug in the report, not a blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        speedup=_speedup, ci=_ci, rejection=_rejection, time_change=_time_change, ms=_ms, p=_p, cell=_cell,
        duration=figures.duration, timestamp=context.timestamp, evidence=context.evidence_lines,
        sha=lambda s: (s or "—")[:10],
    )
    return env


def _night(db: sqlite3.Connection, run_id: str) -> Night:
    return read_night(db, run_id)


def render_markdown(db: sqlite3.Connection, run_id: str) -> str:
    ctx = context.build(_night(db, run_id))
    return _environment(html=False).get_template("report.md.j2").render(**ctx, html_name=HTML_NAME)


def render_html(db: sqlite3.Connection, run_id: str) -> str:
    night = _night(db, run_id)
    ctx = context.build(night)
    final = {g.benchmark: 100 * figures.time_saved(g.speedup) for g in ctx["gains"] if g.confirmed}
    svgs = {
        "trend": plots.trend(figures.trend(night), final, figures.last_activity(night) - night.run.started_at),
        "distributions": plots.distributions(ctx["distributions"]),
        "parameters": plots.parameters(night.parameters, night.run.started_at, figures.last_activity(night)),
    }
    return _environment(html=True).get_template("report.html.j2").render(**ctx, plots=svgs, md_name=MD_NAME)


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report_dir(kaizen_dir: Path, run_id: str) -> Path:
    return kaizen_dir / "reports" / run_id


def write_reports(kaizen_dir: Path, run_id: str) -> tuple[Path, Path]:
    """Render both reports of ``run_id`` from ``kaizen_dir/history.db`` into
    ``kaizen_dir/reports/<run_id>/``; each file appears whole or not at all."""
    db = open_readonly(history_path(kaizen_dir))
    try:
        markdown = render_markdown(db, run_id)
        html = render_html(db, run_id)
    finally:
        db.close()
    folder = report_dir(kaizen_dir, run_id)
    md_path, html_path = folder / MD_NAME, folder / HTML_NAME
    write_atomic(html_path, html)  # the markdown links the HTML: write the target first
    write_atomic(md_path, markdown)
    return md_path, html_path
