"""``kaizen run`` and ``kaizen resume``: the overnight loop in the current repository."""

from __future__ import annotations

import signal
from pathlib import Path

from kaizen import git
from kaizen.config import Config, load_config
from kaizen.engine import lock
from kaizen.engine.night import NightOptions
from kaizen.engine.session import execute, load_night, new_night
from kaizen.engine.states import State
from kaizen.errors import KaizenError
from kaizen.present import console as out
from kaizen.present.night import NightView


def checked_config(root: Path) -> Config:
    config = load_config(root)
    if config.tests is None:
        raise KaizenError(f"{config.path.name} has no `tests` command; kaizen only keeps rewrites that pass your tests: add e.g. tests = \"python -m pytest -q\"")
    if not config.benchmarks:
        raise KaizenError(f"{config.path.name} configures no benchmarks; add one under [tool.kaizen.benchmarks], e.g. main = \"python bench.py\"")
    if not config.source:
        raise KaizenError(f"{config.path.name} has no `source` paths; say where rewrites are allowed, e.g. source = [\"mypkg\"]")
    for path in config.source:
        if not (root / path).exists():
            raise KaizenError(f"source path {path!r} from {config.path.name} does not exist in {root}; fix the `source` key")
    return config


def run(cwd: Path, *, hours: float | None, max_iterations: int | None, resume: bool = False, allow_unverified: bool = False,
        quiet: bool = False, verbose: bool = False, seed: int = 0) -> int:
    root = git.repo_root(cwd)
    git.require_commits(root)
    config = checked_config(root)
    options = NightOptions(hours=hours if hours is not None else config.hours,
                           max_iterations=max_iterations if max_iterations is not None else config.max_iterations,
                           allow_unverified=allow_unverified, seed=seed)
    kdir = git.kaizen_dir(root)
    lock.acquire(kdir, "resume" if resume else "new")
    _interrupt_on_hangup()
    con = out.console(stderr=True)
    try:
        with NightView(con, quiet=quiet, verbose=verbose) as view:
            if resume:
                night = load_night(root, config, options, view.emit)
            else:
                if git.is_dirty(root):
                    view.emit("warn", "uncommitted changes are not included: kaizen works from the last commit (HEAD) and never touches your working tree")
                night = new_night(root, config, options, view.emit)
            print(night.branch, flush=True)
            code = execute(night, State.INITIALIZE)
        if code == 0:
            kept, rejected, reverted = _counts(kdir, night.run_id)
            undone = f" ({reverted} reverted after the final confirmation)" if reverted else ""
            con.print(f"night {night.run_id} done: {kept} kept{undone}, {rejected} rejected on branch {night.branch}")
            con.print(f"report: {kdir / 'reports' / night.run_id / 'KAIZEN_REPORT.md'}")
        return code
    finally:
        lock.release(kdir)


def _counts(kdir: Path, run_id: str) -> tuple[int, int, int]:
    from kaizen.record.history import history_path, open_readonly

    db = open_readonly(history_path(kdir))
    try:
        rows = {r["outcome"]: r["n"] for r in db.execute("SELECT outcome, COUNT(*) AS n FROM decisions WHERE run_id = ? GROUP BY outcome", (run_id,))}
        reverted = db.execute("SELECT COUNT(*) FROM decisions WHERE run_id = ? AND outcome = 'kept' AND confirmed = 0", (run_id,)).fetchone()[0]
    finally:
        db.close()
    return int(rows.get("kept", 0)), int(rows.get("rejected", 0)), int(reverted)


def night_argv(hours: float | None, max_iterations: int | None, allow_unverified: bool, seed: int) -> list[str]:
    """The `kaizen run` arguments for a night started in the background by the dashboard launchers."""
    argv = ["run", "--no-dashboard", "--seed", str(seed)]
    if hours is not None:
        argv += ["--hours", str(hours)]
    if max_iterations is not None:
        argv += ["--max-iterations", str(max_iterations)]
    if allow_unverified:
        argv.append("--allow-unverified")
    return argv


def _interrupt_on_hangup() -> None:
    """A closed terminal or tmux session (SIGHUP) or a polite kill (SIGTERM) ends the night like
    Ctrl-C: the candidate is rolled back and the night is marked interrupted, ready to resume."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for sig in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, interrupt)
