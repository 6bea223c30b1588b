"""The profile and candidates tables as a pipe or CI log sees them: plain aligned text, no boxes."""

from __future__ import annotations

import io

from rich.console import Console

from kaizen.analyze.complexity import analyze_source
from kaizen.analyze.rank import Weights, rank
from kaizen.measure.hotspots import FunctionStats, Profile
from kaizen.patterns.base import Finding
from kaizen.present import candidates, profile

SOURCE = "def hot(xs, ys):\n    return [x for x in xs if x in ys]\n\n\ndef cold():\n    return [1]\n"
STATS = (
    FunctionStats("pkg/a.py", 1, 2, "hot", 0.5, 0.4, 0.5, 0.4, None),
    FunctionStats("pkg/a.py", 1, 6, "<module>", 0.6, 0.1, 0.6, 0.1, None),
)
PROFILE = Profile("main", "python bench.py", "now", 1.0, 0.9, 1, "stat_profile", 0.001, STATS)
SHAPES = {"pkg/a.py": analyze_source(SOURCE)}


def render(draw) -> str:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    draw(Console(file=buffer, width=200))  # not a terminal: the plain form
    return buffer.getvalue()


def test_profile_table_is_plain_text_with_growth_and_mccabe() -> None:
    text = render(lambda con: profile.render_table(con, PROFILE, SHAPES, limit=2, stored=".kaizen/profiles/x.json"))
    lines = text.splitlines()
    assert lines[0] == "kaizen profile · main: 1.000 s wall, 1 Python process"
    assert lines[1].split() == ["total", "%", "self", "%", "calls", "growth", "cc", "function"]
    assert lines[2].split() == ["50.0", "40.0", "-", "O(n²)", "3", "pkg/a.py:1", "hot"]
    assert lines[3].split() == ["60.0", "10.0", "-", "-", "-", "pkg/a.py:1", "<module>"]  # no shape of its own
    assert "stored as .kaizen/profiles/x.json" in text
    assert "and 1 cooler function(s)" in render(lambda con: profile.render_table(con, PROFILE, SHAPES, limit=1))
    assert "─" not in text and "│" not in text


def test_empty_profiles_print_their_note_and_warnings() -> None:
    empty = Profile("sh", "sleep 1", "now", 1.0, 0.0, 0, "none", 0.001, (), warnings=("careful",))
    text = render(lambda con: profile.render_table(con, empty, {}))
    assert "warning: careful" in text and "no Python frames" in text


def test_candidates_table_columns_and_cold_note() -> None:
    findings = [
        Finding("KZ113", "append-comprehension", "pkg/a.py", 6, 4, 6, "m", "cold", True),
        Finding("KZ102", "membership-in-loop", "pkg/a.py", 2, 30, 2, "m", "hot", False, "unknown type"),
    ]
    ranked = rank(findings, PROFILE, shapes=SHAPES)
    text = render(lambda con: candidates.render_table(con, ranked, ["main"]))
    lines = text.splitlines()
    assert lines[1].split() == ["rank", "score", "s", "hot", "%", "gain", "confidence", "growth", "pattern", "location", "function"]
    assert lines[2].split() == ["1", f"{ranked[0].score:.4f}", "50.0", "0.90", "0.20", "(report)", "O(n²)", "KZ102", "membership-in-loop", "pkg/a.py:2:31", "hot"]
    assert lines[3].split()[:3] == ["2", "0.0000", "0.0"]
    assert "1 finding(s) in code the benchmarks did not reach" in text
    doc = candidates.render_json(ranked, ["main"], Weights(), {})
    assert doc["schema_version"] == 1 and doc["candidates"][0]["reason"] == "unknown type"
