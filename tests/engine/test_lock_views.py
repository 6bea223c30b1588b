"""One night per repository, and the human views written atomically."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kaizen.engine import lock
from kaizen.errors import KaizenError
from kaizen.measure.resources import ResourceGuard
from kaizen.record import views


def test_second_night_is_refused_while_the_first_lives(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        import psutil

        (tmp_path / "lock").write_text(json.dumps({"pid": child.pid, "run_id": "r1", "since": psutil.Process(child.pid).create_time()}))
        with pytest.raises(KaizenError, match=r"another kaizen night \(pid \d+, run r1\)"):
            lock.acquire(tmp_path, "r2")
    finally:
        child.kill()
        child.wait()


def test_stale_lock_of_a_dead_process_is_replaced(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "lock").write_text(json.dumps({"pid": dead.pid, "run_id": "old", "since": 0}))
    path = lock.acquire(tmp_path, "new")
    assert json.loads(path.read_text())["pid"] == os.getpid()
    lock.release(tmp_path)
    assert not path.exists()


def test_garbage_lock_is_treated_as_stale(tmp_path: Path) -> None:
    (tmp_path / "lock").write_text("not json")
    lock.acquire(tmp_path, "x")
    lock.release(tmp_path)


def test_views_are_atomic_and_versioned(tmp_path: Path) -> None:
    views.write_json(tmp_path / views.STATE_FILE, {"state": "VALIDATE"})
    doc = json.loads((tmp_path / views.STATE_FILE).read_text())
    assert doc == {"schema_version": 1, "state": "VALIDATE"}
    assert [p.name for p in tmp_path.iterdir()] == [views.STATE_FILE]  # no temp files left
    views.append_line(tmp_path / views.ITERATIONS_LOG, "1 kept")
    folder = views.checkpoint(tmp_path, dt.datetime(2026, 11, 22, 1, 2, 3))
    again = views.checkpoint(tmp_path, dt.datetime(2026, 11, 22, 1, 2, 3))
    assert folder.name == "20261122T010203" and again.name == "20261122T010203-2"
    assert (folder / views.STATE_FILE).exists() and (folder / views.ITERATIONS_LOG).exists()


def test_resource_guard_pauses_while_others_load_the_machine() -> None:
    sleeps: list[float] = []
    messages: list[str] = []
    guard = ResourceGuard(cpu_limit=50, on_pause=messages.append, sleep=sleeps.append)
    loads = iter([95.0, 90.0, 10.0])
    guard.load = lambda: type("L", (), {"other_cpu": next(loads), "available_memory": 2**34})()  # type: ignore[method-assign]
    guard.wait_until_quiet()
    assert len(sleeps) == 2 and "95% CPU" in messages[0]
    quiet = ResourceGuard(cpu_limit=100, sleep=sleeps.append)
    quiet.wait_until_quiet()
    assert len(sleeps) == 2
