"""The static shapes (growth, McCabe) of the functions in the files a set of findings points at."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kaizen.analyze.complexity import FunctionShape, analyze_source


def read_shapes(root: Path, paths: Iterable[str]) -> dict[str, tuple[FunctionShape, ...]]:
    """``path`` (posix, relative to ``root``) → its functions' shapes; unreadable files have none."""
    shapes: dict[str, tuple[FunctionShape, ...]] = {}
    for rel in sorted(set(paths)):
        try:
            source = (root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            source = ""
        shapes[rel] = analyze_source(source)
    return shapes
