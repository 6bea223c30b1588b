"""The report's plots as inline SVG: crisp in print and at any width, searchable text, no files.

``matplotlib.figure.Figure`` is used without pyplot, so no global state, GUI backend or display is
involved. The SVG is cut down to the ``<svg>`` element: the XML prologue, DOCTYPE (a URL to the
W3C DTD), metadata block and namespace declarations are dropped, because an HTML5 parser needs
none of them and the report must not name a single external address.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from kaizen.present.report.context import Distribution
from kaizen.present.review.snapshot import Parameter

matplotlib.rcParams.update({
    "svg.fonttype": "none",  # text stays text: smaller, selectable, uses the reader's fonts
    "svg.hashsalt": "kaizen",  # stable element ids: the same night gives the same file
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
})

# ``vert`` is deprecated from matplotlib 3.10 on, ``orientation`` does not exist before it.
_HORIZONTAL: dict[str, Any] = {"orientation": "horizontal"} if matplotlib.__version_info__ >= (3, 10) else {"vert": False}
COLOURS = ("#1f6feb", "#d9480f", "#2b8a3e", "#862e9c", "#c92a2a", "#5c940d")
_NAMESPACE = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')


def to_svg(fig: Figure, title: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = _NAMESPACE.sub("", text)
    # Scale with the page instead of the fixed points matplotlib writes.
    text = re.sub(r'<svg([^>]*?)\swidth="[^"]*"\sheight="[^"]*"', r'<svg\1 class="plot"', text, count=1)
    return text.replace("<svg", f'<svg role="img" aria-label="{title}"', 1)


def _margins(fig: Figure, rows: int) -> None:
    """Fixed margins in inches, so stacked panels neither overlap nor need a layout engine pass."""
    height = fig.get_figheight()
    fig.subplots_adjust(left=0.13, right=0.97, bottom=0.5 / height, top=1 - 0.25 / height, hspace=0.55 * rows / max(1, rows))


def _unit(span_s: float) -> tuple[float, str]:
    """Minutes for a short night, hours for a long one: ticks a person reads without arithmetic."""
    return (60.0, "minutes into the night") if span_s < 2 * 3600 else (3600.0, "hours into the night")


def trend(series: dict[str, list[tuple[float, float]]], final: dict[str, float], end: float) -> str | None:
    """Cumulative % of time saved against hours into the night, one step line per benchmark up to
    ``end`` (seconds); the whole-branch confirmation at COMPLETE as a marker at the end."""
    if not any(len(points) > 1 for points in series.values()) and not final:
        return None
    fig = Figure(figsize=(5.6, 2.8))
    ax = fig.add_subplot()
    scale, xlabel = _unit(end)
    for k, (name, points) in enumerate(series.items()):
        xs = [p[0] / scale for p in points]
        ys = [p[1] for p in points]
        colour = COLOURS[k % len(COLOURS)]
        last = max(xs[-1], end / scale)
        ax.step([*xs, last], [*ys, ys[-1]], where="post", label=name, color=colour, linewidth=1.8)
        ax.plot(xs, ys, "o", color=colour, markersize=3.5)
        if name in final:
            ax.plot([last], [final[name]], "D", color=colour, markersize=7, markerfacecolor="white", label=f"{name}, whole branch")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("time saved (%)")
    ax.axhline(0, color="#888", linewidth=0.6)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    fig.subplots_adjust(left=0.11, right=0.97, bottom=0.17, top=0.96)  # fixed margins: no layout pass
    return to_svg(fig, "cumulative improvement over the night")


def distributions(items: Sequence[Distribution]) -> str | None:
    """Before/after wall times per benchmark as box plots with the runs drawn on top."""
    shown = [d for d in items if d.before or d.after]
    if not shown:
        return None
    fig = Figure(figsize=(5.6, 0.6 + 1.3 * len(shown)))
    axes = fig.subplots(len(shown), 1, squeeze=False)
    for row, d in enumerate(shown):
        ax = axes[row][0]
        data = [[s * 1000 for s in d.after], [s * 1000 for s in d.before]]
        labels = ["after", "before"]
        kept = [(x, lab) for x, lab in zip(data, labels, strict=True) if x]
        ax.boxplot([x for x, _ in kept], widths=0.55, showfliers=False, medianprops={"color": "#111", "linewidth": 1.5},
                   **_HORIZONTAL)
        ax.set_yticks(range(1, len(kept) + 1), [lab for _, lab in kept])
        for y, (xs, lab) in enumerate(kept, start=1):
            colour = COLOURS[2] if lab == "after" else COLOURS[1]
            ax.plot(xs, [y + (i % 5 - 2) * 0.04 for i in range(len(xs))], "o", color=colour, alpha=0.55, markersize=3)
        ax.set_title(d.benchmark, loc="left", fontsize=9)
        ax.set_xlim(left=0)
    axes[-1][0].set_xlabel("wall time per run (ms)")
    _margins(fig, len(shown))
    return to_svg(fig, "benchmark run times before and after")


def parameters(changes: Sequence[Parameter], started_at: float, ended_at: float) -> str | None:
    """Each adaptive parameter as a step line over the night: when the loop changed its mind."""
    names = list(dict.fromkeys(p.name for p in changes))
    if not names:
        return None
    fig = Figure(figsize=(5.6, 0.6 + 1.4 * len(names)))
    axes = fig.subplots(len(names), 1, squeeze=False, sharex=True)
    scale, xlabel = _unit(ended_at - started_at)
    end = max(0.0, ended_at - started_at) / scale
    for row, name in enumerate(names):
        ax = axes[row][0]
        points = [((p.at - started_at) / scale, p.new) for p in changes if p.name == name]
        xs = [x for x, _ in points] + [max(end, points[-1][0])]
        ys = [y for _, y in points] + [points[-1][1]]
        ax.step(xs, ys, where="post", color=COLOURS[row % len(COLOURS)], linewidth=1.6)
        ax.plot(xs[:-1], ys[:-1], "o", color=COLOURS[row % len(COLOURS)], markersize=3.5)
        ax.set_title(name, loc="left", fontsize=9)
    axes[-1][0].set_xlabel(xlabel)
    _margins(fig, len(names))
    return to_svg(fig, "adaptive parameters over the night")
