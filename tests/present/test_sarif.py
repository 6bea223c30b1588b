"""`kaizen scan --format sarif` validates against the SARIF 2.1.0 schema kaizen ships.

The schema file is kaizen's own transcription of the OASIS SARIF 2.1.0 standard for the objects it
emits (the official file could not be fetched offline); the last test shows it rejects documents
that break the standard, so passing it means something.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from kaizen.analyze.scan import scan
from kaizen.present import sarif

SCHEMA = json.loads((Path(sarif.__file__).parent / "schemas" / "sarif-2.1.0-subset.schema.json").read_text(encoding="utf-8"))


def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@pytest.fixture
def document(tmp_path: Path) -> dict[str, object]:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "fast.py").write_text(
        "def keep(text):\n    stop = ['a']\n    return [w for w in text.split() if w not in stop]\n", encoding="utf-8"
    )
    (tmp_path / "pkg" / "shared.py").write_text("def keep(ws, stop):\n    return [w for w in ws if w in stop]\n", encoding="utf-8")
    (tmp_path / "pkg" / "broken.py").write_text("def (:\n", encoding="utf-8")
    report = scan(tmp_path, [Path("pkg")], cache_dir=None)
    data = json.loads(sarif.render(report))
    assert isinstance(data, dict)
    return data


def test_the_log_is_valid_sarif_2_1_0(document: dict[str, object]) -> None:
    errors = sorted(validator().iter_errors(document), key=str)
    assert not errors, errors[0].message


def test_results_point_at_rules_files_and_lines(document: dict[str, object]) -> None:
    run = document["runs"][0]  # type: ignore[index]
    rules = run["tool"]["driver"]["rules"]
    results = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r for r in run["results"]}
    assert set(results) == {("KZ102", "pkg/fast.py"), ("KZ102", "pkg/shared.py"), ("KZ000", "pkg/broken.py")}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    fixable, shared, broken = results[("KZ102", "pkg/fast.py")], results[("KZ102", "pkg/shared.py")], results[("KZ000", "pkg/broken.py")]
    assert (fixable["level"], shared["level"], broken["level"]) == ("warning", "note", "error")
    assert fixable["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 40, "endLine": 3}
    assert fixable["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": "keep", "kind": "function"}]
    assert "not fixed" in shared["message"]["text"] and shared["properties"]["reason"]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"].startswith("file:///")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("version",), "2.0.0"),
        (("runs", 0, "results", 0, "level"), "warn"),
        (("runs", 0, "results", 0, "locations", 0, "physicalLocation", "region", "startLine"), 0),
        (("runs", 0, "tool", "driver", "rules", 0, "shortDescription"), "a bare string"),
        (("runs", 0, "results", 0, "mesage"), {"text": "typo"}),
    ],
)
def test_the_schema_rejects_what_the_standard_forbids(document: dict[str, object], path: tuple[object, ...], value: object) -> None:
    broken = copy.deepcopy(document)
    target: object = broken
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    assert list(validator().iter_errors(broken))
