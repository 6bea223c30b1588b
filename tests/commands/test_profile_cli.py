"""`kaizen profile` through the installed CLI on a real temp repo: table, JSON, speedscope, growth."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import MakeRepo

pytestmark = pytest.mark.e2e

PACKAGE = {
    "mypkg/__init__.py": '''
        def lookup(n):
            items = list(range(n))
            return sum(1 for x in range(0, 2 * n, 2) if x in items)


        def count(n):
            total = 0
            for i in range(n):
                total += i
            return total
    ''',
    "bench.py": "import sys, mypkg\nmypkg.lookup(int(sys.argv[1]) if len(sys.argv) > 1 else 2500)\n",
}


def config(extra: str = "", source: str = '["mypkg"]') -> str:
    return f"""
[tool.kaizen]
source = {source}
[tool.kaizen.benchmarks]
main = ["{sys.executable}", "bench.py"]
{extra}
"""


def kaizen(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kaizen", *args], cwd=repo, capture_output=True, text=True, timeout=300)


# The parts of https://www.speedscope.app/file-format-schema.json a sampled profile must satisfy.
SPEEDSCOPE = {
    "type": "object",
    "required": ["$schema", "profiles", "shared"],
    "properties": {
        "$schema": {"enum": ["https://www.speedscope.app/file-format-schema.json"]},
        "shared": {
            "type": "object",
            "required": ["frames"],
            "properties": {
                "frames": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {"name": {"type": "string"}, "file": {"type": "string"}, "line": {"type": "number"}},
                    },
                }
            },
        },
        "profiles": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "name", "unit", "startValue", "endValue", "samples", "weights"],
                "properties": {
                    "type": {"enum": ["sampled"]},
                    "unit": {"enum": ["bytes", "microseconds", "milliseconds", "nanoseconds", "none", "seconds"]},
                    "samples": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
                    "weights": {"type": "array", "items": {"type": "number"}},
                },
            },
        },
        "activeProfileIndex": {"type": "number"},
        "name": {"type": "string"},
        "exporter": {"type": "string"},
    },
}


def test_table_json_and_speedscope(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo({**PACKAGE, "pyproject.toml": config()})
    text = kaizen(repo, "profile")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith("kaizen profile · main:")
    assert lines[1].split() == ["total", "%", "self", "%", "calls", "growth", "cc", "function"]
    assert lines[2].split()[3:] == ["O(n²)", "3", "mypkg/__init__.py:2", "lookup"]  # plain text when piped
    assert "stored as .kaizen/profiles/" in text.stdout

    doc = json.loads(kaizen(repo, "profile", "--format", "json", "--calls").stdout)
    assert doc["schema_version"] == 1
    (main,) = doc["benchmarks"]
    top = main["functions"][0]
    assert top["function"] == "lookup" and top["calls"] == 1 and top["total_share"] > 0.3
    assert top["growth"] == "O(n²)" and top["growth_evidence"][0].startswith("line 4: comprehension over")
    assert Path(repo, main["stored"]).is_file()

    out = tmp_path / "main.speedscope.json"
    done = kaizen(repo, "profile", "--format", "speedscope", "--output", str(out))
    assert done.returncode == 0 and done.stdout == "" and f"wrote {out}" in done.stderr
    speedscope = json.loads(out.read_text())
    jsonschema.validate(speedscope, SPEEDSCOPE)
    frames = speedscope["shared"]["frames"]
    (profile,) = speedscope["profiles"]
    assert len(profile["samples"]) == len(profile["weights"]) > 0
    assert all(0 <= i < len(frames) for stack in profile["samples"] for i in stack)
    assert {"name": "lookup", "file": "mypkg/__init__.py", "line": 2} in frames


def test_growth_is_measured_for_sized_benchmarks(make_repo: MakeRepo) -> None:
    sized = f'grow = {{ cmd = ["{sys.executable}", "bench.py", "{{n}}"], sizes = [1500, 2250, 3400] }}'
    repo = make_repo({**PACKAGE, "pyproject.toml": config(sized)})
    done = kaizen(repo, "profile", "--growth", "--benchmark", "grow", "--benchmark", "main")
    assert done.returncode == 0, done.stderr
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("growth · grow")]
    assert "exponent" in line and "≈ O(n" in line
    assert "growth: main declares no sizes" in done.stderr


@pytest.mark.parametrize(
    ("toml", "args", "message"),
    [
        (config(), ("profile", "--benchmark", "nope"), "no benchmark named 'nope'"),
        (config(source='["mypkg", "missing"]'), ("profile",), "source path 'missing' does not exist"),
        (config().replace("bench.py", "crash.py"), ("profile",), "fix it, and try again"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(make_repo: MakeRepo, toml: str, args: tuple[str, ...], message: str) -> None:
    repo = make_repo({**PACKAGE, "crash.py": "raise SystemExit(5)\n", "pyproject.toml": toml})
    done = kaizen(repo, *args)
    assert done.returncode == 2
    (error,) = [x for x in done.stderr.splitlines() if x.startswith("kaizen: error:")]
    assert message in error


def test_candidates_put_the_hot_finding_first(make_repo: MakeRepo) -> None:
    core = '''
        def rarely(n):
            items = list(range(n))
            return [x for x in range(n) if x in items]


        def often(n):
            items = list(range(n))
            return [x for x in range(0, 2 * n, 2) if x in items]
    '''
    repo = make_repo({"mypkg/__init__.py": core, "bench.py": "import mypkg\nmypkg.rarely(20)\nmypkg.often(2500)\n", "pyproject.toml": config()})
    done = kaizen(repo, "candidates", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["schema_version"] == 1 and doc["weights"]["complexity"] == 0.5
    by_function = {c["function"]: c for c in doc["candidates"] if c["pattern"] == "KZ102"}
    assert by_function["often"]["rank"] < by_function["rarely"]["rank"]
    assert by_function["often"]["score_s"] > 10 * by_function["rarely"]["score_s"]
    assert by_function["often"]["growth"] == "O(n²)"
