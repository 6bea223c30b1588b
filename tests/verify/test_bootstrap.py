"""Which test commands allow capture, and the environment the bootstrap needs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kaizen.config import Command
from kaizen.verify.bootstrap import CHILD_DIR, bootstrap_env, capture_unsupported


@pytest.mark.parametrize(
    "command",
    [
        Command(argv=("python", "-m", "pytest", "-q", "tests")),
        Command(argv=("python3.11", "-X", "dev", "-m", "unittest")),
        Command(argv=(sys.executable, "-m", "unittest", "discover")),
        Command(argv=("pytest", "-x")),
        Command(argv=("/venv/bin/py.test",)),
        Command(argv=("uv", "run", "pytest")),
        Command(shell="python -m pytest -q"),
    ],
    ids=lambda c: c.display,
)
def test_pytest_and_unittest_allow_capture(command: Command) -> None:
    assert capture_unsupported(command) is None


@pytest.mark.parametrize(
    "command",
    [
        Command(argv=("make", "test")),
        Command(argv=("tox",)),
        Command(argv=("python", "run_tests.py")),
        Command(argv=("python", "-m", "nose")),
        Command(shell="python -m pytest && echo ok"),
        Command(shell="cd sub; pytest"),
    ],
    ids=lambda c: c.display,
)
def test_other_commands_say_capture_is_unavailable(command: Command) -> None:
    reason = capture_unsupported(command)
    assert reason is not None and command.display in reason and "pytest" in reason


def test_the_bootstrap_goes_first_and_switches_other_children_off(tmp_path: Path) -> None:
    env = bootstrap_env(tmp_path, KAIZEN_VERIFY_CAPTURE="/job.json")
    assert env["PYTHONPATH"].split(":")[:2] == [str(CHILD_DIR), str(tmp_path)]
    assert env["KAIZEN_VERIFY_CAPTURE"] == "/job.json" and env["KAIZEN_PROFILE_DIR"] == ""
    assert env["PYTHONHASHSEED"] == "0"
    assert (CHILD_DIR / "sitecustomize.py").is_file()
