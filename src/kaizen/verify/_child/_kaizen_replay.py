"""Calls one function on recorded and generated inputs in a fresh process: ``python this.py JOB``.

The same script runs twice per check: in the current best checkout (mode ``old``) it writes each
case's outcome; in the candidate (mode ``new``) it runs the same cases and compares its outcomes
with the old ones, stopping at the first difference. Before every case the functools caches of the
module are cleared, so that a memo filled by one input cannot answer for another, and ``random``
(and numpy's global generator) are seeded before every call. A case is one call, or a short
sequence of calls with the same arguments under different values of the globals the function
reads: a cache that ignores a global is only visible that way.

Each case runs under a time limit (SIGALRM). Progress goes to a JSON-lines file as it happens, so
the parent still knows which case was running if the whole process has to be killed.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import random
import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

if TYPE_CHECKING or __package__:  # part of kaizen: type checks, kaizen's own tests
    from kaizen.verify._child import _kaizen_compare as compare
else:
    import _kaizen_compare as compare  # a sibling: this script's folder is sys.path[0]

HERE = os.path.dirname(os.path.abspath(__file__))
REF = "\x00kaizen-ref"  # ("\x00kaizen-ref", i) in a template stands for pool sample i
PROTOCOL = 4
MIN_FUZZ_CASES = 64  # run even past the time box: a busy machine should not mean no fuzzing
Call = tuple[list[Any], dict[str, Any], dict[str, Any]]


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that ``except Exception`` in user code lets it by."""


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def build(template: Any, pool: list[bytes]) -> Any:
    """A fuzz template made real: containers rebuilt, pool references unpickled afresh each time
    (two references to one sample become two equal, distinct objects, as in real programs)."""
    cls = type(template)
    if cls is tuple:
        if len(template) == 2 and type(template[0]) is str and template[0] == REF:
            return pickle.loads(pool[template[1]])
        return tuple(build(x, pool) for x in template)
    if cls is list:
        return [build(x, pool) for x in template]
    if cls is dict:
        return {build(k, pool): build(v, pool) for k, v in template.items()}
    if cls in (set, frozenset, deque):
        return cls(build(x, pool) for x in template)
    return template


def materialize(case: dict[str, Any], pool: list[bytes]) -> list[Call]:
    calls: list[Call] = []
    for call in case["calls"]:
        if "input" in call:
            args, kwargs = pickle.loads(call["input"])
            extra = pickle.loads(call["globals"]) if call.get("globals") else {}
        else:
            args, kwargs, extra = build(call["template"], pool)
        calls.append((list(args), dict(kwargs), dict(extra)))
    return calls


def describe(qualname: str, calls: list[Call]) -> str:
    parts = []
    for args, kwargs, extra in calls:
        shown = [compare.short(a) for a in args] + [f"{k}={compare.short(v)}" for k, v in kwargs.items()]
        text = f"{qualname}({', '.join(shown)})"
        if extra:
            text += " with " + ", ".join(f"{k}={compare.short(v)}" for k, v in extra.items())
        parts.append(text)
    return " then ".join(parts)


class Runner:
    def __init__(self, job: dict[str, Any], module: Any, func: Callable[..., Any]) -> None:
        self.job = job
        self.module = module
        self.func = func
        self.caches = _caches(module)
        try:
            import inspect

            self.names = [p.name for p in inspect.signature(func).parameters.values()]
        except (TypeError, ValueError):
            self.names = []

    def run_case(self, calls: list[Call], limit: float) -> list[dict[str, Any]]:
        for clear in self.caches:
            clear()
        outcomes: list[dict[str, Any]] = []
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            for args, kwargs, extra in calls:
                outcomes.append(self.run_call(args, kwargs, extra))
        except _Timeout:
            outcomes.append({"kind": "timeout", "value": limit})
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return outcomes

    def run_call(self, args: list[Any], kwargs: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        for name, given in extra.items():
            setattr(self.module, name, given)
        random.seed(self.job["seed"])
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed(self.job["seed"])
        printed = io.StringIO()
        stdout, sys.stdout = sys.stdout, printed
        try:
            value: Any = self.func(*args, **kwargs)
            kind = "return"
        except (_Timeout, KeyboardInterrupt):
            raise
        except BaseException as exc:  # SystemExit too: leaving the program is behaviour
            kind, value = "raise", (_type_name(type(exc)), _safe_str(exc))
        finally:
            sys.stdout = stdout
        after = {name: getattr(self.module, name, None) for name in extra}
        return {"kind": kind, "value": value, "args": args, "kwargs": kwargs, "globals": after,
                "stdout": printed.getvalue()}  # fmt: skip


def _type_name(cls: type) -> str:
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:
        return "<unprintable>"


def _caches(module: Any) -> list[Callable[[], None]]:
    """``cache_clear`` of every functools-cached function of the module and of its classes."""
    found: list[Callable[[], None]] = []
    for value in list(vars(module).values()):
        items = [value]
        if isinstance(value, type) and value.__module__ == module.__name__:
            items.extend(vars(value).values())
        for item in items:
            clear = getattr(getattr(item, "__func__", item), "cache_clear", None)
            if callable(clear):
                found.append(clear)
    return found


def resolve(module: Any, qualname: str) -> Callable[..., Any]:
    owner = module
    parts = qualname.split(".")
    for part in parts[:-1]:
        owner = getattr(owner, part)
    raw = vars(owner)[parts[-1]]
    func = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
    assert callable(func)
    return func


def emit(out: TextIO, **event: Any) -> None:
    out.write(json.dumps(event) + "\n")
    out.flush()


def run_old(runner: Runner, cases: list[dict[str, Any]], pool: list[bytes], results: TextIO, outcomes: BinaryIO) -> None:
    job = runner.job
    fuzz_end: float | None = None
    first_fuzz = 0
    for index, case in enumerate(cases):
        if case["origin"] == "fuzz":
            if fuzz_end is None:
                fuzz_end, first_fuzz = time.monotonic() + job["fuzz_seconds"], index
            if time.monotonic() > fuzz_end and index - first_fuzz >= MIN_FUZZ_CASES:
                break
        emit(results, event="start", case=index)
        try:
            calls = materialize(case, pool)
        except Exception as exc:
            emit(results, event="done", case=index, status="skipped", detail=f"input cannot be rebuilt: {exc}")
            continue
        limit = job["case_limit"] if case["origin"] == "captured" else job["fuzz_case_limit"]
        start = time.perf_counter()
        got = runner.run_case(calls, limit)
        seconds = time.perf_counter() - start
        status = "timeout" if got[-1]["kind"] == "timeout" else "ok"
        try:
            data: bytes | None = pickle.dumps(got, PROTOCOL)
        except Exception:
            data, status = None, "skipped"
        if status == "ok" and case.get("expected"):
            try:
                expected = pickle.loads(case["expected"])
                if compare.outcome_diff(expected[0], got[0], runner.names) is not None:
                    status = "unreproducible"  # the tests' context (state, time, randomness) mattered
            except Exception:
                pass
        record = pickle.dumps((index, seconds, data), PROTOCOL)
        outcomes.write(len(record).to_bytes(8, "little") + record)
        outcomes.flush()
        emit(results, event="done", case=index, status=status)


def run_new(runner: Runner, cases: list[dict[str, Any]], pool: list[bytes], results: TextIO, old: dict[int, tuple[float, bytes | None]]) -> None:
    for index in sorted(old):
        seconds, data = old[index]
        emit(results, event="start", case=index)
        try:
            expected = pickle.loads(data) if data is not None else None
            calls = materialize(cases[index], pool)
        except Exception as exc:
            emit(results, event="done", case=index, status="skipped", detail=f"input or old outcome cannot be rebuilt: {exc}")
            continue
        if expected is None or expected[-1]["kind"] == "timeout":
            emit(results, event="done", case=index, status="skipped", detail="old version gave no comparable outcome")
            continue
        got = runner.run_case(calls, max(2.0, 20 * seconds))
        found = None
        for step, (a, b) in enumerate(zip(expected, got)):  # noqa: B905 (strict= needs Python 3.10)
            found = compare.outcome_diff(a, b, runner.names)
            if found:
                found = f"call {step + 1}: {found}" if len(calls) > 1 else found
                break
        if found is None and len(got) != len(expected):
            found = f"call {len(got)}: new version did not finish within {max(2.0, 20 * seconds):.1f} s"
        if found:
            shown = describe(runner.job["qualname"], materialize(cases[index], pool))  # as it was before the call
            emit(results, event="done", case=index, status="different", detail=found, input=shown)
            return
        emit(results, event="done", case=index, status="same")


def read_outcomes(path: str) -> dict[int, tuple[float, bytes | None]]:
    found: dict[int, tuple[float, bytes | None]] = {}
    with open(path, "rb") as handle:
        while header := handle.read(8):
            record = handle.read(int.from_bytes(header, "little"))
            if len(record) < int.from_bytes(header, "little"):
                break  # the old run was killed while writing
            index, seconds, data = pickle.loads(record)
            found[index] = (seconds, data)
    return found


def main(job_path: str) -> int:
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]
    sys.path[0:0] = job["paths"]
    signal.signal(signal.SIGALRM, _alarm)
    with open(job["results"], "w", encoding="utf-8") as results:
        try:
            import importlib

            module = importlib.import_module(job["module"])
            func = resolve(module, job["qualname"])
        except Exception as exc:
            emit(results, event="error", detail=f"cannot import {job['module']}.{job['qualname']}: {type(exc).__name__}: {exc}")
            return 0
        with open(job["cases"], "rb") as handle:
            data = pickle.load(handle)
        runner = Runner(job, module, func)
        if job["mode"] == "old":
            with open(job["outcomes"], "wb") as outcomes:
                run_old(runner, data["cases"], data["pool"], results, outcomes)
        else:
            run_new(runner, data["cases"], data["pool"], results, read_outcomes(job["outcomes"]))
        emit(results, event="finished")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
