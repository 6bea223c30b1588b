"""One timed run of a benchmark: a fresh process in a checkout, with an environment that makes the
checkout's own code the code that is imported."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kaizen import proc
from kaizen.config import Command


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_rss: int


@dataclass(frozen=True)
class RunFailure:
    """A run that did not finish cleanly: exit status, timeout or a missing program."""

    command: str
    returncode: int | None
    timed_out: bool
    not_found: bool
    stderr_tail: str
    timeout: float | None

    def describe(self) -> str:
        if self.not_found:
            program = self.command.split()[0] if self.command.split() else self.command
            return f"could not start: command not found: {program}"
        if self.timed_out:
            return f"still running after its {self.timeout:g} s timeout (killed)"
        tail = f": {self.stderr_tail}" if self.stderr_tail else ""
        return f"exited with status {self.returncode}{tail}"


def checkout_env(checkout: Path, base_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for commands run in ``checkout``.

    The checkout (and its ``src/``) go first on PYTHONPATH so that an editable install of the
    user's package, which points at the user's own tree, cannot shadow the code being measured.
    A fixed hash seed removes one source of run-to-run variance.
    """
    env = dict(os.environ if base_env is None else base_env)
    roots = [str(checkout)]
    if (checkout / "src").is_dir():
        roots.insert(0, str(checkout / "src"))
    if env.get("PYTHONPATH"):
        roots.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(roots)
    env.setdefault("PYTHONHASHSEED", "0")
    env.pop("PYTHONBREAKPOINT", None)
    return env


def run_command(command: Command, checkout: Path, timeout: float, env: dict[str, str] | None = None) -> Run | RunFailure:
    full_env = env if env is not None else checkout_env(checkout)
    try:
        if command.shell is not None:
            result = proc.run(command.shell, shell=True, cwd=checkout, env=full_env, timeout=timeout, measure=True)
        else:
            result = proc.run(list(command.argv), cwd=checkout, env=full_env, timeout=timeout, measure=True)
    except proc.CommandNotFound:
        return RunFailure(command.display, None, False, True, "", timeout)
    if not result.ok:
        return RunFailure(command.display, result.returncode, result.timed_out, False, result.stderr_tail(3), timeout)
    return Run(wall=result.wall, cpu=result.cpu, peak_rss=result.peak_rss)
