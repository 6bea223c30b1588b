"""Profiling real benchmark processes in tiny temp repos: every way a benchmark can start Python."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from kaizen.config import Benchmark, Command
from kaizen.errors import KaizenError
from kaizen.measure.profile import latest_profile, load_profile, profile_benchmark, save_profile
from tests.conftest import MakeRepo

pytestmark = pytest.mark.e2e

PY = sys.executable

PACKAGE = {
    "mypkg/__init__.py": '''
        DATA = [(i * 7919) % 10007 for i in range(20000)]


        def sort_loop(rounds=80):
            smallest = 0
            for _ in range(rounds):
                smallest += sorted(DATA)[0]
            return smallest


        def membership(n=2500):
            items = list(range(n))
            return sum(1 for x in range(0, 2 * n, 2) if x in items)


        def idle():
            return [x for x in range(3)]


        def work():
            sort_loop()
            membership()
            idle()
            return 0
    ''',
    "mypkg/__main__.py": "import mypkg\nmypkg.work()\n",
    "bench.py": "import mypkg\nmypkg.work()\n",
}


def bench(command: str | list[str], name: str = "main") -> Benchmark:
    if isinstance(command, str):
        return Benchmark(name, Command(shell=command))
    return Benchmark(name, Command(argv=tuple(command)))


def shares(profile):  # type: ignore[no-untyped-def]
    return {f.qualname: f for f in profile.functions}


@pytest.fixture
def repo(make_repo: MakeRepo) -> Path:
    return make_repo(PACKAGE)


def console_script(repo: Path) -> str:
    """A console script as pip writes one: an executable file with a shebang to the interpreter."""
    path = repo / "bin" / "mytool"
    path.parent.mkdir()
    path.write_text(f"#!{PY}\nimport sys\nimport mypkg\nsys.exit(mypkg.work())\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize("kind", ["script", "module", "console-script", "shell"])
def test_every_way_of_starting_python_is_profiled(repo: Path, kind: str) -> None:
    command = {
        "script": [PY, "bench.py"],
        "module": [PY, "-m", "mypkg"],
        "console-script": [console_script(repo)] if kind == "console-script" else [],
        "shell": f"{PY} -c 'import mypkg; mypkg.work()' && true",
    }[kind]
    profile = profile_benchmark(repo, bench(command), ["mypkg"], timeout=60)
    assert profile.profiled and profile.processes == 1 and profile.note is None
    found = shares(profile)
    assert profile.functions[0].qualname == "work"
    assert found["work"].total_share > 0.3
    assert found["sort_loop"].path == "mypkg/__init__.py" and found["sort_loop"].line == 5
    assert "idle" not in found or found["idle"].total_share < 0.05


def test_sorted_in_a_loop_is_hot_through_the_standard_library(repo: Path) -> None:
    profile = profile_benchmark(repo, bench([PY, "-c", "import mypkg; mypkg.sort_loop(120)"]), ["mypkg"], timeout=60)
    (top, *_) = profile.functions
    assert top.qualname == "sort_loop"
    # nearly all of it is inside sorted(), a builtin: still sort_loop's own (self) time
    assert top.self_share > 0.5 and top.self_time > 0.8 * top.total
    sorted_frames = [i for i, f in enumerate(profile.frames) if f.name == "sorted"]
    assert sorted_frames, "the flame graph keeps the library frame under the source function"


def test_python_subprocesses_are_profiled_and_summed(repo: Path) -> None:
    (repo / "spawn.py").write_text(
        f"import subprocess\nsubprocess.run([{PY!r}, '-c', 'import mypkg; mypkg.membership()'], check=True)\n"
        "import mypkg\nmypkg.sort_loop(20)\n",
        encoding="utf-8",
    )
    profile = profile_benchmark(repo, bench(f"{PY} spawn.py"), ["mypkg"], timeout=60)
    assert profile.processes == 2
    assert {"membership", "sort_loop"} <= set(shares(profile))
    assert len(profile.process_stacks) == 2


@pytest.mark.parametrize("command", ["true", "sleep 0.1"])
def test_a_benchmark_without_python_says_so(repo: Path, command: str) -> None:
    profile = profile_benchmark(repo, bench(command), ["mypkg"], timeout=60)
    assert profile.processes == 0 and profile.functions == ()
    assert "no Python frames" in str(profile.note)


def test_a_missing_source_path_is_a_user_error(repo: Path) -> None:
    with pytest.raises(KaizenError, match="source path 'nope' does not exist"):
        profile_benchmark(repo, bench([PY, "bench.py"]), ["mypkg", "nope"], timeout=60)


def test_failing_only_under_the_profiler_falls_back_to_unprofiled_timing(repo: Path) -> None:
    picky = f"{PY} -c \"import os, sys; sys.exit(3 if 'KAIZEN_PROFILE_DIR' in os.environ else 0)\""
    profile = profile_benchmark(repo, bench(picky), ["mypkg"], timeout=60)
    assert not profile.profiled and profile.wall > 0 and profile.functions == ()
    assert "fails under the profiler" in profile.warnings[0] and "exited with status 3" in profile.warnings[0]
    assert "not profiled" in str(profile.note)
    with pytest.raises(KaizenError, match="exited with status 4"):
        profile_benchmark(repo, bench(f"{PY} -c 'import sys; sys.exit(4)'"), ["mypkg"], timeout=60)


def test_the_projects_own_sitecustomize_and_pythonpath_keep_working(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "sitecustomize.py").write_text("import os\nos.environ['PROJECT_SITE'] = 'loaded'\n", encoding="utf-8")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "extra_mod.py").write_text("VALUE = 42\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(extra))
    check = f"{PY} -c \"import os, extra_mod, mypkg; assert os.environ['PROJECT_SITE'] == 'loaded'; assert extra_mod.VALUE == 42; mypkg.membership()\""
    profile = profile_benchmark(repo, bench(check), ["mypkg"], timeout=60)
    assert profile.profiled and not profile.warnings
    assert shares(profile)["membership"].total_share > 0.3


def test_the_thread_sampler_stands_in_when_the_c_sampler_cannot_load(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIZEN_PROFILE_ENGINE", "thread")
    profile = profile_benchmark(repo, bench([PY, "-c", "import mypkg; mypkg.membership(4000)"]), ["mypkg"], timeout=60)
    assert profile.engine == "thread"
    assert profile.functions[0].qualname == "membership"


def test_exact_call_counts_with_cprofile(repo: Path) -> None:
    code = "import mypkg\nfor _ in range(7): mypkg.idle()\nmypkg.membership()"
    profile = profile_benchmark(repo, bench([PY, "-c", code]), ["mypkg"], timeout=60, calls=True)
    assert profile.calls_counted
    found = shares(profile)
    assert found["membership"].calls == 1
    assert found["idle"].calls == 7  # listed even when no sample landed in it
    assert found["idle"].calls is not None and profile.functions[-1].total <= found["membership"].total


def test_profiles_are_stored_found_again_and_read_back(repo: Path) -> None:
    profile = profile_benchmark(repo, bench([PY, "bench.py"], name="main"), ["mypkg"], timeout=60)
    path = save_profile(repo, profile)
    assert path.parent == repo / ".kaizen" / "profiles" and path.name.endswith("-main.json")
    assert latest_profile(repo, "main") == path
    assert latest_profile(repo, "other") is None
    assert load_profile(path) == profile
    assert os.environ.get("KAIZEN_PROFILE_DIR") is None  # the parent's environment is untouched
