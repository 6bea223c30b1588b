"""Records calls to a few named functions while a project's tests run.

Started by the ``sitecustomize`` beside it when ``KAIZEN_VERIFY_CAPTURE`` names a job file. An
import hook wraps each target right after its module has executed; the wrapper records the
outermost call only (a recursive function would otherwise fill the budget with its own subcalls):
the arguments pickled before the call (a deep snapshot), the data globals the function reads, and
afterwards the outcome (return value or exception), the arguments again (their mutation) and what it
printed. It also folds every argument into its *shape* (``_kaizen_shapes``).

Values that cannot be pickled, or are too large, are skipped and counted; the tests themselves
never see a difference: every failure of the recorder is swallowed. Everything is written at exit.
"""

from __future__ import annotations

import atexit
import json
import os
import pickle
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING or __package__:  # part of kaizen: type checks, kaizen's own tests
    from kaizen.verify._child._kaizen_shapes import (
        ATOMS,
        CONTAINERS,
        PROTOCOL,
        Shape,
        observe,
        spec_from_others,
        type_name,
    )
else:  # a sibling on sys.path (PYTHONPATH) in the project's process
    from _kaizen_shapes import (
        ATOMS,
        CONTAINERS,
        PROTOCOL,
        Shape,
        observe,
        spec_from_others,
        type_name,
    )

GLOBAL_OPS = {"LOAD_GLOBAL", "STORE_GLOBAL", "DELETE_GLOBAL", "LOAD_NAME"}
DATA = (*ATOMS, *CONTAINERS, dict)  # globals of these types are snapshotted with each call


class _Tee:
    """Stands in for ``sys.stdout`` during a recorded call: passes everything on, keeps a copy."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> Any:
        if sum(map(len, self.parts)) < 65536:
            self.parts.append(text)
        return self.stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


class Target:
    def __init__(self, module: str, qualname: str, limits: dict[str, int]) -> None:
        self.module = module
        self.requested = qualname  # what the parent asked for
        self.qualname = qualname  # what is recorded: the enclosing function of a nested one
        self.limits = limits
        self.status = "module never imported by the tests"
        self.calls: list[dict[str, bytes | None]] = []
        self.seen = 0
        self.skipped = 0
        self.size = 0
        self.digests: set[int] = set()
        self.params: list[tuple[str, str]] = []
        self.shapes: dict[str, Shape] = {}
        self.global_shapes: dict[str, Shape] = {}
        self.pool: list[bytes] = []
        self.globals_read: list[str] = []
        self.namespace: dict[str, Any] = {}
        self.signature: Any = None
        self.depth = 0

    # -- installing -------------------------------------------------------------------------
    def patch(self, module: Any) -> None:
        parts = self.requested.split(".")
        owner = module
        for i, part in enumerate(parts[:-1]):
            inner = getattr(owner, part, None)
            if isinstance(inner, type):
                owner = inner
            elif hasattr(inner, "__code__"):  # "outer.inner": a nested function is re-made on every
                parts = parts[: i + 1]  # call of outer, so outer's calls are the ones to record
                self.qualname = ".".join(parts)
                break
            else:
                self.status = f"{'.'.join(parts[: i + 1])} is neither a class nor a function in {self.module}"
                return
        raw = vars(owner).get(parts[-1])
        kind = type(raw) if isinstance(raw, (staticmethod, classmethod)) else None
        func = raw.__func__ if kind is not None else raw
        if not callable(func) or isinstance(func, type):
            self.status = f"{self.qualname} is not a function in {self.module}"
            return
        import inspect

        self.namespace = vars(module)
        try:
            self.signature = inspect.signature(func)
            self.params = [(p.name, p.kind.name) for p in self.signature.parameters.values()]
        except (TypeError, ValueError):
            self.signature = None
        self.globals_read = sorted(_globals_read(inspect.unwrap(func)))
        wrapper = self.wrap(func)
        setattr(owner, parts[-1], kind(wrapper) if kind is not None else wrapper)
        self.status = "patched"

    def wrap(self, func: Callable[..., Any]) -> Callable[..., Any]:
        import functools

        target = self

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if target.depth:
                return func(*args, **kwargs)
            target.seen += 1
            if target.seen > target.limits["shape_calls"]:
                return func(*args, **kwargs)
            target.depth += 1
            try:
                return target.call(func, args, kwargs)
            finally:
                target.depth -= 1

        functools.update_wrapper(wrapper, func)
        for name in ("cache_clear", "cache_info", "cache_parameters"):  # keep lru_cache's API
            if hasattr(func, name):
                setattr(wrapper, name, getattr(func, name))
        return wrapper

    # -- recording --------------------------------------------------------------------------
    def call(self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        before = globals_now = tee = None
        try:
            globals_now = self.read_globals()
            self.observe(args, kwargs, globals_now)
            before = self.snapshot(args, kwargs, globals_now)
            if before is not None and sys.stdout is not None:
                tee = sys.stdout = _Tee(sys.stdout)
        except Exception:
            before = None
        try:
            result = func(*args, **kwargs)
        except Exception as exc:
            self.untee(tee)
            if before is not None:
                self.keep(before, ("raise", (_exc_name(exc), _safe_str(exc))), args, kwargs, tee)
            raise
        self.untee(tee)
        if before is not None:
            self.keep(before, ("return", result), args, kwargs, tee)
        return result

    def untee(self, tee: _Tee | None) -> None:
        if tee is not None and sys.stdout is tee:
            sys.stdout = tee.stream

    def read_globals(self) -> dict[str, Any]:
        found = {}
        for name in self.globals_read:
            value = self.namespace.get(name, self)
            if type(value) in DATA:
                found[name] = value
        return found

    def observe(self, args: tuple[Any, ...], kwargs: dict[str, Any], globals_now: dict[str, Any]) -> None:
        budget = [self.limits["shape_nodes"]]
        named: dict[str, Any] = {}
        if self.signature is not None:
            try:
                named = dict(self.signature.bind(*args, **kwargs).arguments)
            except TypeError:
                named = {}
        for name, value in named.items():
            observe(self.shapes.setdefault(name, {}), value, budget, self.pool)
        for name, value in globals_now.items():
            observe(self.global_shapes.setdefault(name, {}), value, budget, self.pool)

    def snapshot(self, args: tuple[Any, ...], kwargs: dict[str, Any], globals_now: dict[str, Any]) -> tuple[bytes, bytes | None] | None:
        if len(self.calls) >= self.limits["max_calls"] or self.size >= self.limits["max_bytes"]:
            return None
        try:
            data = pickle.dumps((args, kwargs), PROTOCOL)
        except Exception:
            self.skipped += 1
            return None
        if len(data) > self.limits["max_call_bytes"]:
            self.skipped += 1
            return None
        digest = hash(data)
        if digest in self.digests:  # the same input again teaches nothing new
            return None
        self.digests.add(digest)
        return data, self.pickle_globals(globals_now)

    def pickle_globals(self, globals_now: dict[str, Any]) -> bytes | None:
        if not globals_now:
            return None
        try:
            return pickle.dumps(globals_now, PROTOCOL)
        except Exception:  # drop, for good, the globals that cannot travel
            for name in list(globals_now):
                try:
                    pickle.dumps(globals_now[name], PROTOCOL)
                except Exception:
                    self.globals_read.remove(name)
                    del globals_now[name]
            return pickle.dumps(globals_now, PROTOCOL) if globals_now else None

    def keep(self, before: tuple[bytes, bytes | None], outcome: tuple[str, Any], args: Any, kwargs: Any, tee: _Tee | None) -> None:
        data, globals_before = before
        stdout = "".join(tee.parts) if tee is not None else ""
        try:
            after: bytes | None = pickle.dumps([_outcome(outcome, args, kwargs, self.read_globals(), stdout)], PROTOCOL)
        except Exception:
            after = None  # the input is still worth replaying; the old version is re-run anyway
            self.skipped += 1
        self.size += len(data) + len(after or b"")
        self.calls.append({"input": data, "globals": globals_before, "outcome": after})

    def dump(self) -> dict[str, Any]:
        return {
            "module": self.module, "qualname": self.qualname, "requested": self.requested, "status": self.status,
            "calls": self.calls, "seen": self.seen, "skipped": self.skipped, "params": self.params,
            "shapes": self.shapes, "global_shapes": self.global_shapes, "pool": self.pool,
        }  # fmt: skip


def _outcome(outcome: tuple[str, Any], args: Any, kwargs: Any, globals_after: dict[str, Any], stdout: str) -> dict[str, Any]:
    return {"kind": outcome[0], "value": outcome[1], "args": list(args), "kwargs": dict(kwargs),
            "globals": globals_after, "stdout": stdout}  # fmt: skip


def _exc_name(exc: BaseException) -> str:
    return type_name(type(exc))


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:
        return "<unprintable>"


def _globals_read(func: Any) -> set[str]:
    """Names the function (and the comprehensions and lambdas inside it) looks up as globals."""
    import dis

    names: set[str] = set()
    code = getattr(func, "__code__", None)
    todo = [code] if code is not None else []
    while todo:
        current = todo.pop()
        for ins in dis.get_instructions(current):
            if ins.opname in GLOBAL_OPS and isinstance(ins.argval, str):
                names.add(ins.argval)
        todo.extend(c for c in current.co_consts if hasattr(c, "co_code"))
    return names


class _Finder:
    """First on ``sys.meta_path``: lets the normal finders find a target module, then wraps its
    loader so that the targets are patched the moment the module has executed."""

    def __init__(self, wanted: dict[str, list[Target]]) -> None:
        self.wanted = wanted
        self.busy = False

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        targets = self.wanted.get(name)
        if targets is None or self.busy:
            return None
        self.busy = True
        try:
            spec = spec_from_others(self, name, path, target)
        finally:
            self.busy = False
        if spec is None or not hasattr(spec.loader, "exec_module"):
            return None
        spec.loader = _PatchingLoader(spec.loader, targets)
        return spec


class _PatchingLoader:
    def __init__(self, loader: Any, targets: list[Target]) -> None:
        self.loader = loader
        self.targets = targets

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        # put the real loader back first: code that inspects __loader__ must see what it always sees
        module.__loader__ = self.loader
        if getattr(module, "__spec__", None) is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        for target in self.targets:
            try:
                target.patch(module)
            except Exception as exc:  # never break the import of the user's module
                target.status = f"could not wrap {target.qualname}: {type(exc).__name__}: {exc}"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)


def start(job_path: str) -> None:
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    limits = job["limits"]
    targets = [Target(module, qualname, limits) for module, qualname in job["targets"]]
    wanted: dict[str, list[Target]] = {}
    for target in targets:
        wanted.setdefault(target.module, []).append(target)
    sys.meta_path.insert(0, _Finder(wanted))
    out = job["out"]

    def finish() -> None:
        data = {"executable": sys.executable, "sys_path": list(sys.path), "targets": [t.dump() for t in targets]}
        path = os.path.join(out, f"{os.getpid()}.capture")
        with open(path + ".tmp", "wb") as handle:
            pickle.dump(data, handle, PROTOCOL)
        os.replace(path + ".tmp", path)

    atexit.register(finish)
