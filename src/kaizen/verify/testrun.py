"""Run the project's test command in a checkout and say what happened: passed, which tests failed,
how many ran. Understands pytest's and unittest's summaries; other runners get the exit code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kaizen import proc
from kaizen.config import Command
from kaizen.measure.runs import checkout_env

_PYTEST_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+::\S+?)(?: - .*)?$", re.M)
_UNITTEST_FAILED = re.compile(r"^(?:FAIL|ERROR): (\S+) \(([\w.]+)\)", re.M)
_PYTEST_COUNTS = re.compile(r"(\d+) (passed|failed|errors?)")
_UNITTEST_RAN = re.compile(r"^Ran (\d+) tests?", re.M)


@dataclass(frozen=True)
class TestOutcome:
    passed: bool
    failed: tuple[str, ...]  # test ids as the runner names them
    tests_run: int | None
    tail: str  # last lines of output, for the report
    timed_out: bool = False
    not_found: bool = False

    def describe(self) -> str:
        if self.not_found:
            return "the test command could not be started (command not found)"
        if self.timed_out:
            return "the tests did not finish within their timeout"
        if self.failed:
            shown = ", ".join(self.failed[:3]) + (f" and {len(self.failed) - 3} more" if len(self.failed) > 3 else "")
            return f"tests failed: {shown}"
        return "tests passed" if self.passed else f"the test command failed: {self.tail.splitlines()[-1] if self.tail else 'no output'}"


def parse_failures(output: str) -> tuple[str, ...]:
    names = [m.group(1) for m in _PYTEST_FAILED.finditer(output)]
    for m in _UNITTEST_FAILED.finditer(output):
        method, where = m.group(1), m.group(2)
        # Python >= 3.11 prints "test_x (pkg.mod.Class.test_x)", older ones "test_x (pkg.mod.Class)"
        names.append(where if where.endswith(f".{method}") else f"{where}.{method}")
    return tuple(dict.fromkeys(names))


def parse_count(output: str) -> int | None:
    ran = _UNITTEST_RAN.search(output)
    if ran:
        return int(ran.group(1))
    counts = [int(n) for n, _ in _PYTEST_COUNTS.findall(output.splitlines()[-1] if output.strip() else "")]
    return sum(counts) if counts else None


def run_tests(command: Command, checkout: Path, timeout: float, env_extra: dict[str, str] | None = None) -> TestOutcome:
    env = {**checkout_env(checkout), **(env_extra or {})}
    try:
        if command.shell is not None:
            result = proc.run(command.shell, shell=True, cwd=checkout, env=env, timeout=timeout)
        else:
            result = proc.run(list(command.argv), cwd=checkout, env=env, timeout=timeout)
    except proc.CommandNotFound:
        return TestOutcome(False, (), None, "", not_found=True)
    output = f"{result.stdout}\n{result.stderr}".strip()
    tail = "\n".join(output.splitlines()[-15:])
    return TestOutcome(
        passed=result.ok,
        failed=parse_failures(output) if not result.ok else (),
        tests_run=parse_count(output),
        tail=tail,
        timed_out=result.timed_out,
    )
