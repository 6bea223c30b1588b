"""What `kaizen run` shows while the night goes on: a live status line and the events in a
terminal; one plain line per event in CI or a pipe. Reads nothing; it is fed by the loop."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.status import Status

from kaizen.present.console import plain

_LEVEL_STYLE = {"info": "", "warn": "yellow", "error": "bold red"}


class NightView:
    def __init__(self, con: Console, *, quiet: bool = False, verbose: bool = False) -> None:
        self.con = con
        self.quiet = quiet
        self.verbose = verbose
        self.plain = plain(con)
        self.state = "INITIALIZE"
        self.iteration = 0
        self.kept = 0
        self.started = time.monotonic()
        self.status: Status | None = None

    def __enter__(self) -> NightView:
        if not self.plain and not self.quiet:
            self.status = self.con.status(self._line())
            self.status.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.status is not None:
            self.status.stop()

    def _line(self) -> str:
        minutes = (time.monotonic() - self.started) / 60
        return f"[bold]{self.state}[/] · iteration {self.iteration} · kept {self.kept} · {minutes:.1f} min"

    def emit(self, level: str, message: str) -> None:
        if level == "state":
            self.state = message
            if self.verbose and self.plain:
                print(f"[state] {message}", file=sys.stderr, flush=True)
        else:
            if message.startswith("iteration "):
                self.iteration = int(message.split()[1].rstrip(":"))
            if message.startswith("kept "):
                self.kept += 1
            if not self.quiet or level == "error":
                stamp = time.strftime("%H:%M:%S")
                if self.plain:
                    print(f"{stamp} {level:5} {message}", file=sys.stderr, flush=True)
                else:
                    style = _LEVEL_STYLE.get(level, "")
                    self.con.print(f"[dim]{stamp}[/] [{style}]{message}[/]" if style else f"[dim]{stamp}[/] {message}", markup=True, highlight=False)
        if self.status is not None:
            self.status.update(self._line())
