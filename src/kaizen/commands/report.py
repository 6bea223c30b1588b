"""``kaizen report``: the morning report of a night (the last one unless ``--run``), from the history."""

from __future__ import annotations

import sys
from pathlib import Path

from kaizen import git
from kaizen.errors import KaizenError
from kaizen.present import report
from kaizen.record.history import history_path, latest_run_id, open_readonly


def pick_run(kaizen_dir: Path, run_id: str | None) -> str:
    """``run_id`` when given (checked), else the latest night in the history."""
    db = open_readonly(history_path(kaizen_dir))
    try:
        if run_id is None:
            found = latest_run_id(db)
            if found is None:
                raise KaizenError(f"the history in {kaizen_dir} holds no night yet; start one with `kaizen run`")
            return found
        if db.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
            known = ", ".join(r[0] for r in db.execute("SELECT id FROM runs ORDER BY started_at DESC LIMIT 5"))
            raise KaizenError(f"no night {run_id!r} in {history_path(kaizen_dir)} (latest: {known or 'none'}); pick one of those with --run")
        return run_id
    finally:
        db.close()


def run(cwd: Path, *, fmt: str, run_id: str | None, output: Path | None) -> int:
    kaizen_dir = git.repo_root(cwd) / git.KAIZEN_DIR
    chosen = pick_run(kaizen_dir, run_id)
    if output is None:
        md_path, html_path = report.write_reports(kaizen_dir, chosen)
        print(html_path if fmt == "html" else md_path)
        return 0
    db = open_readonly(history_path(kaizen_dir))
    try:
        text = report.render_html(db, chosen) if fmt == "html" else report.render_markdown(db, chosen)
    finally:
        db.close()
    if str(output) == "-":
        sys.stdout.write(text)
        return 0
    try:
        report.write_atomic(output, text)
    except OSError as exc:
        raise KaizenError(f"cannot write the report to {output}: {exc.strerror}; pick another --output") from exc
    print(output)
    return 0
