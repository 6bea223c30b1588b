"""``kaizen watch`` driven headless with Textual's Pilot: what a person sees and what each key does."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kaizen.present.review import control
from kaizen.present.tui.help import HelpScreen
from kaizen.record.history import History, history_path
from tests.present.nightfixture import RUN_ID, T0
from tests.present.tui.conftest import make_app, settled_text, sync, wait_screen


def signal(text: str, level: str, name: str) -> bool:
    """The andon line "● GREEN  TESTS …" (the mark and the spacing are layout, the words are not)."""
    return re.search(rf"[●▲■] {level}\s+{name}\b", text) is not None


ENTERED = T0 + 293  # when the scripted live night entered RUN_BENCHMARKS
LIVE_NOW = ENTERED + 22


@sync
async def test_replay_of_a_recorded_night_shows_its_outcome(recorded: tuple[Path, str, float]) -> None:
    kaizen_dir, run_id, finished = recorded
    app = make_app(kaizen_dir, finished + 3600, run_id=run_id)
    async with app.run_test(size=(120, 40)) as pilot:
        text = await settled_text(app, pilot)
    assert f"night {run_id}" in text and "COMPLETE · replay" in text
    assert "▶ COMPLETE" in text and "▶ RUN_BENCHMARKS" not in text
    assert "complete after 1m14s" in text  # time spent, frozen at the end: not "now"
    for level, name in (("GREEN", "TESTS"), ("YELLOW", "PERFORMANCE"), ("GREEN", "RESOURCES"), ("GREEN", "PROGRESS")):
        assert signal(text, level, name), (level, name)  # levels are words: legible without colour
    assert "noise floor of main above" in text  # the rule that set the yellow
    assert "main  (confirmed)" in text and "2.43× [" in text
    assert "list-as-queue" in text and "membership-in-l" in text and "✘ inconclusive" in text
    assert text.count("✔ faster") == 2
    assert "not live: the night is over (replay)" in text
    assert "branch vs start on main" in text  # the activity tail ends at the last event


@sync
async def test_live_night_highlights_the_current_state(running: Path) -> None:
    app = make_app(running, LIVE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        text = await settled_text(app, pilot)
        state = app.query_one("#state")
        line = next(s for s in state.render_lines(state.region.reset_offset)[1:] if "RUN_BENCHMARKS" in s.text)
    assert "RUNNING" in text and "replay" not in text
    assert "▶ RUN_BENCHMARKS" in text
    assert "iteration 3 of 8 · 22s in state" in text and "1h54m left · 5m15s elapsed" in text
    assert "▶ nested-loop-join at join.py:5" in text  # the candidate under evaluation
    assert "kaizen   1 proc · CPU 60%" in text  # the loop's process tree, from the sampler
    assert "STALL" not in text
    assert any(seg.style is not None and seg.style.reverse for seg in line if "RUN_BENCHMARKS" in seg.text)


@sync
async def test_a_stalled_state_warns_and_turns_progress_red(running: Path) -> None:
    app = make_app(running, ENTERED + 11 * 60)
    async with app.run_test(size=(120, 40)) as pilot:
        text = await settled_text(app, pilot)
    assert "⚠ STALLED: 11m00s > limit 10m00s" in text and "RUNNING · ⚠ STALL" in text
    assert signal(text, "RED", "PROGRESS")


@sync
async def test_p_pauses_and_resumes_the_night_through_the_control_file(running: Path) -> None:
    app = make_app(running, LIVE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        text = await settled_text(app, pilot)
        assert json.loads(control.control_path(running).read_text()) == {"paused": True}
        assert "RUNNING · PAUSED" in text and "⏸ PAUSED at the next safe point" in text
        assert signal(text, "YELLOW", "PROGRESS")
        await pilot.press("p")
        text = await settled_text(app, pilot)
        assert json.loads(control.control_path(running).read_text()) == {"paused": False}
        assert "PAUSED" not in text
    assert sorted(p.name for p in running.iterdir()) == ["control.json", "history.db", "history.db-shm", "history.db-wal"]


@sync
async def test_p_does_nothing_to_a_finished_night(recorded: tuple[Path, str, float]) -> None:
    kaizen_dir, run_id, finished = recorded
    app = make_app(kaizen_dir, finished, run_id=run_id)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["no running night to pause"]
    assert not control.control_path(kaizen_dir).exists()


@sync
async def test_q_quits_the_dashboard_only(running: Path) -> None:
    app = make_app(running, LIVE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert not control.control_path(running).exists()  # quitting does not touch the night


@sync
async def test_r_gives_the_report_path_or_says_when_it_comes(running: Path, recorded: tuple[Path, str, float]) -> None:
    app = make_app(running, LIVE_NOW)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("r")
        await pilot.pause()
        (message,) = [n.message for n in app._notifications]
        assert message.startswith("no report yet: the night writes") and f"reports/{RUN_ID}/report.html" in message
    kaizen_dir, run_id, finished = recorded
    report = kaizen_dir / "reports" / run_id / "report.html"
    report.parent.mkdir(parents=True)
    report.write_text("<html></html>")
    app = make_app(kaizen_dir, finished, run_id=run_id)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert [n.message for n in app._notifications] == [f"report: {report} (path copied)"]


@sync
async def test_question_mark_shows_help_and_escape_closes_it(running: Path) -> None:
    app = make_app(running, LIVE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        text = await settled_text(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "pause or resume the night" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@sync
async def test_the_dashboard_follows_the_loop_as_it_writes(running: Path) -> None:
    app = make_app(running, LIVE_NOW, interval=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        assert "▶ RUN_BENCHMARKS" in await wait_screen(app, pilot, "▶ RUN_BENCHMARKS")
        writer = History(history_path(running))
        writer.update("runs", {"id": RUN_ID}, state="VALIDATE", state_since=LIVE_NOW)
        writer.insert("events", run_id=RUN_ID, at=LIVE_NOW, level="warn", message="validating KZ101 now")
        writer.close()
        text = await wait_screen(app, pilot, "▶ VALIDATE", "WARN validating KZ101 now")
    assert "▶ VALIDATE" in text and "WARN validating KZ101 now" in text


@sync
async def test_a_dashboard_opened_before_the_night_waits_then_attaches(tmp_path: Path) -> None:
    kaizen_dir = tmp_path / ".kaizen"
    app = make_app(kaizen_dir, LIVE_NOW, interval=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        assert "waiting for a night to start" in await settled_text(app, pilot)
        from tests.present.nightfixture import write_night

        write_night(kaizen_dir, upto="running", pid=4242)
        assert "▶ RUN_BENCHMARKS" in await wait_screen(app, pilot, "▶ RUN_BENCHMARKS")


@sync
async def test_at_80x24_the_panes_stack_and_scroll(running: Path) -> None:
    app = make_app(running, LIVE_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        first = await settled_text(app, pilot)
        assert app.screen.has_class("narrow")
        assert "▶ RUN_BENCHMARKS" in first and signal(first, "GREEN", "TESTS")  # the glance needs no scrolling
        assert "Activity" not in first
        await pilot.press("end")
        assert "Activity" in await wait_screen(app, pilot, "Activity")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not app.screen.has_class("narrow")
