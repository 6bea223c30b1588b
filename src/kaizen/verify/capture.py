"""Run the tests once with capture on for some functions; gather what every process recorded.

The recording itself happens in the project's processes (``_child/_kaizen_capture.py``); this
side writes the job, runs the tests, and merges the per-process files into one ``Captured`` per
function. The files hold only builtins and bytes: the user's objects stay pickled until a replay
process, running the project's code, unpickles them. kaizen never imports the project.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaizen.config import Command
from kaizen.verify.bootstrap import run_with_bootstrap

Shape = dict[str, dict[str, Any]]  # type name -> what was seen of values of that type
# Per function: distinct calls kept, bytes kept, largest single call, calls whose shapes are
# observed, values visited per call. Enough to replay a test suite's variety, small enough that
# capture costs the tests little.
LIMITS = {"max_calls": 64, "max_bytes": 4 << 20, "max_call_bytes": 512 << 10, "shape_calls": 1000, "shape_nodes": 5000}
_SAMPLES = 12


@dataclass(frozen=True)
class CapturedCall:
    input: bytes  # pickled (args, kwargs) before the call
    globals: bytes | None  # pickled {name: value} of the data globals the function read
    outcome: bytes | None  # pickled [outcome] as the tests saw it (None: could not be pickled)


@dataclass(frozen=True)
class Captured:
    """Everything recorded about one function during one test run (all processes merged)."""

    module: str
    qualname: str  # the function recorded
    status: str  # "patched", or why the function could not be wrapped
    calls: tuple[CapturedCall, ...] = ()
    seen: int = 0  # outermost calls made by the tests
    skipped: int = 0  # values that could not be pickled or were too large
    params: tuple[tuple[str, str], ...] = ()  # (name, inspect kind name)
    shapes: dict[str, Shape] = field(default_factory=dict)  # parameter -> shape
    global_shapes: dict[str, Shape] = field(default_factory=dict)  # global name -> shape
    pool: tuple[bytes, ...] = ()  # pickled objects the shapes refer to by index
    executable: str | None = None  # the interpreter that ran the tests
    sys_path: tuple[str, ...] = ()
    requested: str = ""  # the qualname asked for, when it differs (a nested function's outer one)

    @property
    def name(self) -> str:
        return f"{self.module}.{self.qualname}"

    @property
    def exact(self) -> bool:
        """Recorded the function asked for (not the function a nested one lives in)."""
        return not self.requested or self.requested == self.qualname


@dataclass(frozen=True)
class CaptureRun:
    functions: dict[tuple[str, str], Captured]
    notes: tuple[str, ...]


def run_capture(checkout: Path, tests: Command, targets: Sequence[tuple[str, str]], timeout: float, workdir: Path) -> CaptureRun:
    out = workdir / "capture"
    out.mkdir(parents=True, exist_ok=True)
    job = workdir / "capture.json"
    job.write_text(json.dumps({"targets": [list(t) for t in targets], "out": str(out), "limits": LIMITS}), encoding="utf-8")
    note = run_with_bootstrap(tests, checkout, timeout, KAIZEN_VERIFY_CAPTURE=str(job))
    notes = [f"capture run {note}"] if note else []
    dumps = []
    for path in sorted(out.glob("*.capture")):
        try:
            dumps.append(pickle.loads(path.read_bytes()))
        except Exception as exc:  # a process killed while writing; the others still count
            notes.append(f"unreadable capture file {path.name}: {exc}")
    functions = {(m, q): merge(m, q, dumps) for m, q in targets}
    if not dumps:
        notes.append("no Python process of the test command reported a capture")
    return CaptureRun(functions, tuple(notes))


def merge(module: str, qualname: str, dumps: list[dict[str, Any]]) -> Captured:
    """One function's records from every process that ran it, within the same limits."""
    status = "module never imported by the tests"
    recorded = qualname  # the enclosing function, when ``qualname`` is nested in one
    calls: list[CapturedCall] = []
    inputs: set[bytes] = set()
    seen = skipped = 0
    shapes: dict[str, Shape] = {}
    global_shapes: dict[str, Shape] = {}
    pool: list[bytes] = []
    params: tuple[tuple[str, str], ...] = ()
    executable: str | None = None
    sys_path: tuple[str, ...] = ()
    for dump in dumps:
        for t in dump["targets"]:
            if (t["module"], t.get("requested", t["qualname"])) != (module, qualname):
                continue
            recorded = t["qualname"]
            if t["status"] == "patched" or status.startswith("module never"):
                status = t["status"]
            if t["status"] != "patched":
                continue
            if executable is None or (t["seen"] and not seen):
                executable, sys_path = dump["executable"], tuple(dump["sys_path"])
            params = params or tuple((str(p[0]), str(p[1])) for p in t["params"])
            seen += t["seen"]
            skipped += t["skipped"]
            for call in t["calls"]:
                if call["input"] not in inputs and len(calls) < LIMITS["max_calls"]:
                    inputs.add(call["input"])
                    calls.append(CapturedCall(call["input"], call["globals"], call["outcome"]))
            offset = len(pool)
            pool.extend(t["pool"])
            for table, theirs in ((shapes, t["shapes"]), (global_shapes, t["global_shapes"])):
                for name, shape in theirs.items():
                    merge_shape(table.setdefault(name, {}), shape, offset)
    return Captured(module, recorded, status, tuple(calls), seen, skipped, params, shapes, global_shapes,
                    tuple(pool), executable, sys_path, requested=qualname)  # fmt: skip


def merge_shape(into: Shape, other: Shape, offset: int) -> None:
    """Add ``other`` (whose pool indices start at ``offset`` in the merged pool) to ``into``."""
    for name, info in other.items():
        mine = into.setdefault(name, {})
        if "samples" in info:
            samples = mine.setdefault("samples", [])
            for value in info["samples"]:
                if len(samples) < _SAMPLES and not any(type(s) is type(value) and s == value for s in samples):
                    samples.append(value)
        if "pool" in info:
            mine.setdefault("pool", []).extend(i + offset for i in info["pool"])
        for part in ("elem", "key", "value"):
            if part in info:
                merge_shape(mine.setdefault(part, {}), info[part], offset)
        if "records" in info:
            mine_records = mine.get("records", [])
            if mine_records is None or info["records"] is None:
                mine["records"] = None
                mine.pop("fields", None)
            else:
                mine["records"] = mine_records + [r for r in info["records"] if r not in mine_records]
                if len(mine["records"]) > 4:
                    mine["records"] = None
                    mine.pop("fields", None)
                else:
                    for key, theirs in info.get("fields", {}).items():
                        merge_shape(mine.setdefault("fields", {}).setdefault(key, {}), theirs, offset)
        if "max_len" in info:
            mine["max_len"] = max(mine.get("max_len", 0), info["max_len"])
        if "lens" in info:
            fresh = "positions" not in mine and not mine.get("lens")
            mine["lens"] = sorted(set(mine.get("lens", [])) | set(info["lens"]))
            if "positions" in info and (fresh or "positions" in mine) and len(mine["lens"]) == 1:
                positions = mine.setdefault("positions", [{} for _ in info["positions"]])
                for place, theirs in zip(positions, info["positions"], strict=False):
                    merge_shape(place, theirs, offset)
            elif len(mine["lens"]) > 1:
                mine.pop("positions", None)
