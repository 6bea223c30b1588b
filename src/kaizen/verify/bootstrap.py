"""The verify bootstrap: which test commands it can capture under, and the environments it needs.

The bootstrap folder (``_child/``) goes first on PYTHONPATH, ahead of the checkout that
``checkout_env`` puts there, so its ``sitecustomize`` starts in every Python process of the run;
environment variables tell it what to do. Capture is only promised for test runners kaizen knows
to be plain Python processes (pytest, unittest), as the spec says; coverage goes wherever the
environment does.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

from kaizen.config import Command
from kaizen.measure.runs import checkout_env
from kaizen.verify.testrun import TestOutcome, run_tests

CHILD_DIR = Path(__file__).with_name("_child")
# Variables of other kaizen children that must not leak into ours (a profile of a test run, say).
_FOREIGN = ("KAIZEN_PROFILE_DIR", "KAIZEN_PROFILE_MODE", "KAIZEN_VERIFY_CAPTURE", "KAIZEN_VERIFY_COVER")
_PYTHON = re.compile(r"^(python|pypy)(\d+(\.\d+)*)?$")
_RUNNERS = (("uv", "run"), ("poetry", "run"), ("pdm", "run"), ("pipenv", "run"))
_SHELL_SYNTAX = re.compile(r"[;&|<>$`()\n*?~]")
_FLAGS_WITH_VALUE = ("-W", "-X", "-Q")


def clean_env(checkout: Path) -> dict[str, str]:
    """The checkout's environment with a fixed hash seed and no kaizen child switched on."""
    env = checkout_env(checkout)
    for name in _FOREIGN:
        env.pop(name, None)
    env["PYTHONHASHSEED"] = "0"  # set ordering must be the same in every run we compare
    return env


def bootstrap_env(checkout: Path, **switches: str) -> dict[str, str]:
    """Extra environment for ``testrun.run_tests``: the bootstrap first on PYTHONPATH, switched on."""
    extra = {name: "" for name in _FOREIGN}  # empty means off for every kaizen child
    extra["PYTHONPATH"] = f"{CHILD_DIR}:{checkout_env(checkout)['PYTHONPATH']}"
    extra["PYTHONHASHSEED"] = "0"
    extra.update(switches)
    return extra


def capture_unsupported(tests: Command) -> str | None:
    """Why calls cannot be captured under this test command, or None when they can."""
    why = f"capture unavailable for test command {tests.display!r}: only pytest and python -m unittest are supported"
    if tests.shell is not None:
        if _SHELL_SYNTAX.search(tests.shell):
            return why
        try:
            argv = shlex.split(tests.shell)
        except ValueError:
            return why
    else:
        argv = list(tests.argv)
    if len(argv) > 2 and (argv[0], argv[1]) in _RUNNERS:
        argv = argv[2:]
    if not argv:
        return why
    program = Path(argv[0]).name
    if program in ("pytest", "py.test"):
        return None
    if not (_PYTHON.match(program) or argv[0] == sys.executable):
        return why
    i = 1
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "-m":
        i += 2 if argv[i] in _FLAGS_WITH_VALUE else 1
    if argv[i : i + 1] == ["-m"] and argv[i + 1 : i + 2] and argv[i + 1] in ("pytest", "py.test", "unittest"):
        return None
    return why


def run_with_bootstrap(tests: Command, checkout: Path, timeout: float, **switches: str) -> str | None:
    """Run the tests with the bootstrap on; a note when they did not pass (what was gathered counts)."""
    outcome: TestOutcome = run_tests(tests, checkout, timeout, bootstrap_env(checkout, **switches))
    return None if outcome.passed else f"in {checkout.name}: {outcome.describe()}"
