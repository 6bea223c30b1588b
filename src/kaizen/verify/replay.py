"""Old against new: run captured and fuzzed inputs through both versions of one function.

Two fresh processes of the project's interpreter (``_child/_kaizen_replay.py``): the first in the
current best checkout writes the old outcome of every case, the second in the candidate runs the
same cases and compares. Both sides are re-run rather than trusting what the tests saw, so the
comparison is between two runs under the same conditions (fixed hash seed, seeded ``random``,
cleared caches, the same globals); a captured call whose old re-run differs from what the tests
saw is counted as "unreproducible" (it depended on the test's context) and said in a note.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaizen import proc
from kaizen.verify.bootstrap import CHILD_DIR, clean_env
from kaizen.verify.capture import Captured
from kaizen.verify.fuzz import Template

CASE_LIMIT = 30.0  # seconds one captured call may take in the old version
FUZZ_CASE_LIMIT = 2.0  # generated inputs are small; longer means a hang


@dataclass(frozen=True)
class Comparison:
    replayed: int  # captured calls compared
    fuzzed: int  # generated inputs compared
    skipped: int
    difference: str | None
    notes: tuple[str, ...]


def compare_versions(best: Path, candidate: Path, captured: Captured, fuzzed: list[Template], *,
                     workdir: Path, timeout: float, fuzz_seconds: float) -> Comparison:  # fmt: skip
    workdir.mkdir(parents=True, exist_ok=True)
    cases: list[dict[str, Any]] = [
        {"origin": "captured", "calls": [{"input": c.input, "globals": c.globals}], "expected": c.outcome}
        for c in captured.calls
    ]
    cases += [{"origin": "fuzz", "calls": [{"template": call} for call in case]} for case in fuzzed]
    (workdir / "cases.pkl").write_bytes(pickle.dumps({"pool": list(captured.pool), "cases": cases}, 4))
    executable = captured.executable if captured.executable and os.access(captured.executable, os.X_OK) else sys.executable
    old = _run(executable, best, best, captured, workdir, "old", timeout, fuzz_seconds)
    notes: list[str] = []
    if old.error:
        return Comparison(0, 0, 0, None, (f"old version of {captured.name} could not run: {old.error}",))
    if old.count("unreproducible"):
        notes.append(f"{old.count('unreproducible')} captured calls of {captured.name} behave differently outside the tests (depend on test state); compared re-runs")
    if old.count("timeout"):
        notes.append(f"{old.count('timeout')} inputs took the old {captured.name} too long; not compared")
    new = _run(executable, best, candidate, captured, workdir, "new", timeout, fuzz_seconds)
    if new.error:
        return Comparison(0, 0, 0, f"{captured.name}: the candidate cannot be called: {new.error}", tuple(notes))
    compared = [i for i, e in new.done.items() if e["status"] in ("same", "different")]
    replayed = sum(1 for i in compared if cases[i]["origin"] == "captured")
    skipped = old.count("skipped") + new.count("skipped")
    difference = None
    for index, event in new.done.items():
        if event["status"] == "different":
            difference = f"{captured.name}: {event['detail']} — on {_origin(cases, index)}: {event.get('input', '?')}"
    if difference is None and new.unfinished is not None:
        index = new.unfinished
        difference = f"{captured.name}: the new version did not finish (killed after {timeout:g} s) on {_origin(cases, index)}"
        compared.append(index)
    return Comparison(replayed, len(compared) - replayed, skipped, difference, tuple(notes))


def _origin(cases: list[dict[str, Any]], index: int) -> str:
    if cases[index]["origin"] == "captured":
        return f"captured call #{index + 1}"
    return "a generated input"


@dataclass
class _Events:
    done: dict[int, dict[str, Any]]
    error: str | None
    unfinished: int | None  # a case started and never finished (the process was killed)

    def count(self, status: str) -> int:
        return sum(1 for e in self.done.values() if e["status"] == status)


def _run(executable: str, best: Path, checkout: Path, captured: Captured, workdir: Path, mode: str,
         timeout: float, fuzz_seconds: float) -> _Events:  # fmt: skip
    results = workdir / f"{mode}.jsonl"
    job = {
        "module": captured.module, "qualname": captured.qualname, "mode": mode, "seed": 0,
        "paths": _paths(captured.sys_path, best, checkout), "cases": str(workdir / "cases.pkl"),
        "outcomes": str(workdir / "old.outcomes"), "results": str(results),
        "fuzz_seconds": fuzz_seconds, "case_limit": CASE_LIMIT, "fuzz_case_limit": FUZZ_CASE_LIMIT,
    }  # fmt: skip
    job_path = workdir / f"{mode}.json"
    job_path.write_text(json.dumps(job), encoding="utf-8")
    argv = [executable, str(CHILD_DIR / "_kaizen_replay.py"), str(job_path)]
    try:
        result = proc.run(argv, cwd=checkout, env=clean_env(checkout), timeout=timeout)
    except proc.CommandNotFound:
        return _Events({}, f"interpreter not found: {executable}", None)
    events = _read(results)
    if not results.exists() or (not result.timed_out and not any(e.get("event") == "finished" for e in events)):
        error = next((e["detail"] for e in events if e.get("event") == "error"), None)
        return _Events({}, error or f"replay process failed (exit {result.returncode}): {result.stderr_tail(3)}", None)
    done = {int(e["case"]): e for e in events if e.get("event") == "done"}
    started = [int(e["case"]) for e in events if e.get("event") == "start"]
    unfinished = started[-1] if started and started[-1] not in done and result.timed_out else None
    return _Events(done, None, unfinished)


def _read(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:  # the last line of a killed process
            break
    return events


def _paths(sys_path: tuple[str, ...], best: Path, checkout: Path) -> list[str]:
    """The test process's import path entries inside the best checkout (pytest adds its rootdir,
    conftest folders, ``pythonpath``), moved to ``checkout``, so that the same modules import."""
    base = best.resolve()
    moved: list[str] = []
    for entry in sys_path:
        try:
            relative = Path(entry or ".").resolve().relative_to(base)
        except (ValueError, OSError):
            continue
        path = str(checkout.resolve() / relative)
        if path not in moved and not path.startswith(str(CHILD_DIR)):
            moved.append(path)
    return moved
