"""Scan results cached per file content, so a re-scan only parses what changed.

An entry is keyed by a hash of the file's bytes salted with everything that can change the result:
kaizen's version, the Python version (``ast`` differs), the selected pattern ids, and a fingerprint
of the detection code itself (so a development checkout never serves stale findings). Entries are
small JSON files written atomically; a cache that cannot be written is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from kaizen import __version__, git
from kaizen.analyze.detect import FileResult
from kaizen.errors import KaizenError
from kaizen.patterns.base import Finding

SCHEMA_VERSION = 1
_CODE_DIRS = ("patterns", "analyze")


def default_dir(root: Path) -> Path:
    """``.kaizen/cache/scan`` in the git repository holding ``root``; the user cache dir outside one."""
    try:
        return git.kaizen_dir(git.repo_root(root)) / "cache" / "scan"
    except (KaizenError, OSError):
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "kaizen" / "scan"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the detection code: patterns and analysis modules."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=16)
    for folder in _CODE_DIRS:
        for path in sorted((package / folder).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def salt(pattern_ids: tuple[str, ...]) -> bytes:
    parts = [str(SCHEMA_VERSION), __version__, f"{sys.version_info[0]}.{sys.version_info[1]}", ",".join(pattern_ids), code_fingerprint()]
    return "|".join(parts).encode()


class ScanCache:
    """Content-addressed entries under ``folder`` (None: no caching)."""

    def __init__(self, folder: Path | None, salt: bytes) -> None:
        self.folder = folder
        self.salt = salt

    def key(self, data: bytes) -> str:
        return hashlib.blake2b(self.salt + b"\0" + data, digest_size=20).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key[2:]}.json"

    def load(self, key: str, path: str) -> FileResult | None:
        if self.folder is None:
            return None
        try:
            rows = json.loads(self._path(key).read_bytes())
            return FileResult(tuple(Finding(row[0], row[1], path, *row[2:]) for row in rows))
        except (OSError, ValueError, TypeError, IndexError):
            return None  # missing or damaged: scan again

    def store(self, key: str, result: FileResult) -> None:
        if self.folder is None or result.errors:
            return  # detector crashes are not cached: they must show up on every run
        rows = [
            [f.pattern_id, f.name, f.line, f.col, f.end_line, f.message, f.function, f.fixable, f.reason]
            for f in result.findings
        ]
        target = self._path(key)
        tmp = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(rows, handle, separators=(",", ":"))
            os.replace(tmp, target)
        except OSError:  # a read-only or full disk only costs speed
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
