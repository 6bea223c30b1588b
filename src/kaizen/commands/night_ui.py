"""``kaizen run --dashboard`` and ``kaizen run --tmux``: the night in the background, the dashboard
in front. Either way the night is a process of its own, so closing the dashboard (or the terminal)
does not stop it, and ``kaizen watch`` attaches again at any time.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import sys
import time
from pathlib import Path

from kaizen import git, proc
from kaizen.commands import watch
from kaizen.errors import KaizenError
from kaizen.record.history import history_path

SESSION = "kaizen_monitor"
LOG_NAME = "night.log"
START_TIMEOUT = 60.0  # seconds for the night to record itself before the dashboard opens anyway


def night_command(night_argv: list[str]) -> list[str]:
    """``python -m kaizen run --no-dashboard …``: whatever the caller passed, the background night
    must never start a dashboard (or a tmux session) of its own."""
    args = [a for a in night_argv if a not in ("--dashboard", "--no-dashboard", "--tmux")]
    if not args or args[0] != "run":
        args.insert(0, "run")
    return [sys.executable, "-m", "kaizen", args[0], "--no-dashboard", *args[1:]]


def _known_runs(kaizen_dir: Path) -> set[str]:
    path = history_path(kaizen_dir)
    if not path.exists():
        return set()
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return {str(r[0]) for r in db.execute("SELECT id FROM runs")}
        finally:
            db.close()
    except sqlite3.Error:
        return set()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _log_tail(log: Path, lines: int = 8) -> str:
    """The last lines this night wrote (the log keeps every night, each after a ``---`` line)."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace").rsplit("\n--- ", 1)[-1]
    except OSError:
        return ""
    return " | ".join(line.strip() for line in text.strip().splitlines()[1:][-lines:])


def wait_for_start(kaizen_dir: Path, pid: int, before: set[str], log: Path, timeout: float = START_TIMEOUT) -> str | None:
    """The id of the night ``pid`` started, once it is in the history; None if it is still getting
    there after ``timeout``. A night that dies first is an error, with the end of its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = _known_runs(kaizen_dir) - before
        if new:
            return max(new)
        if not _alive(pid):
            raise KaizenError(f"the night did not start: {_log_tail(log) or 'no output'} (full log: {log})")
        time.sleep(0.1)
    return None


def run_with_dashboard(root: Path, night_argv: list[str]) -> int:
    root = git.repo_root(root)
    kaizen_dir = git.kaizen_dir(root)
    log = kaizen_dir / LOG_NAME
    before = _known_runs(kaizen_dir)
    with open(log, "ab") as handle:
        handle.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} {shlex.join(night_command(night_argv))}\n".encode())
    pid = proc.spawn_detached(night_command(night_argv), cwd=root, log=log, env={**os.environ, "CI": "1"})
    run_id = wait_for_start(kaizen_dir, pid, before, log)
    watch.show(kaizen_dir, run_id, replay=False)
    still = "goes on" if _alive(pid) else "has ended"
    print(f"the night {still} in the background (pid {pid}); `kaizen watch` attaches again; its output: {log}")
    return 0


def _tmux(*args: str) -> proc.ProcResult:
    try:
        return proc.run(["tmux", *args], timeout=30)
    except proc.CommandNotFound:
        raise KaizenError(
            "tmux is not installed, so `kaizen run --tmux` cannot open its session; install tmux "
            "(apt install tmux, brew install tmux) or use `kaizen run --dashboard`"
        ) from None


def run_in_tmux(root: Path, night_argv: list[str]) -> int:
    root = git.repo_root(root)
    kaizen_dir = git.kaizen_dir(root)
    if _tmux("has-session", "-t", f"={SESSION}").ok:
        raise KaizenError(f"a tmux session {SESSION} already exists; attach with `tmux attach -t {SESSION}` "
                          f"or end it with `tmux kill-session -t {SESSION}`")
    night = shlex.join(night_command(night_argv))
    dashboard = shlex.join([sys.executable, "-m", "kaizen", "watch", "--wait"])
    steps = (
        ("new-session", "-d", "-s", SESSION, "-x", "200", "-y", "50", "-c", str(root), "-n", "night", night),
        ("set-option", "-t", SESSION, "remain-on-exit", "on"),  # keep the night's last words on screen
        ("split-window", "-t", f"{SESSION}:0", "-v", "-c", str(root), dashboard),
        ("resize-pane", "-t", f"{SESSION}:0.0", "-y", "10"),
        ("select-pane", "-t", f"{SESSION}:0.1"),
    )
    for step in steps:
        result = _tmux(*step)
        if not result.ok:
            raise KaizenError(f"tmux {step[0]} failed: {result.stderr_tail() or result.returncode}")
    how = "tmux switch-client -t" if os.environ.get("TMUX") else "tmux attach -t"
    print(f"the night runs in tmux session {SESSION} (night above, dashboard below) in {root}")
    print(f"attach with: {how} {SESSION}   (detach: Ctrl-b d; the night goes on)")
    print(f"history: {history_path(kaizen_dir)}")
    return 0
