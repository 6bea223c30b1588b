"""Apply one rewrite (``apply_one``, for the overnight loop) or every safe one (``fix_source``,
for ``kaizen fix``).

Both re-detect in the text as it is now (a finding may be stale), ask the pattern's safety check
with the evidence at hand, rewrite with libcst, and prove the result parses and byte-compiles.
``apply_one`` writes the file only when all of that succeeded, atomically. Expected outcomes are
values (``Applied | Refused | Crashed``), not exceptions.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from kaizen.analyze.detect import Detection, detect, parse_failure, select_patterns, to_finding
from kaizen.patterns.base import Evidence, Finding, Pattern, RewriteError, Site
from kaizen.patterns.registry import get
from kaizen.transform.files import read_source, write_atomic

MAX_ROUNDS = 50  # fix_source: one rewrite per round; a guard against a pattern that never settles


@dataclass(frozen=True)
class Applied:
    path: Path
    diff: str
    new_source: str


@dataclass(frozen=True)
class Refused:
    reason: str


@dataclass(frozen=True)
class Crashed:
    error: str


TransformResult = Applied | Refused | Crashed


class InvalidRewrite(Exception):
    """A rewrite produced code that does not compile: a bug in the pattern, never the user's."""


def rewrite_site(text: str, pattern: Pattern, site: Site, filename: str = "<source>") -> str:
    """The text with ``site`` rewritten. Raises ``RewriteError`` (cannot be done here) or
    ``InvalidRewrite`` (the result does not compile)."""
    new = pattern.rewrite(cst.parse_module(text), site).code
    try:
        compile(new, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        raise InvalidRewrite(f"{pattern.id} produced code that does not compile: {exc}") from exc
    return new


def unified_diff(old: str, new: str, path: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path.lstrip('/')}", f"b/{path.lstrip('/')}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def apply_one(path: Path, pattern_id: str, line: int, evidence: Evidence | None = None) -> TransformResult:
    """Rewrite the ``pattern_id`` site at ``line`` of ``path`` in place, if it is still there and safe."""
    try:
        pattern = get(pattern_id)
    except KeyError:
        return Refused(f"unknown pattern {pattern_id}")
    try:
        source = read_source(path)
    except OSError as exc:
        return Refused(f"cannot read {path}: {exc.strerror or exc}")
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        return Refused(f"cannot decode {path}: {exc}")
    try:
        tree = ast.parse(source.text, filename=str(path))
    except (SyntaxError, ValueError, RecursionError) as exc:
        return Refused(f"{path} does not parse: {exc}")
    try:
        sites = [d.site for d in detect(tree, source.text, [pattern], str(path)) if d.site.line == line]
    except Exception as exc:  # a detector bug
        return Crashed(f"{pattern.id} detector crashed: {type(exc).__name__}: {exc}")
    if not sites:
        return Refused(f"no {pattern.id} finding at line {line} any more (the file changed?)")
    site = sites[0]
    reason = pattern.refuse(site, evidence)
    if reason is not None:
        return Refused(reason)
    try:
        new_text = rewrite_site(source.text, pattern, site, str(path))
    except RewriteError as exc:
        return Refused(str(exc))
    except Exception as exc:  # InvalidRewrite, or a bug inside the rewrite
        return Crashed(f"{type(exc).__name__}: {exc}")
    if new_text == source.text:
        return Crashed(f"{pattern.id} rewrite changed nothing")
    try:
        write_atomic(path, source.encode(new_text))
    except (OSError, UnicodeEncodeError) as exc:
        return Refused(f"cannot write {path}: {exc}")
    return Applied(path, unified_diff(source.text, new_text, path.as_posix()), new_text)


def fix_source(
    source: str,
    select: Iterable[str] | None = None,
    evidence: Evidence | None = None,
    *,
    path: str = "<source>",
    where: str | None = None,
) -> tuple[str, tuple[Finding, ...], tuple[Finding, ...]]:
    """Apply every safe rewrite, one at a time, re-detecting after each, until none is left.
    ``path`` names the file in findings; ``where`` is its full path when that differs (patterns
    may read what the location means, see ``Pattern.concerns``).

    Returns the new text, the findings applied (with the line they had when applied), and the
    findings left unfixed with the reason (a site whose rewrite failed is not retried).
    """
    patterns = select_patterns(select)
    current = source
    applied: list[Finding] = []
    stuck: dict[tuple[str, str, str], str] = {}
    refused: list[Finding] = []
    for _ in range(MAX_ROUNDS):
        try:
            tree = ast.parse(current, filename=path)
        except (SyntaxError, ValueError, RecursionError) as exc:
            return current, tuple(applied), (parse_failure(path, exc),)
        refused, candidate = [], None
        for detection in detect(tree, current, patterns, where or path):
            finding = to_finding(detection, path, evidence)
            key = _identity(detection, current)
            if not finding.fixable or key in stuck:
                refused.append(_with_reason(finding, stuck[key]) if key in stuck else finding)
            elif candidate is None:
                candidate = (detection, finding, key)
        if candidate is None:
            break
        detection, finding, key = candidate
        try:
            new = rewrite_site(current, detection.pattern, detection.site, path)
        except RewriteError as exc:
            stuck[key] = str(exc)
            continue
        except Exception as exc:  # a bug in the rewrite: report it on the finding, keep fixing others
            stuck[key] = f"kaizen bug in the {detection.pattern.id} rewrite: {type(exc).__name__}: {exc}"
            continue
        if new == current:
            stuck[key] = f"kaizen bug: the {detection.pattern.id} rewrite changed nothing"
            continue
        applied.append(finding)
        current = new
    return current, tuple(applied), tuple(refused)


def _identity(detection: Detection, text: str) -> tuple[str, str, str]:
    """What identifies a site across rewrites that move lines: pattern, message and the line's text."""
    lines = text.splitlines()
    line = lines[detection.site.line - 1].strip() if 0 < detection.site.line <= len(lines) else ""
    return detection.pattern.id, detection.site.message, line


def _with_reason(finding: Finding, reason: str) -> Finding:
    return Finding(
        finding.pattern_id, finding.name, finding.path, finding.line, finding.col, finding.end_line,
        finding.message, finding.function, False, reason,
    )

