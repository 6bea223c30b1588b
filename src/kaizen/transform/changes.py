"""Which functions a rewrite changed: the diff's new lines mapped to the functions that hold them,
with the module name a test process would import them by."""

from __future__ import annotations

import ast
import re
from pathlib import Path, PurePosixPath

from kaizen.analyze.functions import MODULE, function_spans
from kaizen.verify.report import ChangedFunction

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)


def new_lines(diff: str) -> dict[str, set[int]]:
    """File (posix, relative) → line numbers in the new file that the diff adds or changes."""
    changed: dict[str, set[int]] = {}
    current: str | None = None
    line = 0
    for text in diff.splitlines():
        if text.startswith("+++ "):
            target = text[4:].strip()
            current = target[2:] if target.startswith("b/") else None
            continue
        hunk = _HUNK.match(text)
        if hunk:
            line = int(hunk.group(1))
            continue
        if current is None or text.startswith(("---", "diff ", "index ")):
            continue
        if text.startswith("+"):
            changed.setdefault(current, set()).add(line)
            line += 1
        elif text.startswith(" "):
            line += 1
    return changed


def module_name(path: str) -> str:
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[0] == "src":
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def changed_functions(checkout: Path, diff: str) -> list[ChangedFunction]:
    """The innermost function around each changed line; lines outside every function (an added
    import) count for the functions that changed in the same file, not on their own."""
    result: list[ChangedFunction] = []
    for path, lines in sorted(new_lines(diff).items()):
        if not path.endswith(".py"):
            continue
        source = (checkout / path).read_text(encoding="utf-8")
        spans = [s for s in function_spans(ast.parse(source), source.count("\n") + 1) if s.qualname != MODULE]
        owners: dict[str, set[int]] = {}
        for line in lines:
            inside = [s for s in spans if s.contains(line)]
            if inside:
                owners.setdefault(min(inside, key=lambda s: s.size).qualname, set()).add(line)
        result += [ChangedFunction(path=path, qualname=q, module=module_name(path), lines=tuple(sorted(ls))) for q, ls in sorted(owners.items())]
    return result
