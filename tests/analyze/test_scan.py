"""`scan`: findings with the paths and function names the rest of kaizen joins on, a content cache,
the same answer in parallel, and never a traceback for a bad file."""

from __future__ import annotations

import ast
import gc
import sqlite3
import subprocess
import sysconfig
from pathlib import Path

import pytest

from kaizen.analyze import scan as scan_module
from kaizen.analyze.cache import DB_NAME, MAX_AGE_DAYS
from kaizen.analyze.detect import scan_bytes, select_patterns
from kaizen.analyze.scan import scan
from kaizen.errors import KaizenError
from kaizen.patterns.membership_in_loop import MembershipInLoop
from tests.conftest import MakeRepo

SLOW = """\
class Shop:
    def match(self, text):
        names = ["a", "b"]
        return [w for w in text.split() if w in names]


def outer(text):
    def inner():
        stop = ["x"]
        return [w for w in text.split() if w not in stop]
    return inner
"""


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def test_findings_carry_posix_relative_paths_and_qualified_functions(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/shop.py": SLOW})
    report = scan(tmp_path, [Path("pkg")], select=frozenset({"KZ102"}), cache_dir=tmp_path / "cache")
    assert [(f.path, f.line, f.function, f.fixable) for f in report.findings] == [
        ("pkg/shop.py", 4, "Shop.match", True),
        ("pkg/shop.py", 10, "outer.inner", True),
    ]
    assert report.files == 1 and report.lines == SLOW.count("\n")


def test_bad_files_become_kz000_findings_never_tracebacks(tmp_path: Path) -> None:
    write(tmp_path, {
        "syntax.py": "def f(:\n",
        "undecodable.py": b"x = '\xff'\n",
        "nul.py": b"x = 1\x00\n",
        "cookie.py": b"# -*- coding: nope -*-\nx = 1\n",
        "latin.py": "# -*- coding: latin-1 -*-\nx = 'é'\n".encode("latin-1"),
    })
    report = scan(tmp_path, [Path(".")], cache_dir=tmp_path / "cache")
    bad = {f.path: f for f in report.findings}
    assert set(bad) == {"syntax.py", "undecodable.py", "nul.py", "cookie.py"}
    assert all(f.pattern_id == "KZ000" and not f.fixable and f.reason for f in bad.values())
    assert bad["syntax.py"].message.startswith("cannot parse")
    assert bad["undecodable.py"].message.startswith("cannot decode")
    assert report.errors == ()


def test_the_cache_answers_unchanged_files_and_rescans_changed_ones(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": SLOW, "b.py": "x = 1\n"})
    cache = tmp_path / "cache"
    first = scan(tmp_path, [Path(".")], cache_dir=cache)
    again = scan(tmp_path, [Path(".")], cache_dir=cache)
    assert again.cached == 2 and again.findings == first.findings
    (tmp_path / "b.py").write_text(SLOW + "# now slow too\n", encoding="utf-8")
    third = scan(tmp_path, [Path(".")], cache_dir=cache)
    assert third.cached == 1 and len(third.findings) == 2 * len(first.findings)
    narrower = scan(tmp_path, [Path(".")], select=frozenset({"KZ101"}), cache_dir=cache)
    assert narrower.cached == 0, "the selected patterns are part of the cache key"


def test_a_damaged_or_unwritable_cache_costs_speed_not_results(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": SLOW})
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / DB_NAME).write_bytes(b"this is not a database" * 100)
    first = scan(tmp_path, [Path(".")], cache_dir=cache)
    assert first.cached == 0 and first.findings and first.errors == ()
    again = scan(tmp_path, [Path(".")], cache_dir=cache)
    assert again.cached == 1 and again.findings == first.findings, "writing replaced the damaged file"
    blocked = tmp_path / "file-in-the-way"
    blocked.write_text("", encoding="utf-8")
    unwritable = scan(tmp_path, [Path(".")], cache_dir=blocked / "cache")
    assert unwritable.cached == 0 and unwritable.findings == first.findings


def test_entries_not_written_for_a_month_are_dropped(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": SLOW, "b.py": "x = 1\n"})
    cache = tmp_path / "cache"
    scan(tmp_path, [Path(".")], cache_dir=cache)
    db = sqlite3.connect(cache / DB_NAME)
    with db:
        db.execute("UPDATE entries SET written = written - ?", ((MAX_AGE_DAYS + 1) * 86400,))
    db.close()
    (tmp_path / "c.py").write_text("y = 2\n", encoding="utf-8")
    third = scan(tmp_path, [Path(".")], cache_dir=cache)
    assert third.cached == 2, "old entries still answer until the next write drops them"
    db = sqlite3.connect(cache / DB_NAME)
    assert db.execute("SELECT COUNT(*) FROM entries").fetchone() == (1,)
    db.close()


def test_cache_lives_in_dot_kaizen_inside_a_repo_and_stays_out_of_git(make_repo: MakeRepo) -> None:
    repo = make_repo({"m.py": SLOW})
    scan(repo, [Path(".")])
    assert (repo / ".kaizen" / "cache" / "scan" / DB_NAME).is_file()
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True)
    assert status.stdout == ""


def test_cache_goes_to_the_user_cache_dir_outside_a_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    write(project, {"m.py": SLOW})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    scan(project, [Path(".")])
    assert (tmp_path / "xdg" / "kaizen" / "scan" / DB_NAME).is_file()
    assert not (project / ".kaizen").exists()


def test_parallel_workers_find_exactly_what_one_process_finds(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {f"m{i:02d}.py": SLOW.replace("names", f"names{i}") for i in range(scan_module.POOL_MIN_FILES + 4)}
    files["broken.py"] = "def (\n"
    write(tmp_path, files)
    serial = scan(tmp_path, [Path(".")], cache_dir=None, jobs=1)
    parallel = scan(tmp_path, [Path(".")], cache_dir=tmp_path / "cache", jobs=2)
    assert parallel.findings == serial.findings and len(serial.findings) == 2 * (len(files) - 1) + 1


def test_hidden_virtualenv_and_build_folders_are_skipped_unless_named(tmp_path: Path) -> None:
    write(tmp_path, {"src/m.py": SLOW, ".venv/lib/x.py": SLOW, "build/x.py": SLOW, ".hidden/x.py": SLOW, "node_modules/x.py": SLOW})
    assert {f.path for f in scan(tmp_path, [Path(".")], cache_dir=None).findings} == {"src/m.py"}
    named = scan(tmp_path, [Path(".venv/lib/x.py")], cache_dir=None)
    assert {f.path for f in named.findings} == {".venv/lib/x.py"}


def test_missing_paths_and_unknown_patterns_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(KaizenError, match="does not exist"):
        scan(tmp_path, [Path("nope")], cache_dir=None)
    with pytest.raises(KaizenError, match="unknown pattern 'KZ999'"):
        scan(tmp_path, [Path(".")], select=frozenset({"KZ999"}), cache_dir=None)


def test_a_crashing_detector_is_an_error_line_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"m.py": SLOW})

    def boom(self: object, tree: object, source: str) -> list[object]:
        raise RuntimeError("detector bug")

    monkeypatch.setattr(MembershipInLoop, "detect", boom)
    report = scan(tmp_path, [Path(".")], cache_dir=tmp_path / "cache", jobs=1)
    assert report.errors == ("m.py: KZ102 detector crashed: RuntimeError: detector bug",)
    assert all(f.pattern_id != "KZ102" for f in report.findings)
    monkeypatch.undo()
    again = scan(tmp_path, [Path(".")], cache_dir=tmp_path / "cache", jobs=1)
    assert again.cached == 0 and any(f.pattern_id == "KZ102" for f in again.findings), "crashed results are not cached"


def test_unreadable_files_are_reported(tmp_path: Path) -> None:
    (tmp_path / "gone.py").symlink_to(tmp_path / "missing-target.py")  # listed, but cannot be read
    report = scan(tmp_path, [Path(".")], cache_dir=None)
    assert [(f.path, f.pattern_id, f.message) for f in report.findings] == [
        ("gone.py", "KZ000", "cannot read: No such file or directory")
    ]


def test_batches_take_the_biggest_files_alone_and_small_ones_together() -> None:
    sized = [(Path(f"f{i}.py"), size) for i, size in enumerate([900, 500, 120, 100, 90, 60, 30, 10, 5, 5])]
    batches = list(scan_module._batches(sized, share=200))
    assert [p for batch in batches for p in batch] == sized, "every file once, biggest first"
    assert [len(b) for b in batches] == [1, 1, 2, 6]
    assert all(sum(s for _, s in b) >= 200 for b in batches[:-1])
    assert list(scan_module._batches([], share=10)) == []


def test_detection_leaves_no_cycles_holding_trees() -> None:
    """The workers scan with the cyclic collector off: a reference cycle through a tree (a closure
    that calls itself, say) would keep every module's tree in memory until the scan ends."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sources = [(stdlib / name).read_bytes() for name in ("inspect.py", "argparse.py", "dataclasses.py", "functools.py")]
    patterns = select_patterns(None)
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for data in sources:
            assert scan_bytes(data, "m.py", patterns).errors == ()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        trees = [o for o in gc.garbage if isinstance(o, ast.AST)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert trees == []
