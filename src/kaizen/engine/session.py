"""Start, resume and execute a night: the history row, the branch, the driver, and what happens on
Ctrl-C, a user error or a full disk (roll back the candidate, checkpoint, leave the branch
consistent: a commit is on the branch only once ``git update-ref`` moved it there)."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from kaizen import git
from kaizen.analyze.rank import Weights
from kaizen.config import Config
from kaizen.engine.driver import drive
from kaizen.engine.night import Baseline, Night, NightOptions
from kaizen.engine.states import Outcome, State
from kaizen.errors import ExitCode, KaizenError
from kaizen.measure.resources import ResourceGuard
from kaizen.record.history import History, history_path

Emit = Callable[[str, str], None]


def _transition(night: Night) -> Callable[[State, State, Outcome], None]:
    def record(old: State, new: State, outcome: Outcome) -> None:
        now = time.time()
        night.history.insert("transitions", run_id=night.run_id, at=now, from_state=str(old), to_state=str(new),
                             iteration=night.iteration, note=str(outcome))
        night.history.update("runs", {"id": night.run_id}, state=str(new), state_since=now, iteration=night.iteration)
        night.emit("state", str(new))

    return record


def new_night(root: Path, config: Config, options: NightOptions, emit: Emit, clock: Callable[[], float] = time.monotonic) -> Night:
    kdir = git.kaizen_dir(root)
    run_id = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    start = git.head(root)
    branch = git.free_branch_name(root, dt.date.today())
    history = History(history_path(kdir))
    while history.rows("SELECT 1 FROM runs WHERE id = ?", run_id):
        run_id += "b"
    git.create_branch(root, branch, start)
    now = time.time()
    settings = {"hours": options.hours, "max_iterations": options.max_iterations, "alpha": config.alpha,
                "improvement_threshold": config.improvement_threshold, "max_pairs": config.max_pairs,
                "benchmarks": {b.name: b.runnable.display for b in config.benchmarks.values()},
                "tests": config.tests.display if config.tests else None, "source": list(config.source),
                "stall_minutes": config.stall_minutes, "cpu_limit": config.cpu_limit, "memory_margin": config.memory_margin,
                "checkpoint_interval": config.checkpoint_interval}
    history.insert("runs", id=run_id, repo=str(root), branch=branch, start_sha=start, best_sha=start, started_at=now,
                   status="running", state=str(State.INITIALIZE), state_since=now, iteration=0,
                   max_iterations=options.max_iterations, budget_seconds=options.hours * 3600, pid=os.getpid(),
                   config=json.dumps(settings))
    night = Night(root=root, kdir=kdir, config=config, history=history, run_id=run_id, branch=branch, start_sha=start,
                  best_sha=start, options=options, clock=clock, emit=emit, threshold=config.improvement_threshold)
    night.started_at = clock()
    night.last_checkpoint = clock()
    return night


def resumable_run(history: History) -> sqlite3.Row | None:
    rows = history.rows("SELECT * FROM runs WHERE status IN ('running', 'interrupted', 'failed') ORDER BY started_at DESC LIMIT 1")
    if not rows:
        return None
    row = rows[0]
    if row["status"] == "failed" and row["stop_reason"] and "disk" not in str(row["stop_reason"]):
        return None
    return row


def load_night(root: Path, config: Config, options: NightOptions, emit: Emit, clock: Callable[[], float] = time.monotonic) -> Night:
    """Rebuild a night from its history after an interruption or a kill."""
    kdir = git.kaizen_dir(root)
    path = history_path(kdir)
    if not path.exists():
        raise KaizenError("nothing to resume: this repository has no kaizen history; start a night with `kaizen run`")
    history = History(path)
    row = resumable_run(history)
    if row is None:
        raise KaizenError("nothing to resume: the last kaizen night finished; start a new one with `kaizen run`")
    run_id, branch = str(row["id"]), str(row["branch"])
    if not git.branch_exists(root, branch):
        raise KaizenError(f"cannot resume run {run_id}: its branch {branch} no longer exists; start a new night with `kaizen run`")
    tip = git.branch_sha(root, branch)
    night = Night(root=root, kdir=kdir, config=config, history=history, run_id=run_id, branch=branch,
                  start_sha=str(row["start_sha"]), best_sha=tip, options=options, clock=clock, emit=emit,
                  threshold=config.improvement_threshold)
    _reconcile(night)
    for b in history.rows("SELECT * FROM baselines WHERE run_id = ?", run_id):
        night.baseline[str(b["benchmark"])] = Baseline(float(b["median_s"]), int(b["peak_rss"]), float(b["noise_floor"]), tuple(json.loads(b["aa"])))
    for p in history.rows("SELECT name, new FROM parameters WHERE run_id = ? ORDER BY id", run_id):
        if p["name"] == "improvement_threshold":
            night.threshold = float(p["new"])
        elif str(p["name"]).startswith("weight."):
            night.weights = Weights(**{**night.weights.__dict__, str(p["name"])[7:]: float(p["new"])})
    for d in history.rows("SELECT d.outcome, d.pairs, c.key, c.pattern_id FROM decisions d JOIN candidates c ON c.id = d.candidate_id WHERE d.run_id = ?", run_id):
        night.tried.add(str(d["key"]))
        k, r = night.pattern_record.get(str(d["pattern_id"]), (0, 0))
        night.pattern_record[str(d["pattern_id"])] = (k + 1, r) if d["outcome"] == "kept" else (k, r + 1)
        night.discoveries += d["outcome"] == "kept"
        night.tested += d["pairs"] is not None
    history.db.execute("UPDATE candidates SET status = 'found' WHERE run_id = ? AND status = 'trying'", (run_id,))
    last = history.rows("SELECT MAX(at) AS at FROM events WHERE run_id = ?", run_id)[0]["at"] or row["started_at"]
    night.iteration = int(row["iteration"])
    night.checked_at_discoveries = night.discoveries
    night.started_at = clock() - max(0.0, float(last) - float(row["started_at"]))
    night.last_checkpoint = clock()
    history.update("runs", {"id": run_id}, status="running", pid=os.getpid(), best_sha=tip, stop_reason=None)
    night.say("info", f"resuming run {run_id} on {branch} at iteration {night.iteration} ({night.discoveries} kept so far)")
    return night


def _reconcile(night: Night) -> None:
    """A kill between `git update-ref` and the history write leaves a commit on the branch that the
    history does not know: record it as kept, so that it is neither lost nor tried again."""
    recorded = {str(r["commit_sha"]) for r in night.history.rows("SELECT commit_sha FROM decisions WHERE run_id = ? AND commit_sha IS NOT NULL", night.run_id)}
    for sha in git.log_shas(night.root, night.start_sha, night.best_sha):
        if sha in recorded:
            continue
        message = git.commit_message(night.root, sha)
        trying = night.history.rows("SELECT id, iteration FROM candidates WHERE run_id = ? AND status = 'trying' ORDER BY id DESC LIMIT 1", night.run_id)
        if not trying:
            continue
        cand = int(trying[0]["id"])
        night.history.insert("decisions", run_id=night.run_id, candidate_id=cand, iteration=int(trying[0]["iteration"] or 0),
                             outcome="kept", reason="faster (recovered after an interruption)", commit_sha=sha, at=time.time(),
                             evidence={"message": message})
        night.history.update("candidates", {"id": cand}, status="kept")
        night.say("info", f"recovered kept commit {sha[:10]} that the interruption left unrecorded")


def execute(night: Night, start: State) -> int:
    """Walk the states to COMPLETE. Returns the exit code."""
    night.guard = ResourceGuard(night.config.cpu_limit, on_pause=lambda m: night.say("warn", m))
    try:
        drive(night, start, clock=night.clock, stall_seconds=night.config.stall_minutes * 60, on_transition=_transition(night))
    except KeyboardInterrupt:
        _interrupted(night)
        return int(ExitCode.INTERRUPTED)
    except KaizenError as exc:
        _stop(night, "failed", exc.message)
        raise
    except (sqlite3.OperationalError, OSError) as exc:
        if isinstance(exc, OSError) and exc.errno != errno.ENOSPC and "full" not in str(exc):
            raise
        _stop(night, "failed", f"disk full: {exc}")
        raise KaizenError(f"the disk is full ({exc}); the branch {night.branch} is consistent up to its last commit; free some space and run `kaizen resume`") from None
    finally:
        night.history.close()
    return int(ExitCode.OK)


def _cleanup_worktrees(night: Night) -> None:
    for path in (night.best_dir, night.cand_dir):
        if path is not None:
            with contextlib.suppress(KaizenError):
                git.remove_worktree(night.root, path)


def _interrupted(night: Night) -> None:
    try:
        if night.current is not None:
            night.history.update("candidates", {"id": night.current.row}, status="found")
            night.current = None
        night.history.update("runs", {"id": night.run_id}, status="interrupted", stop_reason="interrupted (Ctrl-C)")
        night.say("warn", "interrupted: the candidate in progress was rolled back; continue with `kaizen resume`")
        night.checkpoint()
    finally:
        _cleanup_worktrees(night)


def _stop(night: Night, status: str, reason: str) -> None:
    try:
        night.history.update("runs", {"id": night.run_id}, status=status, stop_reason=reason, finished_at=time.time())
        night.say("error", reason)
    except sqlite3.Error:
        pass
    finally:
        _cleanup_worktrees(night)
        if night.discoveries == 0 and night.iteration <= 1:
            # failed before keeping anything: don't leave an empty branch behind
            git.delete_branch_if_at(night.root, night.branch, night.start_sha)
