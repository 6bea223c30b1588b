"""Reading a night back from the history: complete, consistent, read-only, never in the writer's way."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from kaizen.errors import KaizenError
from kaizen.present.review.snapshot import read_night
from kaizen.record.history import History, history_path, open_readonly
from tests.present.nightfixture import RUN_ID, write_night


@pytest.fixture
def kaizen_dir(tmp_path: Path) -> Path:
    write_night(tmp_path / ".kaizen")
    return tmp_path / ".kaizen"


def test_reads_every_table_of_the_run(kaizen_dir: Path) -> None:
    db = open_readonly(history_path(kaizen_dir))
    n = read_night(db, RUN_ID)
    assert (n.run.status, n.run.state, n.run.iteration) == ("complete", "COMPLETE", 6)
    assert n.run.config["stall_minutes"] == 10 and n.run.final["benchmarks"]["main"]["speedup"] == 2.61
    assert n.benchmarks == ("main", "search")
    assert len(n.candidates) == 6 and len(n.decisions) == 6 and len(n.parameters) == 2
    assert [h.function for h in n.hotspots] == ["match_orders", "cheapest", "join", "drain"]  # hottest first
    assert n.transitions[0].to_state == "ANALYZE_BASELINE" and n.transitions[-1].to_state == "COMPLETE"
    assert n.decisions[0].evidence["types seen"] == {"known": ["int"]}
    assert n.decisions[0].confirmed is True and n.decisions[1].confirmed is None
    assert len(n.baselines[0].samples) == 16


def test_events_tail(kaizen_dir: Path) -> None:
    db = open_readonly(history_path(kaizen_dir))
    everything = read_night(db, RUN_ID).events
    tail = read_night(db, RUN_ID, events_tail=3).events
    assert tail == everything[-3:]


def test_unknown_run_names_the_ones_there(kaizen_dir: Path) -> None:
    db = open_readonly(history_path(kaizen_dir))
    with pytest.raises(KaizenError, match=f"no run 'nope' in the history \\(latest: {RUN_ID}\\)"):
        read_night(db, "nope")
    read_night(db, RUN_ID)  # the failed read left no transaction open


def test_a_damaged_json_field_does_not_blank_the_view(kaizen_dir: Path) -> None:
    writer = History(history_path(kaizen_dir))
    writer.db.execute("UPDATE decisions SET evidence = '{half' WHERE iteration = 1")
    writer.db.execute("UPDATE runs SET config = '[1, 2]'")
    writer.close()
    n = read_night(open_readonly(history_path(kaizen_dir)), RUN_ID)
    assert n.decisions[0].evidence == {} and n.run.config == {}
    assert n.run.setting("stall_minutes", 10.0) == 10.0


def test_a_reader_holding_a_snapshot_does_not_block_the_writer(kaizen_dir: Path) -> None:
    reader = open_readonly(history_path(kaizen_dir))
    reader.execute("BEGIN")
    before = reader.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    writer = History(history_path(kaizen_dir))
    writer.db.execute("PRAGMA busy_timeout = 0")  # fail at once instead of waiting, if it were blocked
    start = time.monotonic()
    writer.insert("events", run_id=RUN_ID, at=0.0, level="info", message="written while read")
    assert time.monotonic() - start < 1.0
    assert reader.execute("SELECT COUNT(*) FROM events").fetchone()[0] == before  # the reader's snapshot holds
    reader.execute("COMMIT")
    assert read_night(reader, RUN_ID).events[-1].message == "written while read"
    writer.close()


def test_the_reader_cannot_write(kaizen_dir: Path) -> None:
    reader = open_readonly(history_path(kaizen_dir))
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.execute("DELETE FROM events")
