"""``kaizen scan --format sarif``: SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, IDEs).

One run, one rule per catalogue pattern (plus KZ000 for files that do not parse), one result per
finding. Fixable findings are warnings, report-only ones notes, unparsable files errors. Paths are
relative to the scan root, which ``originalUriBaseIds`` names as SRCROOT.
"""

from __future__ import annotations

import json

from kaizen import __version__
from kaizen.analyze.detect import PARSE_ERROR_ID, PARSE_ERROR_NAME
from kaizen.analyze.scan import ScanReport
from kaizen.patterns.base import Finding
from kaizen.patterns.registry import all_patterns

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/kaizen-perf/kaizen"


def _rules() -> list[dict[str, object]]:
    rules: list[dict[str, object]] = [
        {
            "id": PARSE_ERROR_ID,
            "name": PARSE_ERROR_NAME,
            "shortDescription": {"text": "The file cannot be decoded or parsed as Python"},
            "fullDescription": {"text": "kaizen reads Python with the running interpreter's parser; this file does not parse, so it was not analysed."},
            "defaultConfiguration": {"level": "error"},
        }
    ]
    for pattern in all_patterns():
        hazards = "\n".join(f"- {h}" for h in pattern.hazards)
        rules.append(
            {
                "id": pattern.id,
                "name": pattern.name,
                "shortDescription": {"text": pattern.title},
                "fullDescription": {"text": pattern.description},
                "help": {"text": f"{pattern.description}\n\nHazards checked before rewriting:\n{hazards}"},
                "defaultConfiguration": {"level": "warning"},
                "properties": {"tags": ["performance"]},
            }
        )
    return rules


def _level(finding: Finding) -> str:
    if finding.pattern_id == PARSE_ERROR_ID:
        return "error"
    return "warning" if finding.fixable else "note"


def _result(finding: Finding, index: dict[str, int]) -> dict[str, object]:
    text = finding.message if finding.fixable else f"{finding.message} (not fixed: {finding.reason})"
    location: dict[str, object] = {
        "physicalLocation": {
            "artifactLocation": {"uri": finding.path, "uriBaseId": "SRCROOT"},
            "region": {"startLine": finding.line, "startColumn": finding.col + 1, "endLine": max(finding.end_line, finding.line)},
        }
    }
    if finding.function:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.function, "kind": "function"}]
    result: dict[str, object] = {
        "ruleId": finding.pattern_id,
        "level": _level(finding),
        "message": {"text": text},
        "locations": [location],
        "properties": {"fixable": finding.fixable},
    }
    if finding.pattern_id in index:
        result["ruleIndex"] = index[finding.pattern_id]
    if finding.reason:
        result["properties"] = {"fixable": finding.fixable, "reason": finding.reason}
    return result


def render(report: ScanReport) -> str:
    rules = _rules()
    index = {str(rule["id"]): i for i, rule in enumerate(rules)}
    notifications = [{"level": "error", "message": {"text": error}} for error in report.errors]
    run: dict[str, object] = {
        "tool": {"driver": {"name": "kaizen", "version": __version__, "informationUri": INFORMATION_URI, "rules": rules}},
        "originalUriBaseIds": {"SRCROOT": {"uri": report.root.as_uri() + "/"}},
        "invocations": [{"executionSuccessful": not report.errors, "toolExecutionNotifications": notifications}],
        "results": [_result(f, index) for f in report.findings],
        "columnKind": "unicodeCodePoints",
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)
