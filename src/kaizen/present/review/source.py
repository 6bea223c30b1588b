"""Where the dashboard gets its night: the repo's history, re-read on every refresh.

Without a run id it follows the latest night, so a dashboard opened before ``kaizen run`` has
written anything shows "waiting" and then attaches by itself. The connection is read-only with a
short busy timeout: a refresh that would wait is skipped rather than freezing the screen.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kaizen.errors import KaizenError
from kaizen.present.review.snapshot import Night, read_night
from kaizen.record.history import history_path, latest_run_id, open_readonly

EVENTS_TAIL = 200  # the activity pane shows the tail; the report reads everything


class HistorySource:
    def __init__(self, kaizen_dir: Path, run_id: str | None = None) -> None:
        self.kaizen_dir = kaizen_dir
        self.path = history_path(kaizen_dir)
        self.run_id = run_id
        self.db: sqlite3.Connection | None = None
        self.last: Night | None = None

    def __call__(self) -> Night | None:
        """The night now; the previous one when the history is busy; None before there is one."""
        if not self.path.exists():
            return self.last
        try:
            if self.db is None:
                self.db = open_readonly(self.path)
                self.db.execute("PRAGMA busy_timeout = 200")
            run_id = self.run_id or latest_run_id(self.db)
            if run_id is None:
                return None
            self.last = read_night(self.db, run_id, events_tail=EVENTS_TAIL)
        except sqlite3.OperationalError:
            pass  # locked for a moment, or the loop is still creating the schema: keep the last view
        except KaizenError:
            if self.run_id is not None:
                raise
        return self.last

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
