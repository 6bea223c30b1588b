"""The dashboard under Textual's Pilot: the recorded real night, scripted live nights, a fixed clock
and a fixed system sample, so every screen is reproducible."""

from __future__ import annotations

import asyncio
import functools
import io
import shutil
import sqlite3
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot

from kaizen.present.review.snapshot import Night
from kaizen.present.review.source import HistorySource
from kaizen.present.review.system import Sampler
from kaizen.present.tui.app import WatchApp
from kaizen.record.history import history_path
from tests.present.nightfixture import write_night
from tests.present.review.factory import sample


def sync(test: Callable[..., Coroutine[None, None, None]]) -> Callable[..., None]:
    """Run an async Pilot test on a fresh event loop (no asyncio plugin needed); fixtures still
    resolve, since pytest reads the signature through ``__wrapped__``."""

    @functools.wraps(test)
    def run(*args: object, **kwargs: object) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


RECORDED = Path(__file__).parent.parent / "fixtures" / "night.db"


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The activity pane prints local clock times: pin the zone so screens compare."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[Path, str, float]:
    """A copy of the recorded real night: (kaizen_dir, run_id, finished_at)."""
    kaizen_dir = tmp_path / ".kaizen"
    kaizen_dir.mkdir()
    shutil.copyfile(RECORDED, history_path(kaizen_dir))
    db = sqlite3.connect(history_path(kaizen_dir))
    run_id, finished = db.execute("SELECT id, finished_at FROM runs").fetchone()
    db.close()
    return kaizen_dir, str(run_id), float(finished)


@pytest.fixture
def running(tmp_path: Path) -> Path:
    """A scripted night in RUN_BENCHMARKS at iteration 3 (since T0 + 400 s), loop pid 4242."""
    kaizen_dir = tmp_path / "live" / ".kaizen"
    write_night(kaizen_dir, upto="running", pid=4242)
    return kaizen_dir


def fixed_sampler(night: Night) -> Sampler:
    return lambda: sample(cpu=35, tree_cpu=60)


def make_app(kaizen_dir: Path, now: float, *, run_id: str | None = None, interval: float = 3600.0,
             sampler: Callable[[Night], Sampler | None] = fixed_sampler) -> WatchApp:
    """``interval`` defaults to an hour: screens change only when a test refreshes them."""
    return WatchApp(HistorySource(kaizen_dir, run_id), kaizen_dir, replay=run_id is not None, clock=lambda: now,
                    sampler_factory=sampler, interval=interval)


async def settled_text(app: WatchApp, pilot: Pilot[None], timeout: float = 5.0) -> str:
    """The screen once two looks 0.1 s apart agree: a loaded machine may still be laying out,
    scrolling the activity pane to its end or drawing the plot after the first pause."""
    await pilot.pause()
    last = screen_text(app)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.1)
        now = screen_text(app)
        if now == last:
            return now
        last = now
    return last


async def wait_screen(app: WatchApp, pilot: Pilot[None], *texts: str, timeout: float = 10.0) -> str:
    """The screen once it shows all of ``texts`` (the dashboard refreshes on its own timer)."""
    deadline = time.monotonic() + timeout
    text = screen_text(app)
    while not all(t in text for t in texts) and time.monotonic() < deadline:
        await pilot.pause(0.05)
        text = screen_text(app)
    return text


def screen_text(app: WatchApp) -> str:
    """The screen as plain text, exactly as drawn (no colour: what NO_COLOR users read)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system=None,
                      record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)
