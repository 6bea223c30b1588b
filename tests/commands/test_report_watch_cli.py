"""``kaizen report`` and ``kaizen watch`` through the CLI, on a repository holding a recorded night."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MakeRepo
from tests.present.tui.conftest import RECORDED

RUN_ID = "20261122-014803"  # the recorded night


def kaizen(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kaizen", *args], cwd=repo, capture_output=True, text=True, timeout=120)


@pytest.fixture
def repo(make_repo: MakeRepo) -> Path:
    repo = make_repo({"README.md": "shop\n"})
    (repo / ".kaizen").mkdir()
    shutil.copyfile(RECORDED, repo / ".kaizen" / "history.db")
    return repo


def test_report_writes_both_files_and_prints_the_chosen_one(repo: Path) -> None:
    result = kaizen(repo, "report", "--format", "html")
    assert result.returncode == 0, result.stderr
    folder = repo / ".kaizen" / "reports" / RUN_ID
    assert result.stdout.strip() == str(folder / "report.html")
    assert (folder / "KAIZEN_REPORT.md").read_text().startswith(f"# kaizen report: night {RUN_ID}")


def test_report_to_a_path_or_stdout(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "night.md"
    assert kaizen(repo, "report", "--run", RUN_ID, "--output", str(out)).returncode == 0
    assert out.read_text().startswith(f"# kaizen report: night {RUN_ID}")
    printed = kaizen(repo, "report", "--output", "-")
    assert printed.stdout == out.read_text()
    assert not (repo / ".kaizen" / "reports").exists()  # --output writes only where asked


def test_unknown_run_and_missing_history_are_one_line_errors(repo: Path, make_repo: MakeRepo) -> None:
    result = kaizen(repo, "report", "--run", "19990101-000000")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"kaizen: error: no night '19990101-000000' in {repo / '.kaizen' / 'history.db'} "
                                     f"(latest: {RUN_ID}); pick one of those with --run")
    empty = make_repo({"README.md": "x\n"})
    for verb in ("report", "watch"):
        result = kaizen(empty, verb)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "kaizen run" in result.stderr  # what to do next
    assert not (empty / ".kaizen").exists()  # looking does not create anything
