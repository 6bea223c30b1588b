"""Profiles every Python process of a benchmark from interpreter start to exit.

kaizen puts this folder first on PYTHONPATH, so ``site`` imports this file at start-up in the
benchmark's process and in every Python process it starts (``python -m``, console scripts, a shell
script's ``python -c``), because they inherit the environment. It must therefore be cheap, work on
any Python 3 the project uses, never change the program's behaviour, and then hand over to the
project's own ``sitecustomize`` (if any) that this file shadows.

Sampling uses pyinstrument's C sampler (``stat_profile``), loaded straight from its file: importing
the ``pyinstrument`` package costs ~80 ms per process, the extension alone ~1 ms. When the extension
does not fit this interpreter (another Python version) a thread samples the main thread instead.
Samples are merged by identical stack (pyinstrument's frame identifiers) and written at exit,
marshalled, into ``$KAIZEN_PROFILE_DIR``. ``KAIZEN_PROFILE_MODE=calls``
records exact call counts with cProfile instead.

Not covered: threads other than the main one, and processes that leave through ``os._exit``
(forked multiprocessing workers).
"""

from __future__ import annotations

import atexit
import os
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
_OUT = os.environ.get("KAIZEN_PROFILE_DIR", "")


def _write(name: str, data: bytes) -> None:
    # temp file + rename: the parent never reads a half-written profile
    path = os.path.join(_OUT, name)
    with open(path + ".tmp", "wb") as handle:
        handle.write(data)
    os.replace(path + ".tmp", path)


def _tag() -> str:
    return f"{os.getpid()}-{time.time_ns()}"


def _load_stat_profile(search: list[str]) -> object | None:
    # importlib.machinery only: importlib.util would pull in contextlib & co (~9 ms per process)
    import importlib.machinery as machinery

    for folder in search:
        for suffix in machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folder, "low_level", "stat_profile" + suffix)
            if not os.path.exists(path):
                continue
            try:
                loader = machinery.ExtensionFileLoader("stat_profile", path)
                spec = machinery.ModuleSpec("stat_profile", loader, origin=path)
                module = loader.create_module(spec)
                loader.exec_module(module)
            except (ImportError, OSError):
                continue  # built for another interpreter: try the next one
            if hasattr(module, "get_frame_info") and hasattr(module, "setstatprofile"):
                return module  # pyinstrument >= 4: the interface this file uses
    return None


def _pyinstrument_folders() -> list[str]:
    """kaizen's own pyinstrument first (the version it is tested with), then the project's."""
    import importlib.machinery as machinery

    folders: list[str] = []
    ours = os.environ.get("KAIZEN_PYINSTRUMENT_DIR")
    if ours:
        folders.append(ours)
    try:
        spec = machinery.PathFinder.find_spec("pyinstrument")  # finds, does not import
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        folders.extend(f for f in spec.submodule_search_locations if f != ours)
    return folders


class _Samples:
    """Time per distinct call stack, as pyinstrument frame identifiers (root first)."""

    def __init__(self, interval: float, engine: str) -> None:
        self.stacks: dict[tuple[str, ...], float] = {}
        self.count = 0
        self.interval = interval
        self.engine = engine
        self.start = time.time()
        self.cpu_start = time.process_time()

    def add(self, stack: tuple[str, ...], seconds: float) -> None:
        self.stacks[stack] = self.stacks.get(stack, 0.0) + seconds
        self.count += 1

    def dump(self) -> bytes:
        # marshal, not json: importing json costs ~10 ms per process; kaizen converts it
        import marshal

        return marshal.dumps(
            {
                "start_time": self.start,
                "duration": time.time() - self.start,
                "interval": self.interval,
                "sample_count": self.count,
                "argv": list(sys.argv),
                "executable": sys.executable,
                "cpu_time": time.process_time() - self.cpu_start,
                "sys_path": list(sys.path),
                "stacks": [[list(stack), seconds] for stack, seconds in self.stacks.items()],
                "engine": self.engine,
                "cwd": os.getcwd(),
            }
        )


def _identifier(code: object) -> str:
    return f"{code.co_name}\x00{code.co_filename}\x00{code.co_firstlineno}"  # type: ignore[attr-defined]


def _start_sampling(interval: float) -> None:
    stat_profile = None
    if os.environ.get("KAIZEN_PROFILE_ENGINE") != "thread":
        try:
            stat_profile = _load_stat_profile(_pyinstrument_folders())
        except Exception:  # an extension built for another interpreter: use the thread sampler
            stat_profile = None
    samples = _Samples(interval, "stat_profile" if stat_profile is not None else "thread")
    clock = time.perf_counter
    last = [clock()]

    if stat_profile is not None:
        get_frame_info = stat_profile.get_frame_info  # type: ignore[attr-defined]

        def sample(frame: object, event: str, arg: object) -> None:
            now = clock()
            stack: list[str] = []
            if event == "call":  # entering a function: the time belongs to the caller
                frame = frame.f_back  # type: ignore[attr-defined]
            elif event in ("c_return", "c_exception"):
                name = getattr(arg, "__qualname__", None) or getattr(arg, "__name__", "?")
                stack.append(f"{name}\x00<built-in>\x000")
            while frame is not None:
                stack.append(get_frame_info(frame))
                frame = frame.f_back  # type: ignore[attr-defined]
            stack.reverse()
            samples.add(tuple(stack), now - last[0])
            last[0] = now

        stat_profile.setstatprofile(sample, interval)  # type: ignore[attr-defined]

        def stop() -> None:
            stat_profile.setstatprofile(None)  # type: ignore[attr-defined]
    else:
        import threading

        main = threading.main_thread().ident
        done = threading.Event()

        def run() -> None:
            while not done.wait(interval):
                now = clock()
                frame = sys._current_frames().get(main)  # type: ignore[arg-type]
                stack = []
                while frame is not None:
                    stack.append(_identifier(frame.f_code))
                    frame = frame.f_back
                stack.reverse()
                samples.add(tuple(stack), now - last[0])
                last[0] = now

        threading.Thread(target=run, name="kaizen-profiler", daemon=True).start()
        stop = done.set

    def forget() -> None:  # a forked child starts its own account (it rarely writes one)
        samples.stacks.clear()
        samples.count = 0

    os.register_at_fork(after_in_child=forget)

    def finish() -> None:
        stop()
        _write(f"{_tag()}.samples", samples.dump())

    atexit.register(finish)


def _start_counting() -> None:
    import cProfile

    profiler = cProfile.Profile()

    def finish() -> None:
        profiler.disable()
        path = os.path.join(_OUT, f"{_tag()}.pstats")
        profiler.dump_stats(path + ".tmp")
        os.replace(path + ".tmp", path)

    atexit.register(finish)
    profiler.enable()


def _start() -> None:
    if not _OUT or not os.path.isdir(_OUT):
        return
    try:
        if os.environ.get("KAIZEN_PROFILE_MODE") == "calls":
            _start_counting()
        else:
            _start_sampling(float(os.environ.get("KAIZEN_PROFILE_INTERVAL", "0.001")))
    except Exception as exc:  # never break the benchmark; tell the parent why there is no profile
        try:  # noqa: SIM105 (contextlib would cost every profiled process an import)
            _write(f"{_tag()}.error", f"{type(exc).__name__}: {exc}".encode())
        except OSError:
            pass


def _chain() -> None:
    """Import the project's own sitecustomize, which this file shadows, as if it were the only one."""
    ours = sys.modules.pop("sitecustomize", None)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
    try:
        __import__("sitecustomize")  # the next one on sys.path, if there is one
    except ImportError as exc:
        if exc.name != "sitecustomize":
            raise
        if ours is not None:
            sys.modules["sitecustomize"] = ours


_start()
_chain()
