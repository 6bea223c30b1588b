"""The stored gate baseline: written atomically, read back exactly, and refused with a one-line reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaizen.errors import KaizenError
from kaizen.record import baseline
from kaizen.record.baseline import Baseline, StoredBenchmark

SAMPLE = Baseline(
    sha="a" * 40,
    created="2026-01-01T00:00:00Z",
    machine="Linux x86_64, CPython 3.11.9, host ci",
    benchmarks={"main": StoredBenchmark("python bench.py", (0.05, 0.051), (10_000_000, 10_100_000))},
    import_modules=("pkg",),
    import_us=(1200.0, 1300.0),
)


def test_round_trip_and_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "baseline.json"
    baseline.save(path, SAMPLE)
    assert baseline.load(path) == SAMPLE
    doc = json.loads(path.read_text())
    assert doc["schema_version"] == baseline.SCHEMA_VERSION and doc["kind"] == "kaizen-gate-baseline"
    assert [p.name for p in path.parent.iterdir()] == ["baseline.json"]  # no temp file left


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("{not json", "cannot read"),
        ('{"kind": "something"}', "is not a kaizen gate baseline"),
        ('{"kind": "kaizen-gate-baseline", "schema_version": 99}', "schema_version 99"),
        ('{"kind": "kaizen-gate-baseline", "schema_version": 1, "sha": "x"}', "is damaged"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(KaizenError, match=message) as info:
        baseline.load(path)
    assert "\n" not in str(info.value) and "--save-baseline" in str(info.value)
