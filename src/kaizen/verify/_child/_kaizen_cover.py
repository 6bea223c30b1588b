"""Line coverage of a few files, inside every Python process of a test run.

Started by the ``sitecustomize`` beside it when ``KAIZEN_VERIFY_COVER`` names a job file. coverage.py
measures only the files a candidate changed and only from the moment one of them is first imported,
so the runner's own start-up is not traced. Its data stays in memory (nothing is written into the
checkout, the user's ``.coveragerc`` is ignored); at exit the executed line numbers are written as
JSON, one file per process (empty when no measured file was imported there).
When the project's interpreter has no coverage.py, kaizen's own copy is offered through a folder
holding only it (``coverage_path``); its pure-Python tracer works where the C one does not load.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING or __package__:  # part of kaizen: type checks, kaizen's own tests
    from kaizen.verify._child._kaizen_shapes import spec_from_others
else:  # a sibling on sys.path (PYTHONPATH) in the project's process
    from _kaizen_shapes import spec_from_others

_QUIET = ["no-data-collected", "module-not-imported", "module-not-measured", "already-imported",
          "couldnt-parse", "no-ctracer", "include-ignored"]  # fmt: skip


def _import_coverage(extra: str | None) -> Any:
    try:
        import coverage
    except ImportError:
        if not extra:
            raise
        sys.path.append(extra)
        import coverage
    return coverage


class _Trigger:
    """First on ``sys.meta_path``: starts coverage just before a measured file is first imported.

    Until then nothing is traced, so the test runner's own start-up (plugins, collection, pytest's
    assertion rewriting) runs at full speed. Only imports whose last name part matches a measured
    file's are looked up a second time, to compare the file they would load."""

    def __init__(self, files: list[str], start: Any) -> None:
        self.files = set(files)
        self.names = {_module_name(f) for f in files}
        self.start = start
        self.busy = False

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if self.busy or name.rpartition(".")[2] not in self.names:
            return None
        self.busy = True
        try:
            spec = spec_from_others(self, name, path, target)
        finally:
            self.busy = False
        if spec is not None and spec.origin and os.path.realpath(spec.origin) in self.files:
            sys.meta_path.remove(self)
            self.start()
        return None  # the import itself goes on as usual


def _module_name(path: str) -> str:
    folder, base = os.path.split(path)
    return os.path.basename(folder) if base == "__init__.py" else os.path.splitext(base)[0]


def start(job_path: str) -> None:
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    out = job["out"]
    tag = f"{os.getpid()}"
    running: list[Any] = []

    def begin() -> None:
        try:
            coverage = _import_coverage(job.get("coverage_path"))
            cov = coverage.Coverage(data_file=None, include=job["files"], config_file=False)
            # its warnings (no data in a helper process, say) would land in the project's stderr
            cov.set_option("run:disable_warnings", _QUIET)
            cov.start()
            running.append(cov)
        except Exception as exc:  # the tests must run anyway; the parent reports why lines are unknown
            with open(os.path.join(out, f"{tag}.cover-error"), "w", encoding="utf-8") as handle:
                handle.write(f"{type(exc).__name__}: {exc}")

    def finish() -> None:
        lines: dict[str, list[int]] = {}  # empty: no measured file was imported in this process
        for cov in running:
            cov.stop()
            data = cov.get_data()
            lines = {name: sorted(data.lines(name) or ()) for name in data.measured_files()}
        path = os.path.join(out, f"{tag}.cover")
        with open(path + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(lines, handle)
        os.replace(path + ".tmp", path)

    sys.meta_path.insert(0, _Trigger(job["files"], begin))
    atexit.register(finish)
