"""Import time: which packages are timed, how `-X importtime` is read, and real pairs on two checkouts."""

from __future__ import annotations

from pathlib import Path

from kaizen.measure.imports import (
    ImportFailure,
    ImportMeasurement,
    importable_modules,
    measure_imports,
    parse_importtime,
)
from kaizen.measure.pairs import PairSettings, Side
from kaizen.verify.stats import Verdict
from tests.conftest import write_files

IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       343 |        343 |         _json
import time:       455 |      16081 |   json
import time:       391 |        391 |   pk.sub
import time:      2539 |      19010 | pk
import time:       100 |        250 | other
"""


def test_parse_sums_top_level_cumulative_times_of_the_named_modules() -> None:
    assert parse_importtime(IMPORTTIME, ["pk"]) == 19010.0
    assert parse_importtime(IMPORTTIME, ["pk", "other"]) == 19260.0
    assert parse_importtime(IMPORTTIME, ["json"]) is None  # only nested: not imported by the -c line itself
    assert parse_importtime(IMPORTTIME, ["pk", "missing"]) is None


def test_importable_modules_follow_source_without_running_scripts(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "pkg/__init__.py": "", "src/lib/__init__.py": "", "src/loose.py": "", "bench.py": "", "tests/__init__.py": "",
        "single.py": "", "notpkg/data.txt": "",
    })
    assert importable_modules(tmp_path, ["pkg"]) == ["pkg"]
    assert importable_modules(tmp_path, ["src"]) == ["lib"]
    assert importable_modules(tmp_path, ["."]) == ["pkg"]  # bench.py is a script, tests are skipped
    assert importable_modules(tmp_path, ["single.py", "pkg", "notpkg"]) == ["pkg", "single"]
    assert importable_modules(tmp_path, ["nope"]) == []


def test_a_slower_import_is_measured_slower_in_pairs(tmp_path: Path) -> None:
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    write_files(fast, {"pkg/__init__.py": "X = 1\n"})
    write_files(slow, {"pkg/__init__.py": "X = sum(i * i for i in range(300_000))\n"})
    settings = PairSettings(max_pairs=8, min_pairs=8, threshold=0.10)
    result = measure_imports(["pkg"], Side("base", fast), Side("head", slow), settings)
    assert isinstance(result, ImportMeasurement)
    assert result.comparison.verdict is Verdict.SLOWER and result.head_ms > result.base_ms * 3
    assert len(result.base_us) == len(result.head_us) == 8


def test_an_import_error_names_the_side_and_the_error(tmp_path: Path) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    write_files(good, {"pkg/__init__.py": ""})
    write_files(bad, {"pkg/__init__.py": "raise RuntimeError('broken on purpose')\n"})
    result = measure_imports(["pkg"], Side("base", good), Side("head", bad), PairSettings(max_pairs=8))
    assert isinstance(result, ImportFailure) and result.side == "head"
    assert "RuntimeError: broken on purpose" in result.detail
