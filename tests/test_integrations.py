"""The GitHub Action and the pre-commit hook: their contracts, and the action's script run for real
with a stand-in `kaizen` so the summary and exit-code handling are exercised, not just read."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

FAKE_KAIZEN = """#!/bin/sh
printf '%s\\n' "$@" > "$ARGS_FILE"
if [ "$FAKE_EXIT" != 2 ]; then
  while [ $# -gt 0 ]; do
    if [ "$1" = --output ]; then printf '### board\\n' > "$2"; fi
    shift
  done
fi
exit "$FAKE_EXIT"
"""


def test_pre_commit_hook_runs_kaizen_scan_on_python_files() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "kaizen-scan" and hook["entry"] == "kaizen scan --exit-code"
    assert hook["language"] == "python" and hook["types"] == ["python"]


def gate_step() -> dict[str, object]:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert action["inputs"]["base"]["required"] is True
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "gate"]
    return step  # type: ignore[no-any-return]


@pytest.mark.parametrize("code", [0, 1, 2])
def test_action_script_appends_the_board_and_propagates_the_exit_code(tmp_path: Path, code: int) -> None:
    step = gate_step()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kaizen").write_text(FAKE_KAIZEN)
    (bin_dir / "kaizen").chmod(0o755)
    summary, outputs, args = tmp_path / "summary.md", tmp_path / "outputs", tmp_path / "args"
    summary.write_text("earlier step\n")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "ARGS_FILE": str(args),
        "FAKE_EXIT": str(code),
        "KAIZEN_BASE": "origin/main $(touch pwned)",  # an input is data, never code
        "KAIZEN_HEAD": "HEAD",
    }
    result = subprocess.run(["bash", "-e", "-c", str(step["run"])], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == code, result.stderr
    assert args.read_text().splitlines() == [
        "gate", "--base", "origin/main $(touch pwned)", "--head", "HEAD", "--format", "markdown", "--output", str(tmp_path / "gate.md"),
    ]
    assert not (tmp_path / "pwned").exists()
    text = summary.read_text()
    assert text.startswith("earlier step\n")
    assert ("### board" in text) is (code != 2) and ("could not run (exit 2)" in text) is (code == 2)
    assert outputs.read_text() == f"exit-code={code}\n"
