"""``[tool.kaizen]`` (pyproject.toml) or ``kaizen.toml`` → a validated, frozen ``Config``.

Every validation error names the file, the key and what was expected, in one line.
"""

from __future__ import annotations

import difflib
import shlex
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kaizen.errors import KaizenError

CONFIG_FILES = ("kaizen.toml", "pyproject.toml")


@dataclass(frozen=True)
class Command:
    """A command run without a shell (``argv``) or, when written as ``{ shell = "..." }``, with one."""

    argv: tuple[str, ...] = ()
    shell: str | None = None

    @property
    def display(self) -> str:
        return self.shell if self.shell is not None else shlex.join(self.argv)

    def with_size(self, n: int) -> Command:
        if self.shell is not None:
            return Command(shell=self.shell.replace("{n}", str(n)))
        return Command(argv=tuple(a.replace("{n}", str(n)) for a in self.argv))


@dataclass(frozen=True)
class Benchmark:
    name: str
    command: Command
    sizes: tuple[int, ...] = ()
    timeout: float | None = None  # None: the config-wide benchmark_timeout

    def at_size(self, n: int | None) -> Command:
        return self.command if n is None else self.command.with_size(n)

    @property
    def runnable(self) -> Command:
        """The command to time as a whole: at the largest declared size when sized."""
        return self.at_size(max(self.sizes) if self.sizes else None)


@dataclass(frozen=True)
class GateConfig:
    red_slowdown: float = 0.10  # significantly slower by more than this → RED
    red_ci_bound: float = 0.05  # ...and the CI's bound beyond this
    yellow_slowdown: float = 0.05
    rss_yellow: float = 0.10
    import_yellow: float = 0.10


@dataclass(frozen=True)
class Config:
    path: Path  # the file it came from
    root: Path  # the repository root the paths are relative to
    source: tuple[str, ...]
    tests: Command | None
    benchmarks: dict[str, Benchmark]
    hours: float = 8.0
    max_iterations: int = 50
    alpha: float = 0.01
    improvement_threshold: float = 0.05
    min_pairs: int = 8
    max_pairs: int = 24
    benchmark_timeout: float = 600.0
    test_timeout: float = 1800.0
    stall_minutes: float = 10.0
    checkpoint_interval: float = 3600.0
    memory_margin: float = 0.10
    cpu_limit: float = 80.0
    gate: GateConfig = field(default_factory=GateConfig)

    def benchmark(self, name: str) -> Benchmark:
        if name not in self.benchmarks:
            known = ", ".join(sorted(self.benchmarks)) or "none"
            raise KaizenError(
                f"no benchmark named {name!r} in {self.path.name} (configured: {known}); "
                "pick one of those or add it under [tool.kaizen.benchmarks]"
            )
        return self.benchmarks[name]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class _CommandTable(_Strict):
    cmd: str | list[str] | None = None
    shell: str | None = None
    sizes: list[int] | None = None
    timeout: float | int | None = Field(default=None, gt=0)


_CommandSpec = str | list[str] | _CommandTable


class _Gate(_Strict):
    red_slowdown: float = Field(default=0.10, gt=0, lt=10)
    red_ci_bound: float = Field(default=0.05, ge=0, lt=10)
    yellow_slowdown: float = Field(default=0.05, ge=0, lt=10)
    rss_yellow: float = Field(default=0.10, gt=0)
    import_yellow: float = Field(default=0.10, gt=0)


class _Table(_Strict):
    source: list[str] = Field(default_factory=list)
    tests: _CommandSpec | None = None
    benchmarks: dict[str, _CommandSpec] = Field(default_factory=dict)
    hours: float | int = Field(default=8.0, gt=0)
    max_iterations: int = Field(default=50, ge=1)
    alpha: float = Field(default=0.01, gt=0, lt=0.5)
    improvement_threshold: float = Field(default=0.05, ge=0, lt=10)
    min_pairs: int = Field(default=8, ge=4)
    max_pairs: int = Field(default=24, ge=4, le=1000)
    benchmark_timeout: float | int = Field(default=600.0, gt=0)
    test_timeout: float | int = Field(default=1800.0, gt=0)
    stall_minutes: float | int = Field(default=10.0, gt=0)
    checkpoint_interval: float | int = Field(default=3600.0, gt=0)
    memory_margin: float = Field(default=0.10, ge=0)
    cpu_limit: float | int = Field(default=80.0, gt=0, le=100)
    gate: _Gate = Field(default_factory=_Gate)

    @field_validator("source")
    @classmethod
    def _no_absolute(cls, value: list[str]) -> list[str]:
        for item in value:
            if Path(item).is_absolute() or ".." in Path(item).parts:
                raise ValueError(f"{item!r} must be a path inside the repository, relative to its root")
        return value


def find_config_file(root: Path) -> Path | None:
    """``kaizen.toml`` wins over ``pyproject.toml``; a pyproject without ``[tool.kaizen]`` does not count."""
    kaizen_toml = root / "kaizen.toml"
    if kaizen_toml.is_file():
        return kaizen_toml
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        data = _read_toml(pyproject)
        if isinstance(data.get("tool"), dict) and "kaizen" in data["tool"]:
            return pyproject
    return None


def load_config(root: Path) -> Config:
    path = find_config_file(root)
    if path is None:
        raise KaizenError(
            f"no kaizen configuration in {root}: add a [tool.kaizen] table to pyproject.toml "
            "(or a kaizen.toml) with `source`, `tests` and [benchmarks]; `kaizen init` writes one"
        )
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = data["tool"]["kaizen"]
        where = "[tool.kaizen]"
    else:
        table = data
        where = "top level"
    if not isinstance(table, dict):
        raise KaizenError(f"{path.name}: [tool.kaizen] must be a table")
    return parse_config(table, path=path, root=root, where=where)


def parse_config(table: dict[str, Any], *, path: Path, root: Path, where: str = "[tool.kaizen]") -> Config:
    try:
        model = _Table.model_validate(table)
    except ValidationError as exc:
        raise KaizenError(_one_line(exc, path, where)) from None
    benchmarks = {
        name: _benchmark(name, spec, path) for name, spec in model.benchmarks.items()
    }
    gate = GateConfig(**model.gate.model_dump())
    return Config(
        path=path,
        root=root,
        source=tuple(model.source),
        tests=_command(model.tests, path, "tests") if model.tests is not None else None,
        benchmarks=benchmarks,
        hours=float(model.hours),
        max_iterations=model.max_iterations,
        alpha=model.alpha,
        improvement_threshold=model.improvement_threshold,
        min_pairs=model.min_pairs,
        max_pairs=max(model.max_pairs, model.min_pairs),
        benchmark_timeout=float(model.benchmark_timeout),
        test_timeout=float(model.test_timeout),
        stall_minutes=float(model.stall_minutes),
        checkpoint_interval=float(model.checkpoint_interval),
        memory_margin=model.memory_margin,
        cpu_limit=float(model.cpu_limit),
        gate=gate,
    )


def _benchmark(name: str, spec: _CommandSpec, path: Path) -> Benchmark:
    command = _command(spec, path, f"benchmarks.{name}")
    sizes: tuple[int, ...] = ()
    timeout = None
    if isinstance(spec, _CommandTable):
        sizes = tuple(spec.sizes or ())
        timeout = float(spec.timeout) if spec.timeout is not None else None
        if sizes and "{n}" not in command.display:
            raise KaizenError(
                f"{path.name}: benchmarks.{name} declares sizes but its command has no {{n}} "
                "placeholder; write the size into the command, e.g. \"python bench.py --n {n}\""
            )
        if any(n <= 0 for n in sizes):
            raise KaizenError(f"{path.name}: benchmarks.{name}.sizes must be positive integers")
    return Benchmark(name=name, command=command, sizes=sizes, timeout=timeout)


def _command(spec: _CommandSpec, path: Path, key: str) -> Command:
    if isinstance(spec, _CommandTable):
        if (spec.cmd is None) == (spec.shell is None):
            raise KaizenError(
                f"{path.name}: {key} must have exactly one of `cmd` (run without a shell) "
                "or `shell` (run by /bin/sh)"
            )
        if spec.shell is not None:
            if not spec.shell.strip():
                raise KaizenError(f"{path.name}: {key}.shell is empty; write the command to run")
            return Command(shell=spec.shell)
        assert spec.cmd is not None
        spec = spec.cmd
    try:
        argv = tuple(shlex.split(spec)) if isinstance(spec, str) else tuple(spec)
    except ValueError as exc:
        raise KaizenError(f"{path.name}: {key}: cannot split {spec!r} into arguments ({exc})") from None
    if not argv:
        raise KaizenError(f"{path.name}: {key} is empty; write the command to run")
    return Command(argv=argv)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise KaizenError(f"{path.name} is not valid TOML ({exc}); fix the syntax and run again") from None
    except OSError as exc:
        raise KaizenError(f"cannot read {path}: {exc.strerror}") from None


_KNOWN = tuple(_Table.model_fields)


def _one_line(exc: ValidationError, path: Path, where: str) -> str:
    error = exc.errors()[0]
    loc = [str(p) for p in error["loc"] if not str(p).startswith(("function-", "_Command"))]
    # pydantic reports every member of a union; keep the readable key path only.
    loc = [p for p in loc if p not in ("str", "list[str]", "_CommandTable", "float", "int")]
    key = ".".join(loc) or "(table)"
    kind = error["type"]
    if kind == "extra_forbidden":
        name = loc[-1] if loc else key
        pool = _KNOWN if len(loc) == 1 else ()
        close = difflib.get_close_matches(name, pool, n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        return f"{path.name}: unknown key `{key}` in {where}{hint}; remove it or fix its spelling"
    expected = _EXPECTED.get(loc[0] if loc else "")
    got = error.get("input")
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    shown = f"; got {got!r}" if got is not None and not isinstance(got, dict) else ""
    if expected and kind not in ("value_error",) and not kind.startswith(("greater", "less")):
        return f"{path.name}: {where} `{key}`: expected {expected}{shown}"
    return f"{path.name}: {where} `{key}`: {message}{shown}"


_EXPECTED = {
    "source": "a list of paths relative to the repository root, e.g. [\"mypkg\"]",
    "tests": "a command string, a list of arguments, or { shell = \"...\" }",
    "benchmarks": "a table of name = command (string, list, or { cmd = ..., sizes = [...] } / { shell = ... })",
    "hours": "a positive number of hours",
    "max_iterations": "a positive integer",
    "alpha": "a number between 0 and 0.5",
}
