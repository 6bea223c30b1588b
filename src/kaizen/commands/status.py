"""``kaizen status``: the state of the current or last night, from the history (read-only)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from kaizen import git
from kaizen.errors import KaizenError
from kaizen.present import console as out
from kaizen.record.history import history_path, latest_run_id, open_readonly

SCHEMA_VERSION = 1


def gather(root: Path) -> dict[str, Any]:
    path = history_path(root / git.KAIZEN_DIR)
    if not path.exists():
        raise KaizenError("no kaizen night in this repository yet; start one with `kaizen run`")
    db = open_readonly(path)
    try:
        run_id = latest_run_id(db)
        if run_id is None:
            raise KaizenError("no kaizen night in this repository yet; start one with `kaizen run`")
        run = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        counts = {r["outcome"]: r["n"] for r in db.execute("SELECT outcome, COUNT(*) AS n FROM decisions WHERE run_id = ? GROUP BY outcome", (run_id,))}
        last = db.execute("SELECT MAX(at) AS at FROM events WHERE run_id = ?", (run_id,)).fetchone()["at"]
    finally:
        db.close()
    status = str(run["status"])
    if status == "running" and not psutil.pid_exists(int(run["pid"] or 0)):
        status = "interrupted"  # killed without a chance to say so: `kaizen resume` continues it
    end = run["finished_at"] or (time.time() if status == "running" else (last or run["started_at"]))
    return {
        "schema_version": SCHEMA_VERSION, "run_id": run_id, "status": status, "state": run["state"],
        "iteration": run["iteration"], "max_iterations": run["max_iterations"], "elapsed_s": round(float(end) - float(run["started_at"]), 1),
        "kept": int(counts.get("kept", 0)), "rejected": int(counts.get("rejected", 0)), "branch": run["branch"],
        "start_sha": run["start_sha"], "best_sha": run["best_sha"], "stop_reason": run["stop_reason"],
    }


def run(cwd: Path, fmt: str) -> int:
    root = git.repo_root(cwd)
    info = gather(root)
    if fmt == "json":
        sys.stdout.write(json.dumps(info, indent=2) + "\n")
        return 0
    con = out.console()
    con.print(f"run {info['run_id']}: [bold]{info['status']}[/] in {info['state']}, iteration {info['iteration']} of {info['max_iterations']}, "
              f"{info['elapsed_s'] / 60:.1f} min")
    con.print(f"kept {info['kept']}, rejected {info['rejected']} on branch {info['branch']}")
    if info["stop_reason"]:
        con.print(f"stopped because: {info['stop_reason']}")
    if info["status"] == "interrupted":
        con.print("continue it with `kaizen resume`")
    return 0
