"""``scan``: every finding of the catalogue in a set of files, fast and never crashing.

Files are read and hashed here, biggest first, a batch at a time; the ones the cache does not know
go to worker processes as soon as their batch is hashed, so the cores start parsing while the rest
is still being read. Small scans (and warm ones, where nearly everything is cached) stay in this
process. Parsing dominates the cost, so the workers run with the cyclic garbage collector off
(``ast`` trees hold no cycles; collecting them repeatedly while thousands of nodes are alive costs
a third of the time).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from kaizen.analyze.cache import ScanCache, content_key, default_dir, salt
from kaizen.analyze.detect import (
    PARSE_ERROR_ID,
    PARSE_ERROR_NAME,
    FileResult,
    place,
    scan_bytes,
    select_patterns,
)
from kaizen.errors import KaizenError
from kaizen.patterns.base import Finding

# Folders no one wants scanned unless they name them: VCS data, virtualenvs, build output, caches.
EXCLUDED_DIRS = frozenset(
    {"__pycache__", "__pypackages__", "_build", "build", "buck-out", "dist", "node_modules", "site-packages", "venv"}
)
POOL_MIN_FILES = 16  # below this, starting worker processes costs more than it saves


@dataclass(frozen=True)
class ScanReport:
    root: Path
    findings: tuple[Finding, ...]
    files: int
    lines: int
    errors: tuple[str, ...] = ()  # detector crashes (bugs in kaizen), "path: what happened"
    cached: int = 0  # files answered from the cache
    patterns: tuple[str, ...] = ()  # the pattern ids looked for

    @property
    def fixable(self) -> int:
        return sum(1 for f in self.findings if f.fixable)

    @property
    def unparsable(self) -> int:
        return sum(1 for f in self.findings if f.pattern_id == PARSE_ERROR_ID)


def scan(
    root: Path,
    paths: Sequence[Path],
    select: frozenset[str] | None = None,
    cache_dir: Path | None = None,
    jobs: int | None = None,
) -> ScanReport:
    """Scan ``paths`` (files or folders; relative ones are taken from ``root``). Findings carry
    posix paths relative to ``root``. ``select`` limits the pattern ids (or names); ``cache_dir``
    overrides where results are cached; ``jobs`` the number of worker processes (default: cores)."""
    root = root.resolve()
    patterns = select_patterns(select)
    ids = tuple(p.id for p in patterns)
    files = discover(root, paths)
    cache = ScanCache(cache_dir if cache_dir is not None else default_dir(root), salt(ids))
    results: dict[str, FileResult] = {}
    lines = cached = 0
    sized = sorted(((path, _size(str(path))) for path in files), key=lambda item: item[1], reverse=True)
    workers = max(1, min(jobs or available_cpus(), len(files)))
    runner = _Runner(ids, cache.salt, workers if len(files) >= POOL_MIN_FILES else 1)
    with cache.reading(), runner:
        for batch in _batches(sized, sum(size for _, size in sized) / (workers * 32)):
            keys: list[tuple[str, str]] = []  # (content key, relative path) of every readable file
            where: dict[str, Path] = {}
            for path, _ in batch:
                rel = relative(root, path)
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    results[rel] = FileResult((_unreadable(rel, exc),))
                    continue
                lines += data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
                keys.append((cache.key(data, place(patterns, str(path))), rel))
                where[rel] = path
            hits = cache.load_many(keys)
            results.update(hits)
            cached += len(hits)
            runner.add([(str(where[rel]), rel) for _, rel in keys if rel not in hits])
        fresh = runner.results()
    cache.store_many((key, result) for _, key, result in fresh if key)
    results.update((rel, result) for rel, _, result in fresh)
    findings = sorted(
        (f for r in results.values() for f in r.findings), key=lambda f: (f.path, f.line, f.col, f.pattern_id)
    )
    errors = tuple(e for rel in sorted(results) for e in results[rel].errors)
    return ScanReport(root, tuple(findings), len(files), lines, errors, cached, ids)


def discover(root: Path, paths: Sequence[Path]) -> list[Path]:
    """The Python files under ``paths``: folders are walked (skipping hidden, virtualenv and build
    folders), files named explicitly are always included. Sorted, without duplicates."""
    found: dict[Path, None] = {}
    for given in paths or [Path(".")]:
        path = given.resolve() if given.is_absolute() else root / given
        if path.is_file() or path.is_symlink():
            found[path] = None
        elif path.is_dir():
            found.update(dict.fromkeys(_walk(path)))
        else:
            raise KaizenError(f"{given} does not exist; give the files or folders to scan")
    return sorted(found)


def _walk(folder: Path) -> Iterator[Path]:
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in EXCLUDED_DIRS)
        base = Path(current)
        yield from (base / n for n in sorted(names) if n.endswith(".py"))


def relative(root: Path, path: Path) -> str:
    """``path`` as found (a symlink keeps its own name), relative to ``root`` when inside it."""
    prefix, text = os.path.join(str(root), ""), str(path)
    if text.startswith(prefix) and ".." not in path.parts:  # the common case, without pathlib's cost
        return text[len(prefix) :].replace(os.sep, "/")
    for candidate in (path, path.resolve()):
        try:
            return candidate.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.resolve().as_posix()  # outside the root: keep it absolute


def _unreadable(rel: str, exc: OSError) -> Finding:
    reason = exc.strerror or type(exc).__name__
    return Finding(PARSE_ERROR_ID, PARSE_ERROR_NAME, rel, 1, 0, 1, f"cannot read: {reason}", None, False, "the file cannot be read")


def _scan_one(task: tuple[str, str], ids: tuple[str, ...], salt: bytes) -> tuple[str, str, FileResult]:
    """(relative path, content key, result): the key of the bytes scanned, even if the file
    changed since the first read ("" when it could not be read)."""
    path, rel = task
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return rel, "", FileResult((_unreadable(rel, exc),))
    patterns = select_patterns(ids)
    return rel, content_key(salt, data, place(patterns, path)), scan_bytes(data, rel, patterns, path)


def _scan_chunk(tasks: list[tuple[str, str]], ids: tuple[str, ...], salt: bytes) -> list[tuple[str, str, FileResult]]:
    return [_scan_one(t, ids, salt) for t in tasks]


def _worker_init() -> None:
    gc.disable()


def _batches(sized: list[tuple[Path, int]], share: float) -> Iterator[list[tuple[Path, int]]]:
    """Consecutive runs of ``sized`` (biggest first) of about ``share`` bytes each: the biggest
    files alone, then more and more small ones together, so every batch is a similar amount of
    work and the cores finish together."""
    batch: list[tuple[Path, int]] = []
    total = 0
    for item in sized:
        batch.append(item)
        total += item[1]
        if total >= share:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


class _Runner:
    """Scans batches of files: in worker processes once there is enough to share, else here."""

    def __init__(self, ids: tuple[str, ...], salt: bytes, workers: int) -> None:
        self.ids, self.salt, self.workers = ids, salt, workers
        self.pending: list[list[tuple[str, str]]] = []  # batches not yet handed to a worker
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future[list[tuple[str, str, FileResult]]]] = []

    def __enter__(self) -> _Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def add(self, tasks: list[tuple[str, str]]) -> None:
        if tasks:
            self.pending.append(tasks)
        if self.pool is None and self.workers > 1 and sum(map(len, self.pending)) >= POOL_MIN_FILES:
            context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_worker_init)
        if self.pool is not None:
            self.futures += [self.pool.submit(_scan_chunk, batch, self.ids, self.salt) for batch in self.pending]
            self.pending = []

    def results(self) -> list[tuple[str, str, FileResult]]:
        """Every result: the workers' in the order handed out, then what was scanned here."""
        done = [triple for future in self.futures for triple in future.result()]
        todo = [task for batch in self.pending for task in batch]
        if todo:
            was_enabled = gc.isenabled()
            gc.disable()
            try:
                done += _scan_chunk(todo, self.ids, self.salt)
            finally:
                if was_enabled:
                    gc.enable()
        return done


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
