"""What the morning report says, as plain values: the markdown and HTML templates draw the same
context, so the two formats cannot disagree (the HTML only adds the plots)."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from dataclasses import dataclass
from typing import Any

from kaizen.present.review import figures
from kaizen.present.review.snapshot import Event, Night


@dataclass(frozen=True)
class Spread:
    """A benchmark's wall times on one side: enough numbers to compare two distributions in text."""

    n: int
    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float


def spread(samples: tuple[float, ...]) -> Spread | None:
    if len(samples) < 2:
        return None
    q1, median, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return Spread(len(samples), min(samples), q1, median, q3, max(samples))


@dataclass(frozen=True)
class Distribution:
    benchmark: str
    before: tuple[float, ...]
    after: tuple[float, ...]
    source: str  # which measurements the samples come from

    @property
    def before_spread(self) -> Spread | None:
        return spread(self.before)

    @property
    def after_spread(self) -> Spread | None:
        return spread(self.after)


def distributions(night: Night) -> tuple[Distribution, ...]:
    """Per benchmark, the run times of the start commit and of the best branch. Once COMPLETE
    measured the whole branch, both sides come from those interleaved pairs (a fair comparison);
    before that, the start's baseline runs against the last kept change's runs, hours apart."""
    baselines = {b.benchmark: b for b in night.baselines}
    out = []
    for name in night.benchmarks:
        before = baselines[name].samples if name in baselines else ()
        after: tuple[float, ...] = ()
        source = "nothing kept yet"
        confirm = figures.branch_confirmation(night, name)
        kept = figures.kept_measurements(night, name)
        if confirm is not None:
            before, after, source = confirm.base, confirm.head, "interleaved at COMPLETE"
        elif kept:
            after, source = kept[-1].head, f"last kept change, iteration {kept[-1].iteration}"
        if before or after:
            out.append(Distribution(name, before, after, source))
    return tuple(out)


@dataclass(frozen=True)
class TrendRow:
    at: float  # seconds since the start
    iteration: int | None
    label: str
    saved: dict[str, float]  # benchmark → cumulative % of time saved


def trend_rows(night: Night) -> tuple[TrendRow, ...]:
    """The trend as a table (the markdown's stand-in for the plot): one row per kept change."""
    series = figures.trend(night)
    kept = [a for a in figures.attempts(night) if a.outcome == "kept"]
    rows = [TrendRow(0.0, None, "start", {name: 0.0 for name in series})]
    for k, attempt in enumerate(kept, start=1):
        at = max(0.0, attempt.decision.at - night.run.started_at)
        saved = {name: points[min(k, len(points) - 1)][1] for name, points in series.items()}
        rows.append(TrendRow(at, attempt.iteration, f"{attempt.pattern} at {attempt.location}", saved))
    return tuple(rows)


def timestamp(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def evidence_lines(evidence: Any, prefix: str = "") -> list[str]:
    """Evidence JSON flattened to "key: value" lines a person can read in print."""
    if isinstance(evidence, dict):
        lines = []
        for key, value in evidence.items():
            if isinstance(value, dict) and value:
                lines += evidence_lines(value, f"{prefix}{key} › ")
            else:
                lines.append(f"{prefix}{key}: {_scalar(value)}")
        return lines
    return [f"{prefix}{_scalar(evidence)}"] if evidence not in (None, "", [], {}) else []


def _scalar(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value) or "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (dict, tuple)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def notable(events: tuple[Event, ...], limit: int = 20) -> tuple[Event, ...]:
    """Warnings and errors of the night, the latest ``limit``: what a person should know about."""
    return tuple(e for e in events if e.level in ("warn", "error"))[-limit:]


def build(night: Night) -> dict[str, Any]:
    attempts = figures.attempts(night)
    return {
        "night": night,
        "run": night.run,
        "elapsed": figures.elapsed(night.run, figures.last_activity(night)),
        "tally": figures.tally(night),
        "gains": figures.gains(night),
        "attempts": attempts,
        "kept": [a for a in attempts if a.outcome == "kept"],
        "rejected": [a for a in attempts if a.outcome != "kept"],
        "trend": trend_rows(night),
        "distributions": distributions(night),
        "parameters": night.parameters,
        "growth": figures.growth_exponents(night),
        "hotspots": night.hotspots,
        "notable": notable(night.events),
        "confidence": "99 %",
    }
