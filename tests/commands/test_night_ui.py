"""``kaizen run --dashboard`` and ``--tmux`` on real tiny repositories, in a private tmux server:
the night runs on its own, the dashboard only watches, closing it leaves the night running."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kaizen import proc
from kaizen.commands import night_ui
from kaizen.errors import KaizenError
from tests.present.fixtures.record_night import make_repo
from tests.present.tmuxkit import Tmux, tmux, wait_for

__all__ = ["tmux"]  # the fixture, used by name

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("night")]


def night_pid(repo: Path, timeout: float = 60) -> int:
    """The pid the night recorded for itself, once it has."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            db = sqlite3.connect(f"file:{repo / '.kaizen' / 'history.db'}?mode=ro", uri=True)
            row = db.execute("SELECT pid FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
            db.close()
            if row:
                return int(row[0])
        except sqlite3.Error:
            pass
        time.sleep(0.2)
    raise AssertionError("the night never recorded itself")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(pid: int) -> None:
    """Ctrl-C for the night (it rolls back and records "interrupted"), then wait for it to go."""
    if alive(pid):
        os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + 60
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)


def test_night_command_never_starts_a_second_dashboard() -> None:
    py = sys.executable
    assert night_ui.night_command(["run", "--no-dashboard", "--seed", "0"]) == [py, "-m", "kaizen", "run", "--no-dashboard", "--seed", "0"]
    assert night_ui.night_command(["--dashboard", "--hours", "1", "--tmux"]) == [py, "-m", "kaizen", "run", "--no-dashboard", "--hours", "1"]


def test_spawn_detached_outlives_its_caller_and_logs(tmp_path: Path) -> None:
    log = tmp_path / "out.log"
    pid = proc.spawn_detached([sys.executable, "-c", "import os, sys; print(os.getsid(0)); print('to stderr', file=sys.stderr)"],
                              cwd=tmp_path, log=log)
    deadline = time.monotonic() + 30
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # not our child: it can never be our zombie
    sid, err = log.read_text().split("\n", 1)
    assert int(sid) == pid and int(sid) != os.getsid(0)  # its own session: our Ctrl-C or hang-up is not its
    assert "to stderr" in err
    with pytest.raises(proc.CommandNotFound):
        proc.spawn_detached(["no-such-program-kz"], cwd=tmp_path, log=log)


def test_run_in_tmux_starts_the_night_and_the_dashboard(tmux: Tmux, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path)
    assert night_ui.run_in_tmux(repo, ["run", "--max-iterations", "1"]) == 0
    out = capsys.readouterr().out
    assert "tmux session kaizen_monitor" in out and "attach with: tmux attach -t kaizen_monitor" in out
    panes = tmux("list-panes", "-t", "kaizen_monitor", "-F", "#{pane_index} #{pane_current_command}").split("\n")
    assert len([p for p in panes if p]) == 2
    pid = night_pid(repo)
    try:
        screen = wait_for(tmux, "kaizen_monitor:0.1", "RUNNING", "▶ ")  # the dashboard attached to the night
        assert "night " in screen and "State machine" in screen
        with pytest.raises(KaizenError, match="a tmux session kaizen_monitor already exists"):
            night_ui.run_in_tmux(repo, ["run"])
    finally:
        stop(pid)


def test_run_in_tmux_without_tmux_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    git = subprocess.run(["which", "git"], capture_output=True, text=True, check=True).stdout.strip()
    (bin_dir / "git").symlink_to(git)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(KaizenError, match="tmux is not installed, so `kaizen run --tmux` cannot open its session; install tmux"):
        night_ui.run_in_tmux(repo, ["run"])


def test_closing_the_dashboard_leaves_the_night_running(tmux: Tmux, tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    tmux("new-session", "-d", "-s", "kz", "-x", "120", "-y", "40", "-c", str(repo),
         f"{sys.executable} -m kaizen run --dashboard --max-iterations 1; sleep 60")
    pid = night_pid(repo)
    try:
        wait_for(tmux, "kz", "RUNNING", "▶ ")
        tmux("send-keys", "-t", "kz", "q")
        screen = wait_for(tmux, "kz", "in the background (pid")
        assert f"the night goes on in the background (pid {pid})" in " ".join(screen.split())
        assert alive(pid)
        assert (repo / ".kaizen" / "night.log").read_text().strip()  # its output went to the log
    finally:
        stop(pid)


def test_a_night_that_cannot_start_is_reported_instead_of_watched(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo / "kaizen.toml").write_text("source = [\"shop\"]\n")  # no tests: kaizen refuses to start
    with pytest.raises(KaizenError, match=r"the night did not start: kaizen: error: kaizen.toml has no `tests` command.*\(full log: .*night.log\)"):
        night_ui.run_with_dashboard(repo, ["run"])
