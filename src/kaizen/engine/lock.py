"""One night per repository: ``.kaizen/lock`` holds the owner's pid; a lock whose process is gone
is stale and is replaced."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import psutil

from kaizen.errors import KaizenError

LOCK_NAME = "lock"


def _alive(pid: int, started: float | None) -> bool:
    if not psutil.pid_exists(pid):
        return False
    if started is None:
        return True
    try:  # a recycled pid belongs to a process that started after the lock was taken
        return bool(psutil.Process(pid).create_time() <= started + 1)
    except psutil.Error:
        return False


def holder(kaizen_dir: Path) -> dict[str, object] | None:
    path = kaizen_dir / LOCK_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def acquire(kaizen_dir: Path, run_id: str) -> Path:
    path = kaizen_dir / LOCK_NAME
    body = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "run_id": run_id, "since": time.time()})
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            owner = holder(kaizen_dir)
            raw_pid = owner.get("pid") if owner else None
            raw_since = owner.get("since") if owner else None
            pid = raw_pid if isinstance(raw_pid, int) else -1
            since = float(raw_since) if isinstance(raw_since, (int, float)) else None
            if pid > 0 and pid != os.getpid() and _alive(pid, since):
                raise KaizenError(
                    f"another kaizen night (pid {pid}, run {owner.get('run_id') if owner else '?'}) is running in this repository; "
                    "wait for it, watch it with `kaizen watch`, or stop it with Ctrl-C in its terminal"
                ) from None
            path.unlink(missing_ok=True)  # stale: its process is gone
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body)
        return path
    raise KaizenError(f"could not take the lock {path}; remove it if no kaizen is running")


def release(kaizen_dir: Path) -> None:
    owner = holder(kaizen_dir)
    if owner is None or owner.get("pid") == os.getpid():
        (kaizen_dir / LOCK_NAME).unlink(missing_ok=True)
