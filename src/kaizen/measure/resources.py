"""Don't measure garbage: pause benchmarking while other processes load the CPU or memory is short.

The load of *other* processes is the machine's busy CPU time minus kaizen's own tree (itself and
its children, live and reaped) over the same interval, so kaizen's own benchmark runs never count.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import psutil

CHECK_EVERY = 2.0  # seconds between looks; a look costs microseconds
PAUSE_STEP = 5.0
MAX_PAUSE = 600.0  # after this long, measure anyway (and say so) rather than stall the night


@dataclass(frozen=True)
class Load:
    other_cpu: float  # percent of the whole machine used by other processes
    available_memory: int  # bytes


def _own_cpu() -> float:
    me = psutil.Process(os.getpid())
    t = me.cpu_times()
    total = float(t.user + t.system + t.children_user + t.children_system)
    for child in me.children(recursive=True):
        try:
            ct = child.cpu_times()
            total += ct.user + ct.system
        except psutil.Error:
            continue
    return total


class ResourceGuard:
    def __init__(
        self,
        cpu_limit: float,
        min_memory: int = 256 * 2**20,
        on_pause: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cpu_limit = cpu_limit
        self.min_memory = min_memory
        self.on_pause = on_pause
        self.sleep = sleep
        self.clock = clock
        self.paused_seconds = 0.0
        self._last_check = -1e18
        self._mark = self._sample()

    def _sample(self) -> tuple[float, float, float]:
        busy = psutil.cpu_times()
        idle = busy.idle + getattr(busy, "iowait", 0.0)
        total = sum(busy)
        return total - idle, total, _own_cpu()

    def load(self) -> Load:
        busy, total, own = self._sample()
        b0, t0, o0 = self._mark
        self._mark = (busy, total, own)
        span = total - t0
        other = max(0.0, (busy - b0) - (own - o0))
        cpu = 100.0 * other / span if span > 0 else 0.0
        return Load(other_cpu=min(100.0, cpu), available_memory=int(psutil.virtual_memory().available))

    def wait_until_quiet(self) -> None:
        """Called before a benchmark run; returns at once on a quiet machine."""
        if self.cpu_limit >= 100 or self.clock() - self._last_check < CHECK_EVERY:
            return
        self._last_check = self.clock()
        waited = 0.0
        load = self.load()
        while load.other_cpu > self.cpu_limit or load.available_memory < self.min_memory:
            if waited >= MAX_PAUSE:
                if self.on_pause:
                    self.on_pause(f"machine still busy after {waited:.0f} s; measuring anyway (figures may be noisier)")
                return
            if self.on_pause and waited == 0:
                why = (f"other processes use {load.other_cpu:.0f}% CPU (limit {self.cpu_limit:.0f}%)"
                       if load.other_cpu > self.cpu_limit else f"only {load.available_memory / 2**20:.0f} MiB memory available")
                self.on_pause(f"pausing measurements: {why}")
            self.sleep(PAUSE_STEP)
            waited += PAUSE_STEP
            self.paused_seconds += PAUSE_STEP
            load = self.load()
