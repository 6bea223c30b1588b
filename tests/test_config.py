"""Config: [tool.kaizen] or kaizen.toml → a frozen Config; every error is one line naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaizen.config import Command, find_config_file, load_config
from kaizen.errors import KaizenError


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


def test_pyproject_table_is_read(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", """
[project]
name = "x"
[tool.kaizen]
source = ["mypkg"]
tests = "python -m pytest -q tests"
[tool.kaizen.benchmarks]
main = "python bench.py --quick"
shelly = { shell = "python bench.py | tee out.txt" }
sized = { cmd = "python bench.py --n {n}", sizes = [100, 200] }
""")
    config = load_config(tmp_path)
    assert config.source == ("mypkg",)
    assert config.tests == Command(argv=("python", "-m", "pytest", "-q", "tests"))
    assert config.benchmarks["main"].command.argv == ("python", "bench.py", "--quick")
    assert config.benchmarks["shelly"].command.shell == "python bench.py | tee out.txt"
    sized = config.benchmarks["sized"]
    assert sized.sizes == (100, 200)
    assert sized.at_size(100).argv == ("python", "bench.py", "--n", "100")
    assert sized.runnable.argv[-1] == "200"
    assert config.alpha == 0.01 and config.max_iterations == 50 and config.hours == 8.0


def test_kaizen_toml_top_level_wins(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.kaizen]\nsource = ['a']\n")
    write(tmp_path, "kaizen.toml", "source = ['b']\nalpha = 0.05\n[benchmarks]\nm = ['python', 'b.py']\n")
    config = load_config(tmp_path)
    assert config.source == ("b",)
    assert config.alpha == 0.05
    assert config.benchmarks["m"].command.argv == ("python", "b.py")


def test_pyproject_without_table_is_not_a_config(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config_file(tmp_path) is None
    with pytest.raises(KaizenError, match=r"no kaizen configuration.*\[tool.kaizen\]"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("source = 'mypkg'", r"pyproject.toml: \[tool.kaizen\] `source`: expected a list of paths"),
        ("sourc = ['x']", r"unknown key `sourc`.*did you mean `source`"),
        ("alpha = 2", r"`alpha`"),
        ("max_iterations = 0", r"`max_iterations`"),
        ("[tool.kaizen.benchmarks]\nmain = 42", r"`benchmarks.main`"),
        ("[tool.kaizen.benchmarks]\nmain = { cmd = 'a', shell = 'b' }", r"benchmarks.main must have exactly one of `cmd`"),
        ("[tool.kaizen.benchmarks]\nmain = { cmd = 'python b.py', sizes = [1, 2] }", r"no \{n\} placeholder"),
        ("[tool.kaizen.benchmarks]\nmain = ''", r"benchmarks.main is empty"),
        ("[tool.kaizen.benchmarks]\nmain = 'python \"unclosed'", r"cannot split"),
        ("source = ['/etc']", r"must be a path inside the repository"),
    ],
)
def test_validation_errors_are_one_line_and_name_the_key(tmp_path: Path, body: str, expected: str) -> None:
    write(tmp_path, "pyproject.toml", f"[tool.kaizen]\n{body}\n")
    with pytest.raises(KaizenError, match=expected) as info:
        load_config(tmp_path)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("pyproject.toml")


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "kaizen.toml", "source = [\n")
    with pytest.raises(KaizenError, match="not valid TOML"):
        load_config(tmp_path)


def test_unknown_benchmark_name_lists_the_known_ones(tmp_path: Path) -> None:
    write(tmp_path, "kaizen.toml", "[benchmarks]\nmain = 'python b.py'\n")
    config = load_config(tmp_path)
    with pytest.raises(KaizenError, match="configured: main"):
        config.benchmark("other")
