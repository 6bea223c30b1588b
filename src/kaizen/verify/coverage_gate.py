"""Do the tests run the lines a candidate changed? coverage.py on the candidate, changed files only.

A changed line counts when the statement it belongs to ran: a continuation line of a long call
belongs to that call, a changed ``def`` or decorator line (``@functools.cache`` added) belongs to
the function's first statement, because what matters is that the tests *call* the function, not
that the module was imported. Lines that belong to no statement (blank, comment, ``else:``) do
not count either way.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kaizen.config import Command
from kaizen.verify.bootstrap import run_with_bootstrap
from kaizen.verify.report import ChangedFunction

Span = tuple[int, int]  # first and last line, inclusive


@dataclass(frozen=True)
class LineCoverage:
    fraction: float | None  # None: nothing executable changed, or coverage could not be measured
    uncovered: tuple[int, ...]
    notes: tuple[str, ...]


def statement_spans(source: str, lines: Iterable[int]) -> dict[int, Span]:
    """For each changed line inside a statement: the lines whose execution means it ran."""
    tree = ast.parse(source)
    owned: list[tuple[Span, ast.stmt]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            owned.append((_own_lines(node), node))
    found: dict[int, Span] = {}
    for line in lines:
        holders = [(span, node) for span, node in owned if span[0] <= line <= span[1]]
        if not holders:
            continue
        span, node = max(holders, key=lambda h: h[0][0])  # the innermost statement
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            span = _own_lines(_first_statement(node))
        found[line] = span
    return found


def _own_lines(node: ast.stmt) -> Span:
    start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    body = getattr(node, "body", None)
    if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
        return start, max(start, body[0].lineno - 1)  # a compound statement owns its header only
    return start, node.end_lineno or node.lineno


def _first_statement(func: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.stmt:
    body = func.body
    docstring = isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)
    return body[1] if docstring and len(body) > 1 else body[0]


def measure(candidate: Path, tests: Command, changed: Sequence[ChangedFunction], timeout: float, workdir: Path) -> LineCoverage:
    out = workdir / "cover"
    out.mkdir(parents=True, exist_ok=True)
    files = sorted({os.path.realpath(candidate / c.path) for c in changed})
    job = workdir / "cover.json"
    job.write_text(json.dumps({"files": files, "out": str(out), "coverage_path": _kaizen_coverage(workdir)}), encoding="utf-8")
    note = run_with_bootstrap(tests, candidate, timeout, KAIZEN_VERIFY_COVER=str(job))
    notes = [f"coverage run {note}"] if note else []
    executed: dict[str, set[int]] = {}
    for path in out.glob("*.cover"):
        for name, lines in json.loads(path.read_text(encoding="utf-8")).items():
            executed.setdefault(os.path.realpath(name), set()).update(lines)
    errors = sorted({p.read_text(encoding="utf-8") for p in out.glob("*.cover-error")})
    if not any(out.glob("*.cover")):
        why = errors[0] if errors else "no Python process of the test command reported"
        return LineCoverage(None, (), (*notes, f"coverage of changed lines unavailable: {why}"))
    return _judge(candidate, changed, executed, notes)


def _judge(candidate: Path, changed: Sequence[ChangedFunction], executed: dict[str, set[int]], notes: list[str]) -> LineCoverage:
    total = 0
    uncovered: set[int] = set()
    for path in sorted({c.path for c in changed}):
        lines = {line for c in changed if c.path == path for line in c.lines}
        source = (candidate / path).read_text(encoding="utf-8")
        ran = executed.get(os.path.realpath(candidate / path), set())
        for line, (first, last) in statement_spans(source, lines).items():
            total += 1
            if not any(first <= n <= last for n in ran):
                uncovered.add(line)
    if total == 0:
        return LineCoverage(None, (), (*notes, "no executable line changed"))
    return LineCoverage((total - len(uncovered)) / total, tuple(sorted(uncovered)), tuple(notes))


def _kaizen_coverage(workdir: Path) -> str | None:
    """A folder holding only kaizen's coverage package, for a project interpreter without one."""
    try:
        import coverage
    except ImportError:
        return None
    folder = workdir / "coverage-site"
    folder.mkdir(exist_ok=True)
    link = folder / "coverage"
    if not link.exists():
        link.symlink_to(Path(coverage.__file__).parent, target_is_directory=True)
    return str(folder)
