"""``kaizen watch``: the night at a glance. Reads the history once a second and draws eight panes.

It never decides and never waits on the loop: a refresh reads a snapshot (read-only, WAL) and a
psutil sample and redraws; the only file it writes is the pause control file. Quitting leaves the
night running. Wide terminals get a 3-column grid; below 110×34 the panes stack two abreast and
the grid scrolls, with the state machine and the andon board first.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, TypeVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer, VerticalScroll
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Footer, Static

from kaizen.present.report.render import HTML_NAME, report_dir
from kaizen.present.review import board, control, figures
from kaizen.present.review.snapshot import Night
from kaizen.present.review.system import Sampler, SystemSample, SystemSampler
from kaizen.present.tui import render
from kaizen.present.tui.help import HelpScreen
from kaizen.present.tui.trend import TrendPlot

Source = Callable[[], Night | None]
SamplerFactory = Callable[[Night], Sampler | None]
W = TypeVar("W", bound=Widget)
NARROW = (110, 34)  # below this width or height: two columns and a scrolling grid

CSS = """
Screen { layout: vertical; }
#header { height: 1; background: $panel; }
#grid { layout: grid; grid-size: 3; grid-columns: 1fr 1fr 1fr; grid-rows: 14 12 1fr; height: 1fr; }
#grid > * { height: 1fr; border: round $primary-darken-1; border-title-color: $text; border-title-style: bold; padding: 0 1; }
#log { column-span: 2; }
#activity { scrollbar-size-vertical: 1; }
#activity-text { height: auto; }
Screen.narrow #grid { grid-size: 2; grid-columns: 1fr 1fr; grid-rows: 14 12 12 12 12; height: 1fr; overflow-y: auto; }
Screen.narrow #activity { column-span: 2; }
"""


def default_sampler(kaizen_dir: Path) -> SamplerFactory:
    def make(night: Night) -> Sampler | None:
        if not night.run.running:
            return None
        return SystemSampler(night.run.pid, kaizen_dir)

    return make


def has_desktop() -> bool:
    """Opening a browser without a desktop would start a text browser in this very terminal."""
    return sys.platform == "darwin" or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class WatchApp(App[None]):
    TITLE = "kaizen watch"
    ENABLE_COMMAND_PALETTE = False
    CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "quit (the night goes on)"),
        Binding("p", "pause", "pause/resume"),
        Binding("r", "report", "report"),
        Binding("question_mark", "help", "help", key_display="?"),
    ]

    def __init__(self, source: Source, kaizen_dir: Path, *, replay: bool = False, clock: Callable[[], float] = time.time,
                 sampler_factory: SamplerFactory | None = None, interval: float = 1.0) -> None:
        super().__init__()
        self.source = source
        self.kaizen_dir = kaizen_dir
        self.replay = replay
        self.clock = clock
        self.sampler_factory = sampler_factory or default_sampler(kaizen_dir)
        self.interval = interval
        self.night: Night | None = None
        self.sampler: Sampler | None = None
        self.sampled: tuple[str, int | None] | None = None  # (run, loop pid) the sampler watches
        self.sample: SystemSample | None = None
        self.last_event = 0
        self.ready = False  # a Resize can arrive before the panes exist

    def compose(self) -> ComposeResult:
        # Kept as attributes: the app's query_one would search the help screen while it is open.
        self.panes = {name: _titled(Static(id=name), title) for name, title in (
            ("state", "State machine"), ("andon", "Andon"), ("performance", "Performance"),
            ("bottlenecks", "Bottlenecks & complexity"), ("log", "Kaizen log"), ("system", "System"))}
        self.header = Static(id="header")
        self.trend = _titled(TrendPlot(id="trend"), "Trend: time saved")
        self.activity = _titled(VerticalScroll(id="activity"), "Activity")
        self.activity_text = Static(id="activity-text")
        yield self.header
        with ScrollableContainer(id="grid"):
            yield from (self.panes[name] for name in ("state", "andon", "performance", "bottlenecks", "log"))
            yield self.trend
            yield self.panes["system"]
            with self.activity:
                yield self.activity_text
        yield Footer()

    def on_mount(self) -> None:
        self.activity.anchor()
        self.ready = True
        self._layout_for(self.size.width, self.size.height)
        self.night = self.source()  # the keys work from the first moment; the panes draw once laid out
        self.call_after_refresh(self.refresh_night)
        self.set_interval(self.interval, self.refresh_night)

    def on_resize(self, event: Resize) -> None:
        self._layout_for(event.size.width, event.size.height)
        self.call_after_refresh(self.refresh_night)

    def _layout_for(self, width: int, height: int) -> None:
        self.screen.set_class(width < NARROW[0] or height < NARROW[1], "narrow")

    def refresh_night(self) -> None:
        if not self.ready:
            return
        night = self.source()
        self.night = night
        paused = control.read_paused(self.kaizen_dir)
        now = self.clock()
        stalled = board.stall(night, now) is not None if night is not None else False
        self.header.update(render.header(night, paused, self.replay and not (night and night.run.running), stalled))
        if night is None:
            self.panes["state"].update("waiting for `kaizen run` to write .kaizen/history.db …")
            return
        if (night.run.id, night.run.pid) != self.sampled:  # a new night, or `kaizen resume` took over
            if self.sampled is None or night.run.id != self.sampled[0]:
                self.last_event = -1
            self.sampler = self.sampler_factory(night)
            self.sampled = (night.run.id, night.run.pid)
        if self.sampler is not None and not night.run.running:
            self.sampler = None  # the night ended: stop watching a pid that may be reused
        self.sample = self.sampler() if self.sampler is not None else None
        p = self.panes
        p["state"].update(render.state_machine(night, now, paused))
        p["andon"].update(render.andon(board.board(night, now, self.sample, paused)))
        p["performance"].update(render.performance(night))
        p["bottlenecks"].update(render.bottlenecks(night, p["bottlenecks"].content_region.height - 2))
        p["log"].update(render.kaizen_log(night, p["log"].content_region.height, p["log"].content_region.width))
        p["system"].update(render.system(self.sample, night.run.running))
        self.trend.show(figures.trend(night))
        self._append_events(night)

    def _append_events(self, night: Night) -> None:
        """Redraw the tail when the loop logged something. The pane is anchored: it follows the end
        until the reader scrolls up, and follows again once they scroll back down."""
        newest = night.events[-1].id if night.events else 0
        if newest == self.last_event:
            return
        self.last_event = newest
        text = Text()
        for event in night.events:
            stamp = time.strftime("%H:%M:%S", time.localtime(event.at))
            style = {"warn": "yellow", "error": "bold red"}.get(event.level, "")
            text.append(f"{stamp} ", style="dim")
            text.append(f"{'' if event.level == 'info' else event.level.upper() + ' '}{event.message}\n", style=style)
        text.rstrip()
        self.activity_text.update(text)

    # ---- keys ---------------------------------------------------------------------------------
    def action_pause(self) -> None:
        night = self.night
        if night is None or not night.run.running:
            self.notify("no running night to pause", severity="warning")
            return
        paused = not control.read_paused(self.kaizen_dir)
        control.write_paused(self.kaizen_dir, paused)
        if paused:
            self.notify("pause requested: the night waits at its next safe point (p resumes)")
        else:
            self.notify("resumed")
        self.refresh_night()

    def action_report(self) -> None:
        if self.night is None:
            self.notify("no night yet", severity="warning")
            return
        path = report_dir(self.kaizen_dir, self.night.run.id) / HTML_NAME
        if not path.exists():
            self.notify(f"no report yet: the night writes {path} at COMPLETE; `kaizen report` renders one now", timeout=8)
            return
        self.copy_to_clipboard(str(path))
        self.notify(f"report: {path} (path copied)", timeout=10)
        if has_desktop():
            self.open_url(path.as_uri())

    def action_help(self) -> None:
        self.push_screen(HelpScreen())


def _titled(widget: W, title: str) -> W:
    widget.border_title = title
    return widget

