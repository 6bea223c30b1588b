"""Terminal output: rich when a person is watching, plain lines in CI or a pipe. NO_COLOR is honored
by rich itself; ``plain()`` decides between a live progress bar and one line per step."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


def console(stderr: bool = False) -> Console:
    con = Console(stderr=stderr, highlight=False, soft_wrap=False)
    if not con.is_terminal:
        con.width = max(con.width, 120)  # logs and pipes: don't squeeze tables into 80 columns
    return con


def plain(con: Console) -> bool:
    """True in CI or when output is not a terminal: no live displays, one line per event."""
    return bool(os.environ.get("CI")) or not con.is_terminal


class Steps:
    """Progress of a long job: a rich bar in a terminal, plain lines on stderr otherwise."""

    def __init__(self, con: Console, progress: Progress | None) -> None:
        self.con = con
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def start(self, key: str, description: str, total: int) -> None:
        if self.progress is not None:
            self.tasks[key] = self.progress.add_task(description, total=total)
        else:
            print(f"{description} …", file=sys.stderr, flush=True)

    def update(self, key: str, completed: int, total: int, note: str = "") -> None:
        if self.progress is not None and key in self.tasks:
            self.progress.update(self.tasks[key], completed=completed, total=total, description=f"{key} {note}".strip())
        elif note:
            print(f"  {key}: {completed}/{total} {note}", file=sys.stderr, flush=True)

    def done(self, key: str, message: str) -> None:
        if self.progress is not None and key in self.tasks:
            task = self.tasks[key]
            self.progress.update(task, completed=self.progress.tasks[task].total or 0, description=message)
        else:
            print(f"  {message}", file=sys.stderr, flush=True)

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress.console.print(message)
        else:
            print(message, file=sys.stderr, flush=True)


@contextmanager
def steps(con: Console | None = None) -> Iterator[Steps]:
    err = con or console(stderr=True)
    if plain(err):
        yield Steps(err, None)
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
    with bar:
        yield Steps(err, bar)
