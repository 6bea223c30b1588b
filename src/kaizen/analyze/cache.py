"""Scan results cached per file content, so a re-scan only parses what changed.

An entry is keyed by a hash of the file's bytes salted with everything that can change the result:
kaizen's version, the Python version (``ast`` differs), the selected pattern ids, and a fingerprint
of the detection code itself (so a development checkout never serves stale findings).

Entries live in one SQLite file (``scan.db``) rather than a file each: creating thousands of small
files cost more than the scan they saved (about 2 ms a file here, most of a cold stdlib scan's
overhead). The scan's workers only read; the process that started them writes every new entry in
one transaction. Entries not written for ``MAX_AGE_DAYS`` are dropped. A cache that cannot be opened
or written is simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from kaizen import __version__, git
from kaizen.analyze.detect import FileResult
from kaizen.errors import KaizenError
from kaizen.patterns.base import Finding

SCHEMA_VERSION = 2
MAX_AGE_DAYS = 30
DB_NAME = "scan.db"
_BATCH = 500  # keys per SELECT: below SQLite's oldest limit on bound parameters (999)
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
    """Content-addressed entries in ``folder``/scan.db (``folder`` None: no caching)."""

    def __init__(self, folder: Path | None, salt: bytes) -> None:
        self.folder = folder
        self.salt = salt
        self._reader: sqlite3.Connection | None = None

    def key(self, data: bytes, place: str = "") -> str:
        return content_key(self.salt, data, place)

    @contextlib.contextmanager
    def reading(self) -> Iterator[ScanCache]:
        """One connection for every ``load_many`` inside (a scan looks entries up batch by batch)."""
        self._reader = self._connect(create=False)
        try:
            yield self
        finally:
            if self._reader is not None:
                self._reader.close()
            self._reader = None

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        """The cache database, or None when there is none (and ``create`` is false) or it cannot
        be used (unreadable, locked for too long, read-only): then the scan goes without it. A
        damaged file is the cache's own to replace, so writing starts it afresh."""
        if self.folder is None:
            return None
        path = self.folder / DB_NAME
        if not create and not path.exists():
            return None
        for attempt in (1, 2):
            db = None
            try:
                if create:
                    self.folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, rows TEXT NOT NULL, written REAL NOT NULL)")
                return db
            except sqlite3.DatabaseError as exc:
                if db is not None:
                    db.close()
                damaged = not isinstance(exc, sqlite3.OperationalError)  # "file is not a database"
                if not (create and damaged and attempt == 1):
                    return None
                for leftover in (path, path.with_name(DB_NAME + "-wal"), path.with_name(DB_NAME + "-shm")):
                    with contextlib.suppress(OSError):
                        leftover.unlink(missing_ok=True)
            except OSError:
                return None
        return None

    def load_many(self, keys: Iterable[tuple[str, str]]) -> dict[str, FileResult]:
        """The cached results of (key, path) pairs, by path; paths missing or damaged are left out."""
        wanted: dict[str, list[str]] = {}
        for key, path in keys:
            wanted.setdefault(key, []).append(path)
        found: dict[str, FileResult] = {}
        db = (self._reader or self._connect(create=False)) if wanted else None
        if db is None:
            return found
        unique = list(wanted)
        try:
            for start in range(0, len(unique), _BATCH):
                batch = unique[start : start + _BATCH]
                query = f"SELECT key, rows FROM entries WHERE key IN ({','.join('?' * len(batch))})"
                for key, rows in db.execute(query, batch):
                    for path in wanted[key]:
                        result = _result(rows, path)
                        if result is not None:
                            found[path] = result
        except sqlite3.Error:
            return {}
        finally:
            if db is not self._reader:
                db.close()
        return found

    def store_many(self, entries: Iterable[tuple[str, FileResult]]) -> None:
        """Remember (key, result) pairs, all in one transaction; crashed detectors are not cached."""
        rows = [(key, _rows(result)) for key, result in entries if not result.errors]
        if not rows:
            return
        now = time.time()
        db = self._connect(create=True)
        if db is None:
            return
        try:
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO entries (key, rows, written) VALUES (?, ?, ?)",
                    [(key, data, now) for key, data in rows],
                )
                db.execute("DELETE FROM entries WHERE written < ?", (now - MAX_AGE_DAYS * 86400,))
        except sqlite3.Error:
            pass  # a locked, read-only or full disk only costs speed
        finally:
            db.close()


def content_key(salt: bytes, data: bytes, place: str = "") -> str:
    """The cache key of a file's bytes, and of what its location means to the patterns (``place``,
    see ``Pattern.place``: "" for nearly every file). A module function: the scan's workers
    compute it too."""
    return hashlib.blake2b(salt + b"\0" + place.encode() + b"\0" + data, digest_size=20).hexdigest()


def _rows(result: FileResult) -> str:
    return json.dumps(
        [[f.pattern_id, f.name, f.line, f.col, f.end_line, f.message, f.function, f.fixable, f.reason] for f in result.findings],
        separators=(",", ":"),
    )


def _result(rows: str, path: str) -> FileResult | None:
    try:
        return FileResult(tuple(Finding(row[0], row[1], path, *row[2:]) for row in json.loads(rows)))
    except (ValueError, TypeError, IndexError):
        return None  # damaged: scan again
