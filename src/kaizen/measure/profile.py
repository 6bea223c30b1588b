"""Profile a benchmark command: run it once as fresh processes with the sampler inside every Python
process it starts, and attribute the samples to the functions of the ``source`` paths.

The profiler lives in the child (``_bootstrap/sitecustomize.py`` first on PYTHONPATH), not around
it, so ``python bench.py``, ``python -m mod``, console scripts, shell commands and the Python
subprocesses they start are all seen. Profiles are kept under ``.kaizen/profiles/``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import marshal
import os
import pstats
import tempfile
from collections.abc import Sequence
from pathlib import Path

from kaizen import git
from kaizen.analyze.functions import FunctionSpan, exact_span, span_of_code, spans_of_source
from kaizen.config import Benchmark, Command
from kaizen.errors import KaizenError
from kaizen.measure.hotspots import FunctionRef, Profile, RawProcess, build_profile
from kaizen.measure.runs import Run, RunFailure, checkout_env, run_command

__all__ = ["Profile", "latest_profile", "load_profile", "profile_benchmark", "save_profile"]

BOOTSTRAP = Path(__file__).with_name("_bootstrap")
DEFAULT_INTERVAL = 0.001  # seconds: short benchmarks still give hundreds of samples
# Never source code, even when the repository root is the source path.
_NOT_SOURCE = frozenset({"site-packages", "dist-packages", ".venv", "venv", ".tox", ".nox", ".kaizen", ".git"})


class SourceMap:
    """Which frames belong to the project: file → path relative to the root, code → function."""

    def __init__(self, root: Path, source: Sequence[str]) -> None:
        self.root = root.resolve()
        self.roots = resolve_source(self.root, source)
        self._paths: dict[tuple[str, str], str | None] = {}
        self._spans: dict[str, tuple[FunctionSpan, ...]] = {}

    def relative(self, file: str, cwd: str) -> str | None:
        key = (file, cwd)
        if key not in self._paths:
            self._paths[key] = self._relative(file, cwd)
        return self._paths[key]

    def _relative(self, file: str, cwd: str) -> str | None:
        if not file or file.startswith("<"):
            return None
        path = Path(cwd or self.root, file).resolve()
        if path.suffix != ".py" or not any(path.is_relative_to(r) for r in self.roots):
            return None
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            return None
        if _NOT_SOURCE.intersection(rel.parts[:-1]):
            return None
        return rel.as_posix()

    def spans(self, rel: str) -> tuple[FunctionSpan, ...]:
        if rel not in self._spans:
            try:
                text = (self.root / rel).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self._spans[rel] = spans_of_source(text)
        return self._spans[rel]

    def locate(self, file: str, name: str, first_line: int, cwd: str) -> FunctionRef | None:
        rel = self.relative(file, cwd)
        if rel is None:
            return None
        span = span_of_code(self.spans(rel), name, first_line)
        return FunctionRef(rel, span.qualname, span.line, span.end_line) if span else None

    def locate_exact(self, file: str, name: str, first_line: int, cwd: str) -> FunctionRef | None:
        rel = self.relative(file, cwd)
        span = exact_span(self.spans(rel), name, first_line) if rel else None
        return FunctionRef(rel, span.qualname, span.line, span.end_line) if rel and span else None

    def show_file(self, file: str, cwd: str) -> str:
        if file.startswith("<"):
            return file
        path = Path(cwd or self.root, file)
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else file


def resolve_source(root: Path, source: Sequence[str]) -> tuple[Path, ...]:
    """The source paths as absolute paths; a clear error for one that does not exist."""
    if not source:
        return (root.resolve(),)
    roots = []
    for entry in source:
        path = (root / entry).resolve()
        if not path.exists():
            raise KaizenError(
                f"source path {entry!r} does not exist in {root}; fix `source` in [tool.kaizen] "
                "to list your package's folders relative to the repository root"
            )
        roots.append(path)
    return tuple(roots)


def profiling_env(checkout: Path, out: Path, *, mode: str = "sample", interval: float = DEFAULT_INTERVAL) -> dict[str, str]:
    """The benchmark's usual environment, plus the bootstrap first on PYTHONPATH."""
    env = checkout_env(checkout)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BOOTSTRAP), env.get("PYTHONPATH", "")) if p)
    env["KAIZEN_PROFILE_DIR"] = str(out)
    env["KAIZEN_PROFILE_MODE"] = mode
    env["KAIZEN_PROFILE_INTERVAL"] = repr(interval)
    env["KAIZEN_PYINSTRUMENT_DIR"] = _pyinstrument_dir()
    return env


def _pyinstrument_dir() -> str:
    """Where kaizen's pyinstrument lives (found, not imported: importing it costs ~80 ms)."""
    spec = importlib.util.find_spec("pyinstrument")
    locations = spec.submodule_search_locations if spec is not None else None
    return next(iter(locations), "") if locations else ""


def profile_benchmark(
    root: Path,
    benchmark: Benchmark,
    source: Sequence[str],
    timeout: float,
    *,
    calls: bool = False,
    size: int | None = None,
    interval: float = DEFAULT_INTERVAL,
) -> Profile:
    """Run ``benchmark`` once in ``root`` (a checkout) under the profiler and return its Profile.

    ``calls=True`` adds a second run under cProfile for exact call counts. A benchmark that fails
    under the profiler but not without it gives an unprofiled Profile with a warning; one that
    fails either way raises KaizenError. Nothing is stored: see ``save_profile``.
    """
    sources = SourceMap(root, source)
    command = benchmark.at_size(size) if size is not None else benchmark.runnable
    with tempfile.TemporaryDirectory(prefix="kaizen-profile-") as tmp:
        out = Path(tmp)
        result = run_command(command, root, timeout, profiling_env(root, out, interval=interval))
        if isinstance(result, RunFailure):
            return _unprofiled(root, benchmark, command, timeout, result)
        raw, engines, errors = _read_samples(out)
    counts = _count_calls(root, command, timeout, sources) if calls else None
    warnings = [f"the profiler could not start in {len(errors)} Python process(es): {errors[0]}"] if errors else []
    if counts is None and calls:
        warnings.append("call counting failed under cProfile; calls are unknown")
    return build_profile(
        raw,
        sources.locate,
        sources.show_file,
        benchmark=benchmark.name,
        command=command.display,
        created=_now(),
        wall=result.wall,
        engine="+".join(sorted(engines)) or "none",
        interval=interval,
        calls=counts,
        warnings=warnings,
    )


def _unprofiled(root: Path, benchmark: Benchmark, command: Command, timeout: float, failure: RunFailure) -> Profile:
    plain = run_command(command, root, timeout)
    if isinstance(plain, RunFailure):
        raise KaizenError(
            f"benchmark {benchmark.name!r} {plain.describe()}; run `{command.display}` yourself "
            "to see why, fix it, and try again"
        )
    warning = (
        f"benchmark {benchmark.name!r} fails under the profiler ({failure.describe()}) but not "
        f"without it; showing its unprofiled time ({plain.wall:.3f} s) only"
    )
    return Profile(
        benchmark=benchmark.name,
        command=command.display,
        created=_now(),
        wall=plain.wall,
        sampled=0.0,
        processes=0,
        engine="none",
        interval=0.0,
        functions=(),
        profiled=False,
        warnings=(warning,),
    )


def _read_samples(out: Path) -> tuple[list[RawProcess], set[str], list[str]]:
    raw: list[RawProcess] = []
    engines: set[str] = set()
    for path in sorted(out.glob("*.samples")):
        try:
            data = marshal.loads(path.read_bytes())
        except (ValueError, EOFError, TypeError):
            continue  # a profile from a Python whose marshal format this one cannot read
        raw.append(RawProcess(" ".join(data["argv"]), data["cwd"], [(s, t) for s, t in data["stacks"]]))
        engines.add(data["engine"])
    errors = [p.read_text(errors="replace") for p in sorted(out.glob("*.error"))]
    return raw, engines, errors


def _count_calls(root: Path, command: Command, timeout: float, sources: SourceMap) -> dict[FunctionRef, int] | None:
    with tempfile.TemporaryDirectory(prefix="kaizen-calls-") as tmp:
        out = Path(tmp)
        result = run_command(command, root, timeout, profiling_env(root, out, mode="calls"))
        if not isinstance(result, Run):
            return None
        counts: dict[FunctionRef, int] = {}
        for path in sorted(out.glob("*.pstats")):
            table = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
            for (file, line, name), (_, ncalls, *_) in table.items():
                ref = sources.locate_exact(file, name, line, str(root))
                if ref is not None:
                    counts[ref] = counts.get(ref, 0) + int(ncalls)
        return counts


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def profiles_dir(root: Path) -> Path:
    path = git.kaizen_dir(root) / "profiles"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _file_name(benchmark: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in benchmark)


def save_profile(root: Path, profile: Profile) -> Path:
    """Keep ``profile`` as ``.kaizen/profiles/<timestamp>-<benchmark>.json`` (written atomically)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = profiles_dir(root) / f"{stamp}-{_file_name(profile.benchmark)}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(profile.to_json()), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_profile(path: Path) -> Profile:
    try:
        return Profile.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KaizenError(f"cannot read the profile {path} ({exc}); run `kaizen profile` again to make a new one") from None


def latest_profile(root: Path, benchmark: str) -> Path | None:
    """The newest stored profile of ``benchmark`` (names are ``<date>-<time>-<µs>-<benchmark>.json``)."""
    folder = root / git.KAIZEN_DIR / "profiles"
    wanted = _file_name(benchmark)
    found = sorted(p for p in folder.glob("*.json") if p.stem.split("-", 3)[-1] == wanted) if folder.is_dir() else []
    return found[-1] if found else None
