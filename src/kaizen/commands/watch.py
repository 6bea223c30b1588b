"""``kaizen watch``: attach the dashboard to the night in this repository, or replay one with --run."""

from __future__ import annotations

from pathlib import Path

from kaizen import git
from kaizen.commands.report import pick_run
from kaizen.errors import KaizenError
from kaizen.record.history import history_path


def run(cwd: Path, *, run_id: str | None, wait: bool = False) -> int:
    """``wait``: the night is being started right now (``kaizen run --dashboard``), so a missing
    history means "not yet" rather than "never"."""
    kaizen_dir = git.repo_root(cwd) / git.KAIZEN_DIR
    if not wait and not history_path(kaizen_dir).exists():
        raise KaizenError(f"no kaizen night in {kaizen_dir.parent} yet (no {history_path(kaizen_dir)}); start one with `kaizen run`")
    if run_id is not None:
        run_id = pick_run(kaizen_dir, run_id)
    return show(kaizen_dir, run_id, replay=run_id is not None)


def show(kaizen_dir: Path, run_id: str | None, *, replay: bool) -> int:
    """The dashboard on ``run_id`` (None: the latest night, following a newer one when it starts)."""
    from kaizen.present.review.source import HistorySource
    from kaizen.present.tui.app import WatchApp  # textual loads only for this verb

    source = HistorySource(kaizen_dir, run_id)
    try:
        WatchApp(source, kaizen_dir, replay=replay).run()
    finally:
        source.close()
    return 0
