"""`kaizen bench` end to end on real temp repos, through the installed CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MakeRepo, commit_all, git, write_files

pytestmark = pytest.mark.e2e

SLOW = """
def work(n):
    data = list(range(n))
    wanted = list(range(0, n, 2))
    return sum(1 for x in data if x in wanted)

work({n})
"""
FAST = SLOW.replace("wanted = list(", "wanted = set(")


def kaizen(repo: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kaizen", *args], cwd=repo, capture_output=True, text=True, timeout=timeout)


def config(bench: str = "bench.py", extra: str = "") -> str:
    return f"""
[tool.kaizen]
source = ["."]
[tool.kaizen.benchmarks]
main = ["{sys.executable}", "{bench}"]
{extra}
"""


def test_genuinely_faster_head_is_faster_and_same_code_never_decides(make_repo: MakeRepo) -> None:
    repo = make_repo({"bench.py": SLOW.format(n=4000), "pyproject.toml": config()})
    write_files(repo, {"bench.py": FAST.format(n=4000)})
    commit_all(repo, "use a set")
    faster = kaizen(repo, "bench", "--base", "HEAD~1", "--head", "HEAD", "--format", "json")
    assert faster.returncode == 0, faster.stderr
    doc = json.loads(faster.stdout)
    assert doc["schema_version"] == 1
    row = doc["benchmarks"][0]
    assert row["verdict"] == "faster", row
    assert row["speedup"] >= 2.0 and row["ci"][0] > 1.0
    same = kaizen(repo, "bench", "--base", "HEAD", "--head", "HEAD", "--format", "json")
    assert json.loads(same.stdout)["benchmarks"][0]["verdict"] in ("no-change", "inconclusive")
    text = kaizen(repo, "bench", "--base", "HEAD~1", "--max-pairs", "8")
    assert text.returncode == 0 and "main" in text.stdout and "speedup" in text.stdout
    assert len(git(repo, "worktree", "list").splitlines()) == 1  # worktrees removed
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({"bench.py": "print(1)\n"}, ["--base", "HEAD"], "no kaizen configuration"),
        ({"bench.py": "print(1)\n", "kaizen.toml": "source = ['.']\n"}, ["--base", "HEAD"], "configures no benchmarks"),
        ({"bench.py": "print(1)\n", "pyproject.toml": config()}, ["--base", "nope"], "unknown revision 'nope'"),
        ({"bench.py": "import sys\nsys.stderr.write('boom here')\nsys.exit(3)\n", "pyproject.toml": config()}, ["--base", "HEAD"], "benchmark 'main' (base) exited with status 3: boom here"),
        ({"bench.py": "import time\ntime.sleep(60)\n", "pyproject.toml": config(extra="")}, ["--base", "HEAD"], "timeout"),
        ({"bench.py": "", "kaizen.toml": "[benchmarks]\nmain = 'no-such-program-kz run'\n"}, ["--base", "HEAD"], "command not found: no-such-program-kz"),
        ({"bench.py": "", "pyproject.toml": config()}, ["--base", "HEAD", "--benchmark", "other"], "no benchmark named 'other'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_changed(make_repo: MakeRepo, files: dict[str, str], args: list[str], message: str) -> None:
    if "time.sleep(60)" in files["bench.py"]:
        files = {**files, "pyproject.toml": files["pyproject.toml"].replace("[tool.kaizen]", "[tool.kaizen]\nbenchmark_timeout = 1")}
    repo = make_repo(files)
    before = git(repo, "status", "--porcelain")
    result = kaizen(repo, "bench", *args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert message in lines[-1], result.stderr
    assert lines[-1].startswith("kaizen: error:")
    assert "Traceback" not in result.stderr
    assert git(repo, "status", "--porcelain") == before
    assert len(git(repo, "worktree", "list").splitlines()) == 1


def test_not_a_git_repo_and_no_commits(tmp_path: Path) -> None:
    result = kaizen(tmp_path, "bench", "--base", "HEAD")
    assert result.returncode == 2 and "not inside a git repository" in result.stderr
    git(tmp_path, "init", "-q")
    result = kaizen(tmp_path, "bench", "--base", "HEAD")
    assert result.returncode == 2 and "no commits yet" in result.stderr


def test_help_and_version() -> None:
    out = subprocess.run([sys.executable, "-m", "kaizen", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "bench" in out.stdout
    version = subprocess.run([sys.executable, "-m", "kaizen", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and "kaizen" in version.stdout
