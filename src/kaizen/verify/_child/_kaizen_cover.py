"""Line coverage of a few files, inside every Python process of a test run.

Started by the ``sitecustomize`` beside it when ``KAIZEN_VERIFY_COVER`` names a job file. coverage.py
measures only the files a candidate changed (so the rest of the suite runs at nearly full speed),
keeps its data in memory (nothing is written into the checkout, the user's ``.coveragerc`` is
ignored) and at exit the executed line numbers are written as JSON, one file per process.
When the project's interpreter has no coverage.py, kaizen's own copy is offered through a folder
holding only it (``coverage_path``); its pure-Python tracer works where the C one does not load.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
from typing import Any


def _import_coverage(extra: str | None) -> Any:
    try:
        import coverage
    except ImportError:
        if not extra:
            raise
        sys.path.append(extra)
        import coverage
    return coverage


def start(job_path: str) -> None:
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    out = job["out"]
    tag = f"{os.getpid()}"
    try:
        coverage = _import_coverage(job.get("coverage_path"))
        cov = coverage.Coverage(data_file=None, include=job["files"], config_file=False)
        cov.start()
    except Exception as exc:  # the tests must run anyway; the parent reports why lines are unknown
        with open(os.path.join(out, f"{tag}.cover-error"), "w", encoding="utf-8") as handle:
            handle.write(f"{type(exc).__name__}: {exc}")
        return

    def finish() -> None:
        cov.stop()
        data = cov.get_data()
        lines = {name: sorted(data.lines(name) or ()) for name in data.measured_files()}
        path = os.path.join(out, f"{tag}.cover")
        with open(path + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(lines, handle)
        os.replace(path + ".tmp", path)

    atexit.register(finish)
