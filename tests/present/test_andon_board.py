"""The board in its three outputs: every level is a word as well as a colour or emoji."""

from __future__ import annotations

import io
import json

from rich.console import Console

from kaizen.config import GateConfig
from kaizen.decide.andon import Level, Signal
from kaizen.present import andon as board

SIGNALS = (
    Signal("TESTS", Level.RED, "tests failed: test_a | b", "tests must pass"),
    Signal("main", Level.YELLOW, "1.07× slower", "slower by at least 5%"),
    Signal("MEMORY", Level.GREEN, "peak RSS 10.0 MiB → 10.0 MiB (+0.0%) in main", "peak RSS up by at most 10%"),
)
REPORT = board.GateReport(
    base="main", base_sha="a" * 40, head="HEAD", head_sha="b" * 40, mode="interleaved",
    signals=SIGNALS, gate=GateConfig(), alpha=0.01, notes=("a note",),
)


def test_level_and_exit_code_follow_the_worst_signal() -> None:
    assert REPORT.level is Level.RED and REPORT.exit_code == 1
    yellow = board.GateReport(**{**REPORT.__dict__, "signals": SIGNALS[1:]})
    assert yellow.level is Level.YELLOW and yellow.exit_code == 0


def test_text_board_is_legible_without_colour() -> None:
    buffer = io.StringIO()
    board.render_text(Console(file=buffer, width=200, no_color=True), REPORT)
    lines = buffer.getvalue().splitlines()
    assert lines[0].startswith("kaizen gate: RED") and "base main (aaaaaaaa) → head HEAD (bbbbbbbb)" in lines[0]
    assert lines[1].split()[:2] == ["RED", "TESTS"] and "tests must pass" in lines[1]
    assert lines[2].split()[:2] == ["YELLOW", "main"]
    assert lines[3].split()[:2] == ["GREEN", "MEMORY"]
    assert lines[4] == "  note: a note"
    assert "\x1b[" not in buffer.getvalue()


def test_markdown_is_a_table_with_emoji_and_words_and_escaped_pipes() -> None:
    md = board.render_markdown(REPORT)
    assert md.startswith("### 🔴 kaizen gate: RED\n")
    assert "| 🔴 | TESTS | **RED** | tests failed: test_a \\| b | tests must pass |" in md
    assert "| 🟡 | main | **YELLOW** |" in md and "| 🟢 | MEMORY | **GREEN** |" in md
    assert "> **Note:** a note" in md


def test_json_is_versioned_and_complete() -> None:
    doc = json.loads(board.render(REPORT, "json"))
    assert doc["schema_version"] == board.SCHEMA_VERSION
    assert (doc["level"], doc["exit_code"], doc["mode"]) == ("RED", 1, "interleaved")
    assert doc["signals"][0] == {"name": "TESTS", "level": "RED", "figure": "tests failed: test_a | b", "rule": "tests must pass"}
    assert doc["thresholds"]["red_slowdown"] == 0.1 and doc["thresholds"]["alpha"] == 0.01
    assert doc["benchmarks"] == [] and doc["imports"] is None and doc["new_findings"] == []


def test_text_render_for_a_file_has_no_escape_codes() -> None:
    text = board.render(REPORT, "text")
    assert "RED" in text and "\x1b[" not in text
