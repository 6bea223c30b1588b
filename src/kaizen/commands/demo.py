"""``kaizen demo``: a short night on a bundled slow example project, in a temp dir."""

from __future__ import annotations

import shlex
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

from kaizen import git
from kaizen.commands import run as run_command
from kaizen.errors import KaizenError
from kaizen.present import console as out

EXAMPLE = "slowshop"


def prepare(where: Path | None) -> Path:
    """Copy the example into ``where`` (or a new temp dir), configure it for this interpreter, commit."""
    target = where if where is not None else Path(tempfile.mkdtemp(prefix="kaizen-demo-")) / EXAMPLE
    if target.exists() and any(target.iterdir()):
        raise KaizenError(f"{target} is not empty; give --keep a new or empty directory")
    source = resources.files("kaizen") / "examples" / EXAMPLE
    with resources.as_file(source) as folder:
        shutil.copytree(folder, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    python = shlex.quote(sys.executable)
    (target / "kaizen.toml").write_text(
        "# written by `kaizen demo` for the interpreter that runs kaizen\n"
        'source = ["slowshop"]\n'
        f'tests = "{python} -m unittest discover -s tests -q"\n'
        "max_pairs = 16\n"
        "cpu_limit = 95\n"
        "[benchmarks]\n"
        f'shop = "{python} bench.py"\n',
        encoding="utf-8",
    )
    git.init_repo(target)
    return target


def run(*, max_iterations: int, where: Path | None) -> int:
    repo = prepare(where)
    con = out.console(stderr=True)
    con.print(f"demo repository: {repo}")
    code = run_command.run(repo, hours=0.25, max_iterations=max_iterations)
    if code == 0:
        con.print(f"look at the kept commits with: git -C {repo} log --stat main..")
    return code
