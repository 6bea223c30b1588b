"""Whole screens at fixed sizes, compared with reviewed copies in ``snapshots/``.

A change to the dashboard shows up here as a readable text diff. When the change is intended,
regenerate and review the files before committing them:

    KAIZEN_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/present/tui/test_snapshots.py

With ``KAIZEN_SCREENSHOTS=DIR`` each screen is also saved there as an SVG, in colour.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from kaizen.present.tui.app import WatchApp
from tests.present.nightfixture import T0
from tests.present.tui.conftest import make_app, settled_text, sync

SNAPSHOTS = Path(__file__).parent / "snapshots"


def check(name: str, text: str, app: WatchApp) -> None:
    keep = os.environ.get("KAIZEN_SCREENSHOTS")  # also keep the screen as SVG, to look at in colour
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"watch-{name}.svg").write_text(app.export_screenshot(title=f"kaizen watch {name}"), encoding="utf-8")
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("KAIZEN_UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    if text != expected:
        diff = "\n".join(difflib.unified_diff(expected.splitlines(), text.splitlines(), "expected", "now", lineterm=""))
        pytest.fail(f"{path.name} differs (KAIZEN_UPDATE_SNAPSHOTS=1 rewrites it; review the diff first):\n{diff}")


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@sync
async def test_recorded_night_replayed(recorded: tuple[Path, str, float], size: tuple[int, int]) -> None:
    kaizen_dir, run_id, finished = recorded
    app = make_app(kaizen_dir, finished + 60, run_id=run_id)
    async with app.run_test(size=size) as pilot:
        check(f"recorded-{size[0]}x{size[1]}", await settled_text(app, pilot), app)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@sync
async def test_live_night(running: Path, size: tuple[int, int]) -> None:
    app = make_app(running, T0 + 315)
    async with app.run_test(size=size) as pilot:
        check(f"live-{size[0]}x{size[1]}", await settled_text(app, pilot), app)


@sync
async def test_help(running: Path) -> None:
    app = make_app(running, T0 + 315)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        check("help-120x40", await settled_text(app, pilot), app)
