"""``kaizen fix``: apply every rewrite the safety checks allow; ``--diff`` shows them and writes nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from kaizen.analyze.scan import scan
from kaizen.commands.scan import parse_select, targets
from kaizen.errors import KaizenError
from kaizen.transform.apply import fix_source, unified_diff
from kaizen.transform.files import read_source, write_atomic


def run(cwd: Path, *, paths: tuple[str, ...], diff: bool, select: str | None) -> int:
    root = cwd.resolve()
    selected = parse_select(select)
    report = scan(root, targets(root, paths), select=selected)
    fixed = changed = 0
    for rel in sorted({f.path for f in report.findings if f.fixable}):
        path = Path(rel) if Path(rel).is_absolute() else root / rel
        try:
            source = read_source(path)
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError) as exc:
            raise KaizenError(f"cannot read {rel}: {exc}") from None
        new, applied, _ = fix_source(source.text, selected, path=rel, where=str(path))
        if new == source.text:
            continue
        fixed, changed = fixed + len(applied), changed + 1
        if diff:
            sys.stdout.write(unified_diff(source.text, new, rel))
        else:
            try:
                write_atomic(path, source.encode(new))
            except (OSError, UnicodeEncodeError) as exc:
                raise KaizenError(f"cannot write {rel}: {exc}; nothing else was changed in it") from None
    left = len(report.findings) - report.fixable
    verb = "would fix" if diff else "fixed"
    print(f"kaizen: {verb} {fixed} finding(s) in {changed} file(s); {left} left as reported only (not provably safe)", file=sys.stderr)
    return 0
