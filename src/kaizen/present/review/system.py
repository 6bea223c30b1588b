"""The machine and the night's processes as psutil sees them, sampled by the dashboard.

CPU percentages need two looks, so a ``SystemSampler`` keeps the previous counters (and the
``psutil.Process`` objects of the loop's tree) between calls; the first sample reads 0 % CPU.
The andon rules take a ``SystemSample`` value and stay pure.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil


@dataclass(frozen=True)
class ProcessInfo:
    pid: int
    name: str
    cpu_percent: float  # of one core
    rss: int


@dataclass(frozen=True)
class SystemSample:
    cpu_percent: float  # whole machine, 0–100
    cpu_count: int
    mem_percent: float
    mem_available: int
    mem_total: int
    disk_read_bps: float
    disk_write_bps: float
    disk_free: int | None
    loop_alive: bool | None  # None: no live night to watch
    tree: tuple[ProcessInfo, ...] = field(default=())  # the loop first, then its descendants

    @property
    def tree_cpu(self) -> float:
        return sum(p.cpu_percent for p in self.tree)

    @property
    def tree_rss(self) -> int:
        return sum(p.rss for p in self.tree)

    @property
    def others_cpu(self) -> float:
        """Machine CPU used by anything but the night, 0–100: what makes benchmarks noisy."""
        return max(0.0, self.cpu_percent - self.tree_cpu / max(1, self.cpu_count))

    @property
    def mem_free_fraction(self) -> float:
        return self.mem_available / self.mem_total if self.mem_total else 1.0


Sampler = Callable[[], SystemSample]


def is_kaizen(proc: psutil.Process) -> bool:
    """Guards against a recycled pid: the loop's command line names kaizen (unreadable: trust it)."""
    try:
        return any("kaizen" in part for part in proc.cmdline())
    except psutil.AccessDenied:
        return True
    except psutil.Error:
        return False


class SystemSampler:
    """``sampler()`` → a ``SystemSample``; ``pid`` is the loop's (``runs.pid``)."""

    def __init__(self, pid: int | None, disk_path: Path) -> None:
        self.disk_path = disk_path
        self.loop: psutil.Process | None = None
        if pid is not None:
            with contextlib.suppress(psutil.Error):
                proc = psutil.Process(pid)
                if is_kaizen(proc):
                    self.loop = proc
        self.watching = pid is not None
        self.known: dict[int, psutil.Process] = {}
        self.last_io: tuple[float, int, int] | None = None
        psutil.cpu_percent(interval=None)  # prime: the next call measures from now

    def __call__(self) -> SystemSample:
        mem = psutil.virtual_memory()
        read_bps = write_bps = 0.0
        io = psutil.disk_io_counters()
        now = time.monotonic()
        if io is not None:
            if self.last_io is not None:
                span = max(1e-3, now - self.last_io[0])
                read_bps = max(0, io.read_bytes - self.last_io[1]) / span
                write_bps = max(0, io.write_bytes - self.last_io[2]) / span
            self.last_io = (now, io.read_bytes, io.write_bytes)
        disk_free: int | None = None
        with contextlib.suppress(OSError):
            disk_free = int(psutil.disk_usage(str(self.disk_path)).free)
        alive, tree = self._tree()
        return SystemSample(
            cpu_percent=float(psutil.cpu_percent(interval=None)),
            cpu_count=psutil.cpu_count() or 1,
            mem_percent=float(mem.percent),
            mem_available=int(mem.available),
            mem_total=int(mem.total),
            disk_read_bps=read_bps,
            disk_write_bps=write_bps,
            disk_free=disk_free,
            loop_alive=alive,
            tree=tree,
        )

    def _tree(self) -> tuple[bool | None, tuple[ProcessInfo, ...]]:
        if not self.watching:
            return None, ()
        if self.loop is None or not self.loop.is_running():
            return False, ()
        try:
            procs = [self.loop, *self.loop.children(recursive=True)]
        except psutil.Error:
            return False, ()
        infos = []
        current: dict[int, psutil.Process] = {}
        for proc in procs:
            # Reuse the Process object seen last time: its cpu_percent() measures since then.
            proc = self.known.get(proc.pid, proc)
            current[proc.pid] = proc
            with contextlib.suppress(psutil.Error), proc.oneshot():
                infos.append(ProcessInfo(proc.pid, proc.name(), float(proc.cpu_percent(None)), int(proc.memory_info().rss)))
        self.known = current
        return True, tuple(infos)
