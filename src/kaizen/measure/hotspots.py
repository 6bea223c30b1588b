"""Where a benchmark's time went, per function of the source paths (pure: samples in, Profile out).

Time is attributed the way a person reads a flame graph of their own code. A source function's
*total* is every sample with it anywhere on the stack (counted once per sample, also under
recursion). Its *self* time is every sample where it is the deepest source function: time spent
in the standard library or third-party code it calls (``sorted()`` in its loop) is its own cost,
because that is the place a rewrite can change. Shares are fractions of the benchmark's wall time
(or of the sampled time, when parallel processes sampled more than the wall clock saw).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 1

IDENTIFIER_SEP = "\x00"
ATTRIBUTES_SEP = "\x01"


@dataclass(frozen=True)
class FunctionRef:
    path: str  # posix, relative to the repository root
    qualname: str
    line: int  # the `def` line (1 for module-level code)
    end_line: int


@dataclass(frozen=True)
class FunctionStats:
    path: str
    line: int
    end_line: int
    qualname: str
    total: float  # seconds with the function on the stack
    self_time: float  # seconds as the deepest source function (library calls included)
    total_share: float
    self_share: float
    calls: int | None  # exact count when counted with cProfile, else None

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Frame:
    """One frame of the flame graph, shared between stacks (speedscope's ``shared.frames``)."""

    name: str
    file: str
    line: int


@dataclass(frozen=True)
class ProcessStacks:
    """The distinct stacks (indices into ``Profile.frames``, root first) of one process, with seconds."""

    argv: str
    stacks: tuple[tuple[tuple[int, ...], float], ...]


@dataclass(frozen=True)
class RawProcess:
    """What one profiled process wrote: stacks of pyinstrument frame identifiers, root first."""

    argv: str
    cwd: str
    stacks: Sequence[tuple[Sequence[str], float]]


@dataclass(frozen=True)
class Profile:
    benchmark: str
    command: str
    created: str  # ISO 8601, UTC
    wall: float  # seconds, the profiled run as a whole
    sampled: float  # seconds of samples over every Python process
    processes: int  # Python processes profiled
    engine: str  # "stat_profile" (pyinstrument's sampler), "thread", "none"
    interval: float
    functions: tuple[FunctionStats, ...]  # hottest first
    frames: tuple[Frame, ...] = ()
    process_stacks: tuple[ProcessStacks, ...] = ()
    profiled: bool = True  # False: the benchmark failed under the profiler; wall is unprofiled
    calls_counted: bool = False
    warnings: tuple[str, ...] = ()
    schema_version: int = SCHEMA_VERSION

    @property
    def note(self) -> str | None:
        """Why the table is empty, in the user's words (None when it is not)."""
        if not self.profiled:
            return "not profiled (the benchmark fails under the profiler)"
        if self.processes == 0 or self.sampled == 0:
            return (
                "no Python frames: the benchmark ran no Python process that kaizen could profile "
                "(a Python started with -E or -I ignores the PYTHONPATH the profiler comes in by)"
            )
        if not self.functions:
            return "no time in the source paths: the Python that ran was outside them"
        return None

    def function_at(self, path: str, line: int) -> FunctionStats | None:
        """The innermost profiled function of ``path`` whose lines contain ``line``."""
        inside = [f for f in self.functions if f.path == path and f.line <= line <= f.end_line]
        return min(inside, key=lambda f: f.end_line - f.line, default=None)

    def function(self, path: str, qualname: str) -> FunctionStats | None:
        return next((f for f in self.functions if f.path == path and f.qualname == qualname), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "benchmark": self.benchmark,
            "command": self.command,
            "created": self.created,
            "wall": self.wall,
            "sampled": self.sampled,
            "processes": self.processes,
            "engine": self.engine,
            "interval": self.interval,
            "profiled": self.profiled,
            "calls_counted": self.calls_counted,
            "warnings": list(self.warnings),
            "note": self.note,
            "functions": [vars(f) | {"location": f.location} for f in self.functions],
            "frames": [[f.name, f.file, f.line] for f in self.frames],
            "processes_stacks": [
                {"argv": p.argv, "stacks": [[list(s), t] for s, t in p.stacks]} for p in self.process_stacks
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Profile:
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(f"profile schema_version {version!r}, this kaizen reads {SCHEMA_VERSION}")
        fields = set(FunctionStats.__dataclass_fields__)
        return cls(
            benchmark=data["benchmark"],
            command=data["command"],
            created=data["created"],
            wall=float(data["wall"]),
            sampled=float(data["sampled"]),
            processes=int(data["processes"]),
            engine=data["engine"],
            interval=float(data["interval"]),
            functions=tuple(FunctionStats(**{k: v for k, v in f.items() if k in fields}) for f in data["functions"]),
            frames=tuple(Frame(n, f, int(line)) for n, f, line in data["frames"]),
            process_stacks=tuple(
                ProcessStacks(p["argv"], tuple((tuple(s), float(t)) for s, t in p["stacks"]))
                for p in data["processes_stacks"]
            ),
            profiled=bool(data["profiled"]),
            calls_counted=bool(data["calls_counted"]),
            warnings=tuple(data["warnings"]),
        )


def parse_identifier(identifier: str) -> tuple[str, str, int, str | None]:
    """pyinstrument's ``name\\0file\\0line[\\1cClass][\\1lLine]`` → (name, file, first line, class)."""
    head, *attributes = identifier.split(ATTRIBUTES_SEP)
    name, _, rest = head.partition(IDENTIFIER_SEP)
    file, _, line = rest.partition(IDENTIFIER_SEP)
    klass = next((a[1:] for a in attributes if a.startswith("c")), None)
    try:
        first_line = int(line)
    except ValueError:
        first_line = 0
    return name, file, first_line, klass


# (file as the frame reports it, code name, first line, cwd of the process) → its source function
Locate = Callable[[str, str, int, str], FunctionRef | None]
# (file, cwd) → how to show the file in a flame graph (relative to the root when inside it)
ShowFile = Callable[[str, str], str]


def build_profile(
    raw: Sequence[RawProcess],
    locate: Locate,
    show_file: ShowFile,
    *,
    benchmark: str,
    command: str,
    created: str,
    wall: float,
    engine: str,
    interval: float,
    calls: Mapping[FunctionRef, int] | None = None,
    warnings: Iterable[str] = (),
) -> Profile:
    total: dict[FunctionRef, float] = {}
    own: dict[FunctionRef, float] = {}
    frames: dict[Frame, int] = {}
    processes: list[ProcessStacks] = []
    sampled = 0.0
    ref_cache: dict[tuple[str, str], FunctionRef | None] = {}
    frame_cache: dict[tuple[str, str], int] = {}

    for process in raw:
        stacks: list[tuple[tuple[int, ...], float]] = []
        for stack, seconds in process.stacks:
            sampled += seconds
            refs: list[FunctionRef] = []
            indices: list[int] = []
            for identifier in stack:
                key = (identifier.split(ATTRIBUTES_SEP, 1)[0], process.cwd)
                if key not in ref_cache:
                    name, file, first_line, klass = parse_identifier(identifier)
                    ref = locate(file, name, first_line, process.cwd) if not file.startswith("<") else None
                    ref_cache[key] = ref
                    shown = Frame(
                        ref.qualname if ref else (f"{klass}.{name}" if klass else name),
                        ref.path if ref else show_file(file, process.cwd),
                        first_line,
                    )
                    frame_cache[key] = frames.setdefault(shown, len(frames))
                ref = ref_cache[key]
                indices.append(frame_cache[key])
                if ref is not None:
                    refs.append(ref)
            stacks.append((tuple(indices), seconds))
            for ref in set(refs):  # once per sample, also when recursive
                total[ref] = total.get(ref, 0.0) + seconds
            if refs:
                own[refs[-1]] = own.get(refs[-1], 0.0) + seconds
        processes.append(ProcessStacks(process.argv, tuple(stacks)))

    for ref in calls or {}:
        total.setdefault(ref, 0.0)  # counted but never sampled: listed, with no time
    base = max(wall, sampled) or 1.0
    stats = [
        FunctionStats(
            path=ref.path,
            line=ref.line,
            end_line=ref.end_line,
            qualname=ref.qualname,
            total=seconds,
            self_time=own.get(ref, 0.0),
            total_share=min(1.0, seconds / base),
            self_share=min(1.0, own.get(ref, 0.0) / base),
            calls=calls.get(ref, 0) if calls is not None else None,
        )
        for ref, seconds in total.items()
    ]
    stats.sort(key=lambda s: (-s.total, -s.self_time, s.path, s.line))
    return Profile(
        benchmark=benchmark,
        command=command,
        created=created,
        wall=wall,
        sampled=sampled,
        processes=len(raw),
        engine=engine,
        interval=interval,
        functions=tuple(stats),
        frames=tuple(frames),
        process_stacks=tuple(processes),
        calls_counted=calls is not None,
        warnings=tuple(warnings),
    )
