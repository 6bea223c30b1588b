"""`kaizen init` proposes a configuration; `kaizen status` before any night says so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kaizen.config import load_config
from tests.conftest import MakeRepo


def kaizen(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kaizen", *args], cwd=repo, capture_output=True, text=True, timeout=120)


def test_init_appends_a_valid_table_to_pyproject(make_repo: MakeRepo) -> None:
    repo = make_repo({
        "pyproject.toml": "[project]\nname = 'shop'\n\n[tool.pytest.ini_options]\naddopts = '-q'\n",
        "src/shop/__init__.py": "", "tests/test_x.py": "def test_x():\n    pass\n", "bench_orders.py": "print(1)\n",
    })
    result = kaizen(repo, "init")
    assert result.returncode == 0, result.stderr
    text = (repo / "pyproject.toml").read_text()
    assert text.startswith("[project]\nname = 'shop'")  # the user's part is kept as it was
    config = load_config(repo)
    assert config.source == ("src/shop",)
    assert config.tests is not None and config.tests.argv == ("python", "-m", "pytest", "-q", "tests")
    assert config.benchmarks["orders"].command.argv == ("python", "bench_orders.py")
    again = kaizen(repo, "init")
    assert again.returncode == 2 and "already configures kaizen" in again.stderr


def test_init_writes_kaizen_toml_without_pyproject_and_says_when_no_benchmark(make_repo: MakeRepo) -> None:
    repo = make_repo({"lib/__init__.py": "", "tests/test_y.py": "import unittest\n"})
    result = kaizen(repo, "init")
    assert result.returncode == 0, result.stderr
    config = load_config(repo)
    assert config.source == ("lib",) and config.tests is not None
    assert config.tests.argv[:3] == ("python", "-m", "unittest")
    assert not config.benchmarks and "no benchmark script found" in result.stdout


def test_status_without_a_night(make_repo: MakeRepo) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    result = kaizen(repo, "status")
    assert result.returncode == 2 and "no kaizen night in this repository yet" in result.stderr
