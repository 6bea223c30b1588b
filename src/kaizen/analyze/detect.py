"""One source text → its findings: decode, parse with ``ast``, run the selected detectors.

Nothing here raises for a bad input file: text that cannot be decoded or parsed becomes a
``KZ000`` finding, and a detector that crashes (a bug in kaizen) becomes an error line, so a scan
of a large tree always finishes.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kaizen.errors import KaizenError
from kaizen.patterns.base import Evidence, Finding, Pattern, Site
from kaizen.patterns.registry import all_patterns, get
from kaizen.patterns.scopes import forget

PARSE_ERROR_ID = "KZ000"
PARSE_ERROR_NAME = "parse-error"


@dataclass(frozen=True)
class Detection:
    pattern: Pattern
    site: Site


@dataclass(frozen=True)
class FileResult:
    findings: tuple[Finding, ...]
    errors: tuple[str, ...] = ()  # detector crashes: bugs in kaizen, never the user's fault


def select_patterns(select: Iterable[str] | None) -> tuple[Pattern, ...]:
    """The patterns named by id or name (case-insensitive); all of them for None."""
    if select is None:
        return all_patterns()
    chosen: dict[str, Pattern] = {}
    for item in select:
        try:
            pattern = get(item.strip().upper() if item.strip().upper().startswith("KZ") else item.strip())
        except KeyError:
            known = ", ".join(p.id for p in all_patterns())
            raise KaizenError(f"unknown pattern {item!r}; known patterns: {known} (see `kaizen patterns`)") from None
        chosen[pattern.id] = pattern
    return tuple(sorted(chosen.values(), key=lambda p: p.id))


def decode(data: bytes) -> str:
    """Source bytes as text, honouring a PEP 263 coding cookie and a BOM (universal newlines)."""
    return importlib.util.decode_source(data)


def parse_failure(path: str, exc: BaseException) -> Finding:
    """A ``KZ000`` finding for a file kaizen cannot read as Python."""
    if isinstance(exc, SyntaxError):
        line, col = exc.lineno or 1, max((exc.offset or 1) - 1, 0)
        message = f"cannot parse: {exc.msg}"
    elif isinstance(exc, RecursionError):
        line, col, message = 1, 0, "cannot parse: nested too deeply for the parser"
    else:
        line, col, message = 1, 0, f"cannot parse: {exc}"
    return Finding(PARSE_ERROR_ID, PARSE_ERROR_NAME, path, line, col, line, message, None, False, "the file is not valid Python")


def detect(tree: ast.Module, text: str, patterns: Sequence[Pattern], where: str = "") -> list[Detection]:
    """Every site of the given patterns, in source order; ``where`` is the module's path, when
    known (see ``Pattern.concerns``). Detector exceptions propagate."""
    found: list[Detection] = []
    for pattern in patterns:
        if pattern.triggers and not any(map(text.__contains__, pattern.triggers)):
            continue
        found.extend(Detection(pattern, site) for site in pattern.detect(tree, text) if pattern.concerns(site, where))
    found.sort(key=lambda d: (d.site.line, d.site.col, d.pattern.id))
    return found


def place(patterns: Sequence[Pattern], where: str) -> str:
    """What the file's location means to the patterns (see ``Pattern.place``): part of its cache key."""
    return ";".join(filter(None, (p.place(where) for p in patterns)))


def evidence_for(site: Site, evidence: Evidence | None) -> Evidence | None:
    """``evidence`` when it was gathered for the function the site is in ("pkg.mod.Cls.f" matches
    a site in "Cls.f"), else None."""
    if evidence is None or site.function is None:
        return None
    if evidence.function == site.function or evidence.function.endswith("." + site.function):
        return evidence
    return None


def to_finding(detection: Detection, path: str, evidence: Evidence | None = None) -> Finding:
    site, pattern = detection.site, detection.pattern
    reason = pattern.refuse(site, evidence_for(site, evidence))
    return Finding(
        pattern.id, pattern.name, path, site.line, site.col, site.end_line, site.message, site.function,
        fixable=reason is None, reason=reason,
    )


def scan_text(text: str, path: str, patterns: Sequence[Pattern], where: str | None = None) -> FileResult:
    """Findings of one source text (``where``: the file's full path, when it differs from the
    ``path`` findings carry); never raises."""
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return FileResult((parse_failure(path, exc),))
    findings: list[Finding] = []
    errors: list[str] = []
    for pattern in patterns:
        try:
            detections = detect(tree, text, [pattern], where or path)
            findings.extend(to_finding(d, path) for d in detections)
        except Exception as exc:  # a bug in a detector must not stop the scan of everything else
            errors.append(f"{path}: {pattern.id} detector crashed: {type(exc).__name__}: {exc}")
    forget()  # this module's facts are of no use to the next one
    findings.sort(key=lambda f: (f.line, f.col, f.pattern_id))
    return FileResult(tuple(findings), tuple(errors))


def scan_bytes(data: bytes, path: str, patterns: Sequence[Pattern], where: str | None = None) -> FileResult:
    try:
        text = decode(data)
    except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
        detail = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        finding = Finding(PARSE_ERROR_ID, PARSE_ERROR_NAME, path, 1, 0, 1, f"cannot decode: {detail}", None, False, "the file is not valid Python text")
        return FileResult((finding,))
    return scan_text(text, path, patterns, where)
