"""``kaizen scan`` findings as linter text and as versioned JSON."""

from __future__ import annotations

import json

from kaizen import __version__
from kaizen.analyze.scan import ScanReport
from kaizen.patterns.base import Finding

SCHEMA_VERSION = 1


def finding_line(finding: Finding) -> str:
    """``path:line:col: ID message [fixable]`` or ``… (not fixed: reason)``, like a linter."""
    tail = "[fixable]" if finding.fixable else f"(not fixed: {finding.reason})"
    return f"{finding.location}: {finding.pattern_id} {finding.message} {tail}"


def summary(report: ScanReport) -> str:
    count = len(report.findings)
    noun = "finding" if count == 1 else "findings"
    files = "file" if report.files == 1 else "files"
    return (
        f"{count} {noun} ({report.fixable} fixable) in {report.files} {files}, {report.lines} lines"
        + (f"; {len(report.errors)} detector error(s), a bug in kaizen" if report.errors else "")
    )


def render_text(report: ScanReport) -> str:
    lines = [finding_line(f) for f in report.findings]
    lines.append(summary(report))
    return "\n".join(lines)


def finding_dict(finding: Finding) -> dict[str, object]:
    return {
        "id": finding.pattern_id,
        "name": finding.name,
        "path": finding.path,
        "line": finding.line,
        "column": finding.col + 1,
        "end_line": finding.end_line,
        "function": finding.function,
        "message": finding.message,
        "fixable": finding.fixable,
        "reason": finding.reason,
    }


def render_json(report: ScanReport) -> str:
    data = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "kaizen", "version": __version__},
        "root": report.root.as_posix(),
        "patterns": list(report.patterns),
        "summary": {
            "files": report.files,
            "lines": report.lines,
            "findings": len(report.findings),
            "fixable": report.fixable,
            "cached_files": report.cached,
        },
        "findings": [finding_dict(f) for f in report.findings],
        "errors": list(report.errors),
    }
    return json.dumps(data, indent=2)
