"""A private tmux server for tests: ``send-keys`` types, ``capture-pane`` reads.

Each test gets its own server (``TMUX_TMPDIR``), so a developer's sessions are never touched.
tmux is required: the tests fail, with the reason, where it is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator

import pytest

Tmux = Callable[..., str]


@pytest.fixture
def tmux(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed; these tests drive the dashboard through it: install tmux (apt-get install tmux)")
    # A short private socket directory: unix socket paths are limited to ~100 bytes.
    sockets = tempfile.mkdtemp(prefix="kzt", dir="/tmp")
    monkeypatch.setenv("TMUX_TMPDIR", sockets)
    monkeypatch.delenv("TMUX", raising=False)

    def run(*args: str) -> str:
        out = subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=30)
        if out.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)}: {out.stderr.strip()}")
        return out.stdout

    yield run
    subprocess.run(["tmux", "kill-server"], capture_output=True, timeout=30)
    shutil.rmtree(sockets, ignore_errors=True)


def wait_for(tmux: Tmux, pane: str, *texts: str, timeout: float = 60.0) -> str:
    """The pane's screen once it shows every one of ``texts``."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", pane)
        if all(t in screen for t in texts):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{pane} never showed {texts} in {timeout:.0f}s; last screen:\n{screen}")
