"""``.kaizen/history.db``: the single source of truth of every night (SQLite, WAL).

The loop is its only writer (``History``); the dashboard and the reports open it read-only
(``open_readonly``). Every table carries ``run_id`` so one file holds all nights of a repo. The
schema has a version in ``meta``; readers refuse a newer one with a clear message.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kaizen.errors import KaizenError

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,              -- e.g. 20261122-013000
    repo TEXT NOT NULL,
    branch TEXT NOT NULL,             -- perf/kaizen-YYYYMMDD[-N]
    start_sha TEXT NOT NULL,
    best_sha TEXT NOT NULL,           -- tip of the branch: the current best
    started_at REAL NOT NULL,         -- unix seconds
    finished_at REAL,
    status TEXT NOT NULL,             -- running | complete | interrupted | stopped | failed
    stop_reason TEXT,
    state TEXT NOT NULL,              -- current state of the eight
    state_since REAL NOT NULL,
    iteration INTEGER NOT NULL DEFAULT 0,
    max_iterations INTEGER NOT NULL,
    budget_seconds REAL NOT NULL,
    pid INTEGER,
    config TEXT NOT NULL,             -- JSON: the effective settings
    final TEXT                        -- JSON: confirmation of the whole branch at COMPLETE
);
CREATE TABLE IF NOT EXISTS transitions (
    id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, at REAL NOT NULL,
    from_state TEXT, to_state TEXT NOT NULL, iteration INTEGER NOT NULL, note TEXT
);
CREATE TABLE IF NOT EXISTS baselines (
    run_id TEXT NOT NULL, benchmark TEXT NOT NULL, median_s REAL NOT NULL, peak_rss INTEGER NOT NULL,
    noise_floor REAL NOT NULL, aa TEXT NOT NULL,       -- JSON list of A/A log ratios
    samples TEXT NOT NULL,                             -- JSON list of wall seconds
    import_s REAL, PRIMARY KEY (run_id, benchmark)
);
CREATE TABLE IF NOT EXISTS hotspots (
    id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, iteration INTEGER NOT NULL, path TEXT NOT NULL,
    line INTEGER NOT NULL, function TEXT NOT NULL, total_share REAL NOT NULL, self_share REAL NOT NULL,
    growth TEXT
);
CREATE TABLE IF NOT EXISTS candidates (
    id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, key TEXT NOT NULL,  -- key: pattern@path:function
    pattern_id TEXT NOT NULL, pattern_name TEXT NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL,
    function TEXT, message TEXT NOT NULL, fixable INTEGER NOT NULL, score REAL NOT NULL,
    hot_share REAL NOT NULL, growth TEXT, status TEXT NOT NULL,    -- found | trying | kept | rejected
    iteration INTEGER, reason TEXT, UNIQUE (run_id, key)
);
CREATE TABLE IF NOT EXISTS measurements (
    id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, candidate_id INTEGER, iteration INTEGER,
    kind TEXT NOT NULL,               -- candidate | confirm | baseline
    benchmark TEXT NOT NULL, verdict TEXT NOT NULL, speedup REAL NOT NULL, ci_low REAL NOT NULL,
    ci_high REAL NOT NULL, p REAL NOT NULL, pairs INTEGER NOT NULL, noise_floor REAL NOT NULL,
    base_rss INTEGER NOT NULL, head_rss INTEGER NOT NULL,
    base TEXT NOT NULL, head TEXT NOT NULL, at REAL NOT NULL  -- JSON lists of wall seconds
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, candidate_id INTEGER NOT NULL, iteration INTEGER NOT NULL,
    outcome TEXT NOT NULL,            -- kept | rejected
    reason TEXT NOT NULL,             -- e.g. "tests failed: test_x", "slower", "no-change", "stalled"
    commit_sha TEXT, speedup REAL, ci_low REAL, ci_high REAL, p REAL, pairs INTEGER,
    tests_run INTEGER, evidence TEXT,  -- JSON: behaviour checks, safety evidence
    diff TEXT, at REAL NOT NULL, confirmed INTEGER   -- confirmed at COMPLETE: 1/0/NULL (not yet)
);
CREATE TABLE IF NOT EXISTS parameters (
    id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, at REAL NOT NULL, iteration INTEGER NOT NULL,
    name TEXT NOT NULL, old REAL, new REAL NOT NULL, reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, at REAL NOT NULL, level TEXT NOT NULL, message TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS signals (
    id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, at REAL NOT NULL, name TEXT NOT NULL,
    level TEXT NOT NULL, figure TEXT, rule TEXT NOT NULL   -- andon: GREEN | YELLOW | RED
);
CREATE INDEX IF NOT EXISTS events_run ON events (run_id, id);
CREATE INDEX IF NOT EXISTS transitions_run ON transitions (run_id, id);
"""


def history_path(kaizen_dir: Path) -> Path:
    return kaizen_dir / "history.db"


class History:
    """The writer. One per night; every write commits at once so readers see it live."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        found = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if found is None:
            self.db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif int(found[0]) > SCHEMA_VERSION:
            raise KaizenError(f"{path} was written by a newer kaizen (schema {found[0]}); upgrade kaizen to read it")

    def close(self) -> None:
        self.db.close()

    def insert(self, table: str, **values: Any) -> int:
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", [_cell(v) for v in values.values()])
        return int(cursor.lastrowid or 0)

    def update(self, table: str, where: dict[str, Any], **values: Any) -> None:
        sets = ", ".join(f"{k} = ?" for k in values)
        conds = " AND ".join(f"{k} = ?" for k in where)
        self.db.execute(f"UPDATE {table} SET {sets} WHERE {conds}", [*map(_cell, values.values()), *where.values()])

    def rows(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return list(self.db.execute(sql, args))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value)
    return value


def open_readonly(path: Path) -> sqlite3.Connection:
    """For the dashboard and the reports: never writes, never blocks the loop."""
    if not path.exists():
        raise KaizenError(f"no kaizen history at {path}; start a night with `kaizen run` first")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5, check_same_thread=False)
    db.row_factory = sqlite3.Row
    found = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    if found is not None and int(found[0]) > SCHEMA_VERSION:
        raise KaizenError(f"{path} was written by a newer kaizen (schema {found[0]}); upgrade kaizen to read it")
    return db


def latest_run_id(db: sqlite3.Connection) -> str | None:
    row = db.execute("SELECT id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    return str(row["id"]) if row else None
