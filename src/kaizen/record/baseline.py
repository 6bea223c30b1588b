"""The stored results of a gate run (``--save-baseline``), read back by ``--baseline-file``.

A versioned JSON file: the head's raw samples (wall seconds and peak RSS per run, import µs), the
commit they were taken on, and where and when, so a later comparison can say how far apart the
two sessions were. Written atomically (temp file + ``os.replace``).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaizen.errors import KaizenError

SCHEMA_VERSION = 1
KIND = "kaizen-gate-baseline"


@dataclass(frozen=True)
class StoredBenchmark:
    command: str
    wall: tuple[float, ...]
    peak_rss: tuple[int, ...]


@dataclass(frozen=True)
class Baseline:
    sha: str
    created: str  # ISO 8601, UTC
    machine: str  # platform and Python, to say when the two sessions differ
    benchmarks: dict[str, StoredBenchmark]
    import_modules: tuple[str, ...] = ()
    import_us: tuple[float, ...] = ()


def to_json(baseline: Baseline) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        "sha": baseline.sha,
        "created": baseline.created,
        "machine": baseline.machine,
        "benchmarks": {
            name: {"command": b.command, "wall": list(b.wall), "peak_rss": list(b.peak_rss)}
            for name, b in sorted(baseline.benchmarks.items())
        },
        "imports": {"modules": list(baseline.import_modules), "us": list(baseline.import_us)},
    }


def save(path: Path, baseline: Baseline) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(to_json(baseline), handle, indent=2)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path) -> Baseline:
    what = f"baseline file {path}"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KaizenError(f"{what} does not exist; write one with `kaizen gate --base REV --save-baseline {path}`") from None
    except (OSError, ValueError) as exc:
        raise KaizenError(f"cannot read {what} ({exc}); write a fresh one with --save-baseline") from None
    if not isinstance(doc, dict) or doc.get("kind") != KIND:
        raise KaizenError(f"{what} is not a kaizen gate baseline; write one with --save-baseline")
    if doc.get("schema_version") != SCHEMA_VERSION:
        raise KaizenError(
            f"{what} has schema_version {doc.get('schema_version')!r}, this kaizen reads {SCHEMA_VERSION}; "
            "write a fresh one with --save-baseline"
        )
    try:
        benchmarks = {
            str(name): StoredBenchmark(
                command=str(b["command"]),
                wall=tuple(float(t) for t in b["wall"]),
                peak_rss=tuple(int(r) for r in b["peak_rss"]),
            )
            for name, b in doc["benchmarks"].items()
        }
        imports = doc.get("imports") or {}
        return Baseline(
            sha=str(doc["sha"]),
            created=str(doc["created"]),
            machine=str(doc["machine"]),
            benchmarks=benchmarks,
            import_modules=tuple(str(m) for m in imports.get("modules", [])),
            import_us=tuple(float(u) for u in imports.get("us", [])),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise KaizenError(f"{what} is damaged ({type(exc).__name__}: {exc}); write a fresh one with --save-baseline") from None
