"""`kaizen scan`, `kaizen fix` and `kaizen patterns` through the CLI, on real temp repos: in-process
with click's runner (fast), and once as a real `python -m kaizen` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from kaizen.cli import cli
from tests.conftest import MakeRepo

SLOW = "def keep(text):\n    stop = ['a', 'the']\n    return [w for w in text.split() if w not in stop]\n"
SHARED = "def keep(ws, stop):\n    return [w for w in ws if w in stop]\n"
CONFIG = '[tool.kaizen]\nsource = ["pkg"]\ntests = "python -c pass"\n[tool.kaizen.benchmarks]\nmain = "python -c pass"\n'


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def kaizen(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Outcome:
    """The CLI in this process, as a user would call it from ``cwd``."""
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
    finally:
        os.chdir(old)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def test_a_real_process_reports_a_missing_path_in_one_line_with_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "kaizen", "scan", "nope.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env
    )
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().splitlines() == [f"kaizen: error: {tmp_path}/nope.py does not exist; give the files or folders to scan"]


def test_scan_reads_the_configured_source_like_a_linter(make_repo: MakeRepo) -> None:
    repo = make_repo({"pyproject.toml": CONFIG, "pkg/a.py": SLOW, "pkg/b.py": SHARED, "scripts/c.py": SLOW})
    out = kaizen(repo, "scan")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "pkg/a.py:3:40: KZ102 `w not in stop` scans a list on every iteration; a set built once before the loop makes it O(1) [fixable]"
    assert lines[1].startswith("pkg/b.py:2:30: KZ102 ") and "(not fixed: stop may not be a list or tuple" in lines[1]
    assert lines[-1] == "2 findings (1 fixable) in 2 files, 5 lines"
    assert kaizen(repo, "scan", "--exit-code").returncode == 1
    assert kaizen(repo, "scan", "--exit-code", "--select", "KZ101").returncode == 0


def test_scan_json_is_versioned_and_missing_paths_are_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(SLOW, encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    data = json.loads(kaizen(tmp_path, "scan", "--format", "json", env=env).stdout)
    assert data["schema_version"] == 1 and data["summary"]["findings"] == 1
    assert data["findings"][0] | {"message": ""} == {
        "id": "KZ102", "name": "membership-in-loop", "path": "a.py", "line": 3, "column": 40, "end_line": 3,
        "function": "keep", "message": "", "fixable": True, "reason": None,
    }
    unknown = kaizen(tmp_path, "scan", "--select", "KZ999", env=env)
    assert unknown.returncode == 2 and "unknown pattern 'KZ999'" in unknown.stderr


def test_fix_diff_writes_nothing_and_fix_writes_once(make_repo: MakeRepo) -> None:
    repo = make_repo({"pyproject.toml": CONFIG, "pkg/a.py": SLOW, "pkg/b.py": SHARED})
    diff = kaizen(repo, "fix", "--diff")
    assert diff.returncode == 0, diff.stderr
    assert "--- a/pkg/a.py" in diff.stdout and "+    stop_set = set(stop)" in diff.stdout and "pkg/b.py" not in diff.stdout
    assert "would fix 1 finding(s) in 1 file(s); 1 left" in diff.stderr
    assert (repo / "pkg/a.py").read_text(encoding="utf-8") == SLOW
    done = kaizen(repo, "fix")
    assert done.returncode == 0 and "fixed 1 finding(s)" in done.stderr
    assert "stop_set = set(stop)" in (repo / "pkg/a.py").read_text(encoding="utf-8")
    assert (repo / "pkg/b.py").read_text(encoding="utf-8") == SHARED
    assert kaizen(repo, "fix", "--diff").stdout == ""


def test_patterns_lists_the_catalogue_plain_when_piped_and_without_colour_under_no_color(tmp_path: Path) -> None:
    plain = kaizen(tmp_path, "patterns")
    assert plain.returncode == 0
    for pattern_id in ("KZ101", "KZ102", "KZ103", "KZ104", "KZ105"):
        assert f"\n{pattern_id} " in "\n" + plain.stdout
    assert "Before:" in plain.stdout and "Hazards checked before rewriting:" in plain.stdout and "\x1b[" not in plain.stdout
    rich = kaizen(tmp_path, "patterns", "--select", "KZ102", env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "CI": ""})
    assert "╭" in rich.stdout and "\x1b[" in rich.stdout
    no_color = kaizen(tmp_path, "patterns", "--select", "KZ102", env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "NO_COLOR": "1", "CI": ""})
    assert "╭" in no_color.stdout and "\x1b[3" not in no_color.stdout
