"""Human and jq-friendly views of a night, written atomically beside the history:
``optimization_state.json``, ``kaizen_metrics.json``, ``optimization_iterations.log`` and
``checkpoints/<timestamp>/``."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
STATE_FILE = "optimization_state.json"
METRICS_FILE = "kaizen_metrics.json"
ITERATIONS_LOG = "optimization_iterations.log"


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, doc: dict[str, Any]) -> None:
    write_atomic(path, json.dumps({"schema_version": SCHEMA_VERSION, **doc}, indent=2, default=str) + "\n")


def append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line.rstrip("\n") + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def checkpoint(kaizen_dir: Path, when: dt.datetime) -> Path:
    """Copy the current views into ``checkpoints/<timestamp>/`` (the history itself is durable)."""
    folder = kaizen_dir / "checkpoints" / when.strftime("%Y%m%dT%H%M%S")
    n = 1
    while folder.exists():
        n += 1
        folder = folder.with_name(f"{when:%Y%m%dT%H%M%S}-{n}")
    tmp = Path(tempfile.mkdtemp(prefix=".checkpoint-", dir=kaizen_dir))
    for name in (STATE_FILE, METRICS_FILE, ITERATIONS_LOG):
        if (kaizen_dir / name).exists():
            shutil.copy2(kaizen_dir / name, tmp / name)
    folder.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, folder)
    return folder
