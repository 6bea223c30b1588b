"""``.kaizen/control.json``: the one thing the dashboard writes. ``{"paused": true}`` asks the loop
to wait at its next safe point; the loop only reads it, so a dashboard can never block the night."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

CONTROL_FILE = "control.json"


def control_path(kaizen_dir: Path) -> Path:
    return kaizen_dir / CONTROL_FILE


def read_paused(kaizen_dir: Path) -> bool:
    """A missing or unreadable file means "not paused": the loop reads it the same way."""
    try:
        data = json.loads(control_path(kaizen_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(data.get("paused")) if isinstance(data, dict) else False


def write_paused(kaizen_dir: Path, paused: bool) -> None:
    """Atomically (temp + os.replace): the loop must never read half a file."""
    path = control_path(kaizen_dir)
    fd, tmp = tempfile.mkstemp(dir=kaizen_dir, prefix=".control.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"paused": paused}, handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
