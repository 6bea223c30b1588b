"""The subprocess door: exit codes, bounded output, timeouts that kill the whole group, own figures."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from kaizen import proc


def test_exit_code_output_and_times() -> None:
    r = proc.run([sys.executable, "-c", "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"])
    assert r.returncode == 3 and not r.ok
    assert r.stdout.strip() == "out" and r.stderr.strip() == "err"
    assert r.wall > 0 and not r.timed_out


def test_missing_program_raises_command_not_found() -> None:
    with pytest.raises(proc.CommandNotFound):
        proc.run(["definitely-not-a-program-kz"])
    with pytest.raises(proc.CommandNotFound):
        proc.run(["definitely-not-a-program-kz"], measure=True)


def test_shell_commands_and_cwd_env(tmp_path: Path) -> None:
    r = proc.run("echo $KZ_VALUE; pwd", shell=True, cwd=tmp_path, env={**os.environ, "KZ_VALUE": "hello"})
    assert r.stdout.split() == ["hello", str(tmp_path)]


def test_output_is_bounded_to_the_tail() -> None:
    r = proc.run([sys.executable, "-c", "print('x' * 200000); print('END')"], output_limit=1000)
    assert r.stdout_truncated and len(r.stdout) <= 1000 and r.stdout.rstrip().endswith("END")


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "grandchild.pid"
    script = f"sleep 60 & echo $! > {marker}; wait"
    start = time.monotonic()
    r = proc.run(script, shell=True, timeout=1.0)
    assert r.timed_out and r.returncode < 0
    assert time.monotonic() - start < 30
    pid = int(marker.read_text())
    time.sleep(0.2)
    # the grandchild is gone (or a zombie waiting for init): it no longer runs
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        state = "gone"
    assert state in ("gone", "Z", "X")


def test_measured_runs_report_the_commands_own_peak_rss() -> None:
    ballast = bytearray(200 * 2**20)  # kaizen's own size must not leak into the child's figure
    small = proc.run([sys.executable, "-c", "pass"], measure=True)
    big = proc.run([sys.executable, "-c", "x = bytearray(120 * 2**20); x[::4096] = b'1' * len(x[::4096])"], measure=True)
    assert small.peak_rss < 100 * 2**20
    assert big.peak_rss - small.peak_rss > 100 * 2**20
    assert big.cpu > 0
    del ballast


def test_measured_runs_keep_signals_and_exit_codes() -> None:
    assert proc.run("kill -9 $$", shell=True, measure=True).returncode == -9
    assert proc.run([sys.executable, "-c", "raise SystemExit(7)"], measure=True).returncode == 7
    slow = proc.run([sys.executable, "-c", "import time; time.sleep(30)"], measure=True, timeout=0.5)
    assert slow.timed_out


def test_stdin_is_fed() -> None:
    r = proc.run([sys.executable, "-c", "import sys; print(sys.stdin.read().upper())"], stdin_data=b"abc")
    assert r.stdout.strip() == "ABC"
