"""The dashboard in a real terminal (tmux): it shows the live state of a night and obeys its keys."""

from __future__ import annotations

import json
import os
import sys
import time

from kaizen.record.history import History, history_path
from tests.conftest import MakeRepo
from tests.present.nightfixture import RUN_ID, write_night
from tests.present.tmuxkit import Tmux, tmux, wait_for

__all__ = ["tmux"]  # the fixture, used by name


def test_the_dashboard_in_a_terminal_shows_the_live_state_and_obeys_keys(tmux: Tmux, make_repo: MakeRepo) -> None:
    repo = make_repo({"README.md": "shop\n"})
    kaizen_dir = repo / ".kaizen"
    write_night(kaizen_dir, upto="running", t0=time.time() - 300, pid=os.getpid())
    tmux("new-session", "-d", "-s", "kz", "-x", "120", "-y", "40", "-c", str(repo),
         f"{sys.executable} -m kaizen watch; sleep 30")
    wait_for(tmux, "kz", "▶ RUN_BENCHMARKS", "night 20260921-141320")
    writer = History(history_path(kaizen_dir))
    writer.update("runs", {"id": RUN_ID}, state="VALIDATE", state_since=time.time())
    writer.close()
    screen = wait_for(tmux, "kz", "▶ VALIDATE")  # the loop moved on; the dashboard followed
    assert "▶ RUN_BENCHMARKS" not in screen
    tmux("send-keys", "-t", "kz", "p")
    wait_for(tmux, "kz", "PAUSED")
    assert json.loads((kaizen_dir / "control.json").read_text()) == {"paused": True}
    tmux("send-keys", "-t", "kz", "q")
    deadline = time.monotonic() + 20
    while "kaizen watch" in tmux("capture-pane", "-p", "-t", "kz") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "kaizen watch" not in tmux("capture-pane", "-p", "-t", "kz")  # q closed the dashboard
