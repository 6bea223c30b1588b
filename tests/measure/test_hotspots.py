"""Attribution of samples to source functions (pure: synthetic stacks, no processes)."""

from __future__ import annotations

import pytest

from kaizen.measure.hotspots import (
    SCHEMA_VERSION,
    FunctionRef,
    Profile,
    RawProcess,
    build_profile,
    parse_identifier,
)

F = FunctionRef("pkg/core.py", "f", 1, 10)
G = FunctionRef("pkg/core.py", "g", 12, 20)
MODULE = FunctionRef("pkg/core.py", "<module>", 1, 30)


def ident(name: str, file: str, line: int, klass: str | None = None) -> str:
    return f"{name}\x00{file}\x00{line}" + (f"\x01c{klass}" if klass else "") + "\x01l99"


def locate(file: str, name: str, first_line: int, cwd: str) -> FunctionRef | None:
    if file != "/repo/pkg/core.py":
        return None
    return {("f", 1): F, ("g", 12): G, ("<module>", 1): MODULE, ("<listcomp>", 5): F}.get((name, first_line))


def show(file: str, cwd: str) -> str:
    return file.removeprefix("/repo/")


BENCH = ident("<module>", "/repo/bench.py", 1)
CORE = "/repo/pkg/core.py"


def build(stacks: list[tuple[list[str], float]], wall: float = 1.0, processes: int = 1) -> Profile:
    raw = [RawProcess("python bench.py", "/repo", stacks) for _ in range(processes)]
    return build_profile(raw, locate, show, benchmark="main", command="python bench.py", created="now", wall=wall, engine="stat_profile", interval=0.001)


def test_library_time_counts_as_self_time_of_the_calling_source_function() -> None:
    sorted_in_f = [BENCH, ident("f", CORE, 1), ident("sorted", "<built-in>", 0)]
    helper_in_stdlib = [BENCH, ident("f", CORE, 1), ident("dumps", "/usr/lib/python3.11/json/__init__.py", 183), ident("encode", "/usr/lib/python3.11/json/encoder.py", 1)]
    g_itself = [BENCH, ident("f", CORE, 1), ident("g", CORE, 12)]
    outside = [BENCH]
    p = build([(sorted_in_f, 0.4), (helper_in_stdlib, 0.2), (g_itself, 0.3), (outside, 0.1)])
    by_name = {s.qualname: s for s in p.functions}
    assert by_name["f"].total == pytest.approx(0.9) and by_name["f"].self_time == pytest.approx(0.6)
    assert by_name["g"].total == pytest.approx(0.3) and by_name["g"].self_time == pytest.approx(0.3)
    assert [s.qualname for s in p.functions] == ["f", "g"]  # hottest first; bench.py is not source
    assert by_name["f"].total_share == pytest.approx(0.9) and by_name["f"].calls is None
    assert p.sampled == pytest.approx(1.0) and p.note is None


def test_recursion_and_comprehensions_count_once_per_sample() -> None:
    deep = [BENCH, ident("f", CORE, 1), ident("f", CORE, 1), ident("<listcomp>", CORE, 5), ident("f", CORE, 1)]
    p = build([(deep, 0.5)], wall=1.0)
    (f,) = p.functions
    assert f.total == pytest.approx(0.5) and f.self_time == pytest.approx(0.5) and f.total_share == pytest.approx(0.5)


def test_shares_use_sampled_time_when_parallel_processes_exceed_the_wall_clock() -> None:
    p = build([([BENCH, ident("g", CORE, 12)], 0.8)], wall=1.0, processes=2)
    assert p.processes == 2 and p.sampled == pytest.approx(1.6)
    assert p.functions[0].total_share == pytest.approx(1.0)


def test_empty_profiles_explain_themselves() -> None:
    assert "no Python frames" in str(build([], processes=0).note)
    assert "outside them" in str(build([([BENCH], 0.3)]).note)


def test_function_at_picks_the_innermost_and_json_round_trips() -> None:
    p = build([([BENCH, ident("<module>", CORE, 1), ident("f", CORE, 1)], 0.5), ([BENCH, ident("<module>", CORE, 1)], 0.25)])
    assert p.function_at("pkg/core.py", 3).qualname == "f"
    assert p.function_at("pkg/core.py", 25).qualname == "<module>"
    assert p.function_at("other.py", 3) is None
    data = p.to_json()
    assert data["schema_version"] == SCHEMA_VERSION
    again = Profile.from_json(data)
    assert again == p
    with pytest.raises(ValueError, match="schema_version"):
        Profile.from_json({**data, "schema_version": 99})


def test_flame_graph_frames_are_shared_and_name_source_functions_by_qualname() -> None:
    lib = ident("m", "/venv/lib/shop.py", 3, klass="Shop")
    p = build([([BENCH, ident("g", CORE, 12)], 0.5), ([BENCH, lib], 0.25), ([BENCH, ident("g", CORE, 12), lib], 0.25)])
    assert [(f.name, f.file) for f in p.frames] == [("<module>", "bench.py"), ("g", "pkg/core.py"), ("Shop.m", "/venv/lib/shop.py")]
    (process,) = p.process_stacks
    assert [stack for stack, _ in process.stacks] == [(0, 1), (0, 2), (0, 1, 2)]


def test_parse_identifier() -> None:
    assert parse_identifier(ident("m", "/a.py", 3, klass="C")) == ("m", "/a.py", 3, "C")
    assert parse_identifier("weird") == ("weird", "", 0, None)
