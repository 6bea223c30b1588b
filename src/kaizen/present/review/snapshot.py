"""One night as the dashboard and the reports see it: the history rows of a run, read in one snapshot.

Reading is the only thing done here. Everything is copied into frozen values inside one read
transaction, so a view never mixes two moments of the loop and never holds the database while it
draws. In WAL mode a reader neither blocks the writer nor waits for it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kaizen.errors import KaizenError

STATES = (
    "INITIALIZE",
    "ANALYZE_BASELINE",
    "IDENTIFY_BOTTLENECKS",
    "APPLY_OPTIMIZATION",
    "RUN_BENCHMARKS",
    "VALIDATE",
    "COMMIT_CHANGES",
    "NEXT_ITERATION",
    "COMPLETE",
)


@dataclass(frozen=True)
class Run:
    id: str
    repo: str
    branch: str
    start_sha: str
    best_sha: str
    started_at: float
    finished_at: float | None
    status: str  # running | complete | interrupted | stopped | failed
    stop_reason: str | None
    state: str
    state_since: float
    iteration: int
    max_iterations: int
    budget_seconds: float
    pid: int | None
    config: Mapping[str, Any]
    final: Mapping[str, Any]

    @property
    def running(self) -> bool:
        return self.status == "running"

    def setting(self, name: str, default: float) -> float:
        value = self.config.get(name, default)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


@dataclass(frozen=True)
class Transition:
    at: float
    from_state: str | None
    to_state: str
    iteration: int
    note: str | None


@dataclass(frozen=True)
class Baseline:
    benchmark: str
    median_s: float
    peak_rss: int
    noise_floor: float
    samples: tuple[float, ...]
    import_s: float | None


@dataclass(frozen=True)
class Hotspot:
    iteration: int
    path: str
    line: int
    function: str
    total_share: float
    self_share: float
    growth: str | None


@dataclass(frozen=True)
class Candidate:
    id: int
    key: str
    pattern_id: str
    pattern_name: str
    path: str
    line: int
    function: str | None
    message: str
    fixable: bool
    score: float
    hot_share: float
    growth: str | None
    status: str  # found | trying | kept | rejected
    iteration: int | None
    reason: str | None

    @property
    def location(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where} {self.function}()" if self.function else where


@dataclass(frozen=True)
class Measurement:
    candidate_id: int | None
    iteration: int | None
    kind: str  # candidate | confirm | baseline
    benchmark: str
    verdict: str
    speedup: float  # base / head: above 1 is faster
    ci_low: float
    ci_high: float
    p: float
    pairs: int
    noise_floor: float
    base_rss: int
    head_rss: int
    base: tuple[float, ...]
    head: tuple[float, ...]
    at: float


@dataclass(frozen=True)
class Decision:
    candidate_id: int
    iteration: int
    outcome: str  # kept | rejected
    reason: str
    commit_sha: str | None
    speedup: float | None
    ci_low: float | None
    ci_high: float | None
    p: float | None
    pairs: int | None
    tests_run: int | None
    evidence: Mapping[str, Any]
    diff: str | None
    at: float
    confirmed: bool | None

    @property
    def kept(self) -> bool:
        return self.outcome == "kept"


@dataclass(frozen=True)
class Parameter:
    at: float
    iteration: int
    name: str
    old: float | None
    new: float
    reason: str


@dataclass(frozen=True)
class Event:
    id: int
    at: float
    level: str  # info | warn | error
    message: str


@dataclass(frozen=True)
class RecordedSignal:
    """An andon signal the loop itself raised (it knows things the history does not show)."""

    at: float
    name: str
    level: str
    figure: str | None
    rule: str


@dataclass(frozen=True)
class Night:
    run: Run
    transitions: tuple[Transition, ...]
    baselines: tuple[Baseline, ...]
    hotspots: tuple[Hotspot, ...]  # of the latest profiled iteration
    candidates: tuple[Candidate, ...]
    measurements: tuple[Measurement, ...]
    decisions: tuple[Decision, ...]
    parameters: tuple[Parameter, ...]
    events: tuple[Event, ...]  # the tail asked for, oldest first
    signals: tuple[RecordedSignal, ...]

    def candidate(self, candidate_id: int | None) -> Candidate | None:
        return next((c for c in self.candidates if c.id == candidate_id), None)

    @property
    def benchmarks(self) -> tuple[str, ...]:
        names = [b.benchmark for b in self.baselines] + [m.benchmark for m in self.measurements]
        return tuple(dict.fromkeys(names))


def read_night(db: sqlite3.Connection, run_id: str, *, events_tail: int | None = None) -> Night:
    """Everything about run ``run_id`` in one consistent snapshot."""
    db.execute("BEGIN")  # deferred: a WAL read snapshot, no lock the writer would wait on
    try:
        row = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            known = ", ".join(r[0] for r in db.execute("SELECT id FROM runs ORDER BY started_at DESC LIMIT 5"))
            raise KaizenError(f"no run {run_id!r} in the history (latest: {known or 'none'}); pick one with --run")
        events_sql = "SELECT * FROM events WHERE run_id = ? ORDER BY id"
        if events_tail is not None:
            events_sql = f"SELECT * FROM (SELECT * FROM events WHERE run_id = ? ORDER BY id DESC LIMIT {int(events_tail)}) ORDER BY id"
        hotspots_sql = (
            "SELECT * FROM hotspots WHERE run_id = ? AND iteration = "
            "(SELECT MAX(iteration) FROM hotspots WHERE run_id = ?) ORDER BY total_share DESC, id"
        )
        night = Night(
            run=_run(row),
            transitions=tuple(Transition(r["at"], r["from_state"], r["to_state"], r["iteration"], r["note"]) for r in _rows(db, "transitions", run_id)),
            baselines=tuple(_baseline(r) for r in _rows(db, "baselines", run_id, order="rowid")),
            hotspots=tuple(_hotspot(r) for r in db.execute(hotspots_sql, (run_id, run_id))),
            candidates=tuple(_candidate(r) for r in _rows(db, "candidates", run_id)),
            measurements=tuple(_measurement(r) for r in _rows(db, "measurements", run_id)),
            decisions=tuple(_decision(r) for r in _rows(db, "decisions", run_id)),
            parameters=tuple(Parameter(r["at"], r["iteration"], r["name"], r["old"], r["new"], r["reason"]) for r in _rows(db, "parameters", run_id)),
            events=tuple(Event(r["id"], r["at"], r["level"], r["message"]) for r in db.execute(events_sql, (run_id,))),
            signals=tuple(RecordedSignal(r["at"], r["name"], r["level"], r["figure"], r["rule"]) for r in _rows(db, "signals", run_id)),
        )
    finally:
        db.execute("COMMIT")
    return night


def _rows(db: sqlite3.Connection, table: str, run_id: str, order: str = "id") -> list[sqlite3.Row]:
    return list(db.execute(f"SELECT * FROM {table} WHERE run_id = ? ORDER BY {order}", (run_id,)))


def _json(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default  # a view must survive a foreign or damaged field rather than go blank


def _floats(text: str | None) -> tuple[float, ...]:
    values = _json(text, [])
    return tuple(float(v) for v in values if isinstance(v, (int, float))) if isinstance(values, list) else ()


def _mapping(text: str | None) -> Mapping[str, Any]:
    value = _json(text, {})
    return value if isinstance(value, dict) else {}


def _run(r: sqlite3.Row) -> Run:
    return Run(
        id=r["id"], repo=r["repo"], branch=r["branch"], start_sha=r["start_sha"], best_sha=r["best_sha"],
        started_at=r["started_at"], finished_at=r["finished_at"], status=r["status"],
        stop_reason=r["stop_reason"], state=r["state"], state_since=r["state_since"],
        iteration=r["iteration"], max_iterations=r["max_iterations"], budget_seconds=r["budget_seconds"],
        pid=r["pid"], config=_mapping(r["config"]), final=_mapping(r["final"]),
    )


def _baseline(r: sqlite3.Row) -> Baseline:
    return Baseline(r["benchmark"], r["median_s"], r["peak_rss"], r["noise_floor"], _floats(r["samples"]), r["import_s"])


def _hotspot(r: sqlite3.Row) -> Hotspot:
    return Hotspot(r["iteration"], r["path"], r["line"], r["function"], r["total_share"], r["self_share"], r["growth"])


def _candidate(r: sqlite3.Row) -> Candidate:
    return Candidate(
        id=r["id"], key=r["key"], pattern_id=r["pattern_id"], pattern_name=r["pattern_name"], path=r["path"],
        line=r["line"], function=r["function"], message=r["message"], fixable=bool(r["fixable"]),
        score=r["score"], hot_share=r["hot_share"], growth=r["growth"], status=r["status"],
        iteration=r["iteration"], reason=r["reason"],
    )


def _measurement(r: sqlite3.Row) -> Measurement:
    return Measurement(
        candidate_id=r["candidate_id"], iteration=r["iteration"], kind=r["kind"], benchmark=r["benchmark"],
        verdict=r["verdict"], speedup=r["speedup"], ci_low=r["ci_low"], ci_high=r["ci_high"], p=r["p"],
        pairs=r["pairs"], noise_floor=r["noise_floor"], base_rss=r["base_rss"], head_rss=r["head_rss"],
        base=_floats(r["base"]), head=_floats(r["head"]), at=r["at"],
    )


def _decision(r: sqlite3.Row) -> Decision:
    confirmed = r["confirmed"]
    return Decision(
        candidate_id=r["candidate_id"], iteration=r["iteration"], outcome=r["outcome"], reason=r["reason"],
        commit_sha=r["commit_sha"], speedup=r["speedup"], ci_low=r["ci_low"], ci_high=r["ci_high"], p=r["p"],
        pairs=r["pairs"], tests_run=r["tests_run"], evidence=_mapping(r["evidence"]), diff=r["diff"],
        at=r["at"], confirmed=None if confirmed is None else bool(confirmed),
    )
