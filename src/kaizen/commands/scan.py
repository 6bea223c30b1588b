"""``kaizen scan``: the catalogue's findings in files, as linter text, JSON or SARIF."""

from __future__ import annotations

import sys
from pathlib import Path

from kaizen import git
from kaizen.analyze.scan import scan
from kaizen.config import find_config_file, load_config
from kaizen.errors import ExitCode, KaizenError
from kaizen.present import findings as present
from kaizen.present import sarif


def run(cwd: Path, *, paths: tuple[str, ...], fmt: str, exit_code: bool, select: str | None) -> int:
    root = cwd.resolve()
    report = scan(root, targets(root, paths), select=parse_select(select))
    if fmt == "json":
        sys.stdout.write(present.render_json(report) + "\n")
    elif fmt == "sarif":
        sys.stdout.write(sarif.render(report) + "\n")
    else:
        sys.stdout.write(present.render_text(report) + "\n")
    for error in report.errors:
        print(f"kaizen: warning: {error}", file=sys.stderr)
    return int(ExitCode.FAILED) if exit_code and report.findings else int(ExitCode.OK)


def targets(root: Path, paths: tuple[str, ...]) -> list[Path]:
    """The paths given, else the configured ``source`` paths, else the current folder."""
    if paths:
        return [root / p for p in paths]
    try:
        repo = git.repo_root(root)
    except KaizenError:
        return [root]
    if find_config_file(repo) is None:
        return [root]
    source = load_config(repo).source
    return [repo / s for s in source] if source else [root]


def parse_select(select: str | None) -> frozenset[str] | None:
    if select is None:
        return None
    chosen = frozenset(s.strip() for s in select.split(",") if s.strip())
    if not chosen:
        raise KaizenError("--select needs pattern ids, e.g. --select KZ101,KZ102 (see `kaizen patterns`)")
    return chosen
