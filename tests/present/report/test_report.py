"""The morning report: what it says, that markdown and HTML agree, that it names no external
address, and that it is written whole or not at all."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kaizen.present import report
from kaizen.record.history import history_path, open_readonly
from tests.present.nightfixture import RUN_ID, TRIES


def render(kaizen_dir: Path, fmt: str) -> str:
    db = open_readonly(history_path(kaizen_dir))
    try:
        return report.render_html(db, RUN_ID) if fmt == "html" else report.render_markdown(db, RUN_ID)
    finally:
        db.close()


@pytest.fixture(scope="module")
def complete_md(nights: dict[str, Path]) -> str:
    return render(nights["complete"], "md")


@pytest.fixture(scope="module")
def complete_html(nights: dict[str, Path]) -> str:
    return render(nights["complete"], "html")


def test_markdown_summary_gives_each_benchmark_speedup_with_its_interval(complete_md: str) -> None:
    summary = complete_md.split("## Summary")[1].split("## Improvement trend")[0]
    assert "2 kept, 4 rejected of 6 tried" in summary
    # medians and ratio from the same interleaved measurement of the whole branch at COMPLETE
    assert "| main | 840.0 ms | 321.9 ms | 2.61× | [2.48, 2.71] | −61.7 % | whole branch vs start |" in summary
    assert "| search | 313.3 ms | 217.6 ms | 1.44× | [1.37, 1.50] | −30.6 % |" in summary
    assert "17m09s" in summary  # time spent


def test_markdown_has_every_section_and_links_the_html(complete_md: str) -> None:
    headings = re.findall(r"^## (.+)$", complete_md, flags=re.M)
    assert headings == ["Summary", "Improvement trend", "Run times before and after", "Iterations", "Kept changes",
                        "Rejected attempts", "Parameters over time", "Growth", "Warnings"]
    assert "[report.html](report.html)" in complete_md
    assert "<svg" not in complete_md  # the markdown is the report minus plots


def test_markdown_lists_each_try_with_its_verdict(complete_md: str) -> None:
    table = complete_md.split("## Iterations")[1].split("## Kept changes")[0]
    rows = [line for line in table.splitlines() if re.match(r"\| \d+ \|", line)]
    assert [row.split(" | ")[3] for row in rows] == ["faster", "tests failed", "faster", "no-change", "inconclusive", "slower"]
    assert "| 1 | membership-in-list | `shop/orders.py:14 match_orders()` | faster | 1.92× | [1.84, 2.00] | 0.0004 | 16 | kept | yes |" in table


def test_kept_changes_carry_commit_diff_and_evidence(complete_md: str) -> None:
    kept = complete_md.split("## Kept changes")[1].split("## Rejected attempts")[0]
    assert "Commit `1111111111` (iteration 1): 1.92× [1.84, 2.00] at 99 %, p = 0.0004, 16 pairs, 42 tests run, re-confirmed at COMPLETE." in kept
    assert "```diff\n--- a/shop/orders.py" in kept
    assert "+    known = {c.id for c in customers}" in kept
    assert "- safety: no mutation of the list in the loop" in kept
    assert "- types seen › known: int" in kept  # nested evidence flattened, not a JSON blob


def test_rejected_attempts_say_why_once(complete_md: str) -> None:
    rejected = complete_md.split("## Rejected attempts")[1].split("## Parameters over time")[0]
    assert "**tests failed**: test_cheapest_ties" in rejected
    assert "tests failed: tests failed" not in rejected
    assert "**slower**: 0.962× [0.941, 0.980]" in rejected
    assert rejected.count("- iteration") == 4


def test_parameters_and_growth(complete_md: str) -> None:
    assert "| 8m41s | 4 | improvement_threshold | 0.05 | 0.04 | two no-change verdicts near the threshold |" in complete_md
    assert "| main | O(n²) (k = 2.02 [1.93, 2.11]) | O(n) (k = 1.04 [0.97, 1.10]) |" in complete_md


def test_before_and_after_come_from_one_interleaved_measurement(complete_md: str) -> None:
    runs = complete_md.split("## Run times before and after")[1].split("## Iterations")[0]
    assert "| main | before | interleaved at COMPLETE | 24 | 815.2 ms |" in runs
    assert "| main | after | interleaved at COMPLETE | 24 | 312.4 ms | 318.4 ms | 321.9 ms |" in runs


def test_running_night_compares_with_the_start_baseline(nights: dict[str, Path]) -> None:
    runs = render(nights["running"], "md").split("## Run times before and after")[1].split("## Iterations")[0]
    assert "| main | before | last kept change, iteration 1 | 16 |" in runs  # the baseline's 16 runs


def test_trend_table_accumulates_kept_steps(complete_md: str) -> None:
    trend = complete_md.split("## Improvement trend")[1].split("## Run times")[0]
    # 1.92× then ×1.38 on main: 1 − 1/2.65 = 62.3 % of the time saved
    assert re.search(r"\| 1 \| membership-in-list .*\| 47\.9 % \| 1\.0 % \|", trend)
    assert re.search(r"\| 3 \| nested-loop-join .*\| 62\.3 % \| 31\.7 % \|", trend)


def test_html_says_what_the_markdown_says(complete_md: str, complete_html: str) -> None:
    for t in TRIES:
        assert t.path in complete_html and t.pattern_name in complete_html
    for figure in ("2.61×", "[2.48, 2.71]", "1.44×", "−61.7 %", "test_cheapest_ties", "1111111111", "3333333333",
                   "two no-change verdicts near the threshold", "k = 2.02"):
        assert figure in complete_md and figure in complete_html, figure
    assert complete_html.count("<svg") == 3  # trend, distributions, parameters
    assert '<span class="add">+    known = {c.id for c in customers}</span>' in complete_html


class _References(HTMLParser):
    """Every address an HTML page would load or link to."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "action", "poster", "data", "formaction") and value is not None:
                self.found.append((tag, name, value))


def external_references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    bad = [f"<{t} {n}={v!r}>" for t, n, v in parser.found if not (v.startswith("#") or v.startswith("data:"))]
    bad += [f"<{t}>" for t in parser.tags & {"link", "script", "iframe", "object", "embed", "base"}]
    bad += re.findall(r"https?://\S+", html)
    bad += re.findall(r"url\(\s*['\"]?(?!data:|#)[^)]*\)", html)
    bad += re.findall(r"@import", html)
    bad += re.findall(r"""(?:src|href)\s*=\s*["']?//""", html)
    return bad


def test_html_names_no_external_address(nights: dict[str, Path], complete_html: str) -> None:
    assert external_references(complete_html) == []
    assert external_references(render(nights["running"], "html")) == []
    assert external_references(render(nights["baseline-failed"], "html")) == []


def test_the_reference_check_catches_what_it_must() -> None:
    page = ('<img src="https://x.org/a.png"><a href="//cdn.net/x">x</a><link rel="stylesheet" href="s.css">'
            '<style>b{background:url(pic.png)}</style><svg><use xlink:href="#glyph"/><image href="data:image/png;base64,AA"/></svg>')
    found = external_references(page)
    assert any("https://x.org" in f for f in found) and any("//cdn.net" in f for f in found)
    assert "<link>" in found and any("pic.png" in f for f in found)
    assert not any("#glyph" in f or "data:image" in f for f in found)


def test_running_night_report_says_what_is_not_confirmed_yet(nights: dict[str, Path]) -> None:
    md = render(nights["running"], "md")
    assert "**running**" in md
    assert "not re-confirmed yet" in md
    assert "1 kept step(s), composed" in md  # no whole-branch measurement before COMPLETE


def test_failed_night_report_explains_the_failure(nights: dict[str, Path]) -> None:
    md = render(nights["baseline-failed"], "md")
    assert "**failed** (tests fail on the start commit: 2 failed (test_orders, test_join); fix them before a night)" in md
    assert "No benchmark was measured." in md and "No candidate was tried." in md
    assert "|---|" not in md.split("## Parameters")[0]  # no empty tables


def test_rendering_is_reproducible(nights: dict[str, Path], complete_html: str) -> None:
    assert render(nights["complete"], "html") == complete_html


def test_write_reports_puts_both_files_in_the_runs_folder(nights: dict[str, Path], tmp_path: Path) -> None:
    kaizen_dir = tmp_path / ".kaizen"
    kaizen_dir.mkdir()
    history_path(kaizen_dir).write_bytes(history_path(nights["complete"]).read_bytes())
    md, html = report.write_reports(kaizen_dir, RUN_ID)
    assert md == kaizen_dir / "reports" / RUN_ID / "KAIZEN_REPORT.md"
    assert html == kaizen_dir / "reports" / RUN_ID / "report.html"
    assert md.read_text(encoding="utf-8").startswith(f"# kaizen report: night {RUN_ID}")
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in md.parent.iterdir()) == ["KAIZEN_REPORT.md", "report.html"]  # no temp files left


def test_write_reports_leaves_the_old_report_whole_when_writing_fails(nights: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kaizen_dir = tmp_path / ".kaizen"
    kaizen_dir.mkdir()
    history_path(kaizen_dir).write_bytes(history_path(nights["complete"]).read_bytes())
    folder = report.report_dir(kaizen_dir, RUN_ID)
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("old report", encoding="utf-8")

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        report.write_reports(kaizen_dir, RUN_ID)
    assert (folder / "report.html").read_text(encoding="utf-8") == "old report"
    assert sorted(p.name for p in folder.iterdir()) == ["report.html"]


def test_report_of_the_recorded_real_night(tmp_path: Path) -> None:
    """What the loop really records renders into a report that says what happened."""
    import shutil
    import sqlite3

    from tests.present.tui.conftest import RECORDED

    shutil.copyfile(RECORDED, tmp_path / "history.db")
    run_id = sqlite3.connect(tmp_path / "history.db").execute("SELECT id FROM runs").fetchone()[0]
    db = open_readonly(tmp_path / "history.db")
    md, page = report.render_markdown(db, run_id), report.render_html(db, run_id)
    assert "2 kept, 1 rejected of 3 tried" in md and "**complete**" in md
    assert "| main |" in md.split("## Summary")[1] and "whole branch vs start" in md
    assert md.count("```diff\ndiff --git") == 2  # each kept commit with its diff
    assert "list-as-queue at `shop/routes.py:10 reachable()`" in md
    assert "**inconclusive**: main: inconclusive (too noisy" in md
    assert "weight.complexity" in md  # the loop's adaptive parameters over time
    assert external_references(page) == []
