"""``kaizen init``: propose a configuration from what the repository looks like."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kaizen import git
from kaizen.config import find_config_file, load_config
from kaizen.errors import KaizenError
from kaizen.present import console as out

_SKIP = {"tests", "test", "docs", "examples", "benchmarks", "build", "dist", "venv", ".venv"}


def guess_source(root: Path) -> list[str]:
    found = []
    for base in (root / "src", root):
        if base.is_dir():
            for child in sorted(base.iterdir()):
                if child.is_dir() and (child / "__init__.py").exists() and child.name not in _SKIP:
                    found.append(child.relative_to(root).as_posix())
        if found:
            break
    if not found:
        found = [p.name for p in sorted(root.glob("*.py")) if p.name not in ("setup.py", "conftest.py") and not p.name.startswith(("bench", "test_"))]
    return found


def guess_tests(root: Path) -> str:
    folder = next((name for name in ("tests", "test") if (root / name).is_dir()), None)
    uses_pytest = (root / "conftest.py").exists() or (folder is not None and (root / folder / "conftest.py").exists())
    pyproject = root / "pyproject.toml"
    if pyproject.exists():
        text = pyproject.read_text(encoding="utf-8")
        uses_pytest = uses_pytest or "pytest" in text
    if uses_pytest:
        return f"python -m pytest -q {folder or ''}".strip()
    return f"python -m unittest discover -s {folder or '.'} -q"


def guess_benchmarks(root: Path) -> dict[str, str]:
    scripts = sorted(root.glob("bench*.py")) + sorted((root / "benchmarks").glob("*.py") if (root / "benchmarks").is_dir() else [])
    return {p.stem.replace("bench_", "") or "main": f"python {p.relative_to(root).as_posix()}" for p in scripts if p.name != "__init__.py"}


def render(source: list[str], tests: str, benchmarks: dict[str, str], top_level: bool) -> str:
    prefix = "" if top_level else "tool.kaizen."
    lines = [] if top_level else ["", "[tool.kaizen]"]
    lines += [
        "# where kaizen may rewrite code (paths from the repository root)",
        f"source = [{', '.join(repr(s).replace(chr(39), chr(34)) for s in source)}]",
        "# must exit 0 on a healthy commit",
        f'tests = "{tests}"',
        "",
        f"[{prefix}benchmarks]",
        "# name = command, each timed as a whole process; sized: { cmd = \"python bench.py --n {n}\", sizes = [1000, 2000, 4000] }",
    ]
    if benchmarks:
        lines += [f'{name} = "{cmd}"' for name, cmd in benchmarks.items()]
    else:
        lines.append('# main = "python bench.py"   <- no benchmark script found: write one and name it here')
    return "\n".join(lines) + "\n"


def run(cwd: Path, *, force: bool) -> int:
    root = git.repo_root(cwd)
    existing = find_config_file(root)
    if existing is not None and not force:
        load_config(root)  # say so now if the existing one is broken
        raise KaizenError(f"{existing.name} already configures kaizen; edit it, or pass --force to write a fresh kaizen.toml")
    source, tests, benchmarks = guess_source(root), guess_tests(root), guess_benchmarks(root)
    pyproject = root / "pyproject.toml"
    if pyproject.exists() and not force:
        text = pyproject.read_text(encoding="utf-8")
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise KaizenError(f"pyproject.toml is not valid TOML ({exc}); fix it first") from None
        addition = render(source, tests, benchmarks, top_level=False)
        pyproject.write_text(text.rstrip("\n") + "\n" + addition, encoding="utf-8")
        target = pyproject
    else:
        target = root / "kaizen.toml"
        target.write_text(render(source, tests, benchmarks, top_level=True), encoding="utf-8")
    con = out.console()
    con.print(f"wrote the kaizen configuration to {target.name}: check `source`, `tests` and the benchmarks, then run `kaizen run`")
    if not benchmarks:
        con.print("[yellow]no benchmark script found: kaizen needs at least one to measure[/]")
    return 0
