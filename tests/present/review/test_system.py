"""The system pane's sampler on real processes: the loop's tree, its end, and a recycled pid."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil

from kaizen.present.review.system import SystemSampler

# A stand-in for the loop: its command line names kaizen, and it runs a child (a "benchmark").
LOOP = "import subprocess, sys, time; c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"


def test_samples_the_loop_and_its_children_until_it_ends(tmp_path: Path) -> None:
    loop = subprocess.Popen([sys.executable, "-c", LOOP, "kaizen", "run"])
    try:
        sampler = SystemSampler(loop.pid, tmp_path)
        deadline = time.monotonic() + 20
        sample = sampler()
        while len(sample.tree) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            sample = sampler()
        assert sample.loop_alive is True
        assert sample.tree[0].pid == loop.pid and len(sample.tree) == 2
        assert sample.tree_rss > 1 << 20 and sample.mem_total > 0 and sample.cpu_count >= 1
        assert sample.disk_free is not None and sample.disk_free > 0
        assert 0 <= sample.others_cpu <= 100
    finally:
        for child in psutil.Process(loop.pid).children(recursive=True):
            child.kill()
        loop.kill()
        loop.wait()
    assert sampler().loop_alive is False


def test_a_pid_that_is_not_kaizen_is_not_the_loop(tmp_path: Path) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        sample = SystemSampler(other.pid, tmp_path)()
        assert sample.loop_alive is False and sample.tree == ()
    finally:
        other.kill()
        other.wait()


def test_no_pid_means_nothing_to_watch(tmp_path: Path) -> None:
    sample = SystemSampler(None, tmp_path)()
    assert sample.loop_alive is None and sample.tree == ()
