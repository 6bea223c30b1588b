"""`apply_one` and `fix_source`: re-detect, check safety, rewrite, prove it compiles, then write."""

from __future__ import annotations

import stat
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from kaizen.patterns.base import Evidence, Site
from kaizen.patterns.membership_in_loop import MembershipInLoop
from kaizen.transform import apply as apply_module
from kaizen.transform.apply import Applied, Crashed, Refused, apply_one, fix_source

SLOW = textwrap.dedent("""\
def keep(text):
    stop = ["a", "the"]
    return [w for w in text.split() if w not in stop]
""")
SHARED = textwrap.dedent("""\
def keep(words, stop):
    return [w for w in words if w not in stop]
""")


def test_apply_one_rewrites_the_site_at_that_line_and_writes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(SLOW, encoding="utf-8")
    path.chmod(0o640)
    result = apply_one(path, "KZ102", 3)
    assert isinstance(result, Applied)
    assert path.read_text(encoding="utf-8") == result.new_source
    assert "stop_set = set(stop)" in result.new_source
    assert "+    stop_set = set(stop)" in result.diff and result.diff.startswith("--- a/")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not list(tmp_path.glob(".*kaizen-tmp")), "no temp file left behind"


def test_apply_one_refuses_stale_lines_and_unsafe_sites_without_touching_the_file(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(SHARED, encoding="utf-8")
    assert apply_one(path, "KZ102", 1) == Refused("no KZ102 finding at line 1 any more (the file changed?)")
    refused = apply_one(path, "KZ102", 2)
    assert isinstance(refused, Refused) and "may not be a list or tuple" in refused.reason
    assert apply_one(path, "KZ999", 2) == Refused("unknown pattern KZ999")
    assert path.read_text(encoding="utf-8") == SHARED


def test_runtime_evidence_turns_a_refusal_into_a_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(SHARED, encoding="utf-8")
    evidence = Evidence(
        "pkg.m.keep", element_types={"words": frozenset({"str"}), "stop": frozenset({"str"})}, value_types={"stop": frozenset({"list"})}
    )
    assert isinstance(apply_one(path, "KZ102", 2, evidence), Applied)
    assert "stop_set = set(stop)" in path.read_text(encoding="utf-8")


def test_a_rewrite_that_does_not_compile_is_a_crash_and_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.py"
    path.write_text(SLOW, encoding="utf-8")

    def broken(self: MembershipInLoop, module: cst.Module, site: Site) -> cst.Module:
        return cst.parse_module(module.code + "break\n")  # parses, but does not byte-compile

    monkeypatch.setattr(MembershipInLoop, "rewrite", broken)
    result = apply_one(path, "KZ102", 3)
    assert isinstance(result, Crashed) and "does not compile" in result.error
    assert path.read_text(encoding="utf-8") == SLOW


def test_encoding_cookie_bom_and_crlf_line_endings_survive(tmp_path: Path) -> None:
    latin = tmp_path / "latin.py"
    latin.write_bytes(("# -*- coding: latin-1 -*-\n" + SLOW.replace('"a"', '"é"')).encode("latin-1"))
    assert isinstance(apply_one(latin, "KZ102", 4), Applied)
    assert b"stop_set" in latin.read_bytes() and "é".encode("latin-1") in latin.read_bytes()
    crlf = tmp_path / "crlf.py"
    crlf.write_bytes(b"\xef\xbb\xbf" + SLOW.replace("\n", "\r\n").encode())
    assert isinstance(apply_one(crlf, "KZ102", 3), Applied)
    data = crlf.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"stop_set = set(stop)\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


def test_fix_source_applies_every_safe_site_and_reports_the_rest() -> None:
    source = SLOW + "\n\n" + SHARED
    new, applied, refused = fix_source(source, {"KZ102"}, path="m.py")
    assert [f.line for f in applied] == [3]
    assert [f.function for f in refused] == ["keep"] and all(not f.fixable and f.reason for f in refused)
    assert fix_source(new, {"KZ102"})[0] == new


def test_fix_source_only_uses_evidence_for_its_own_function() -> None:
    source = SHARED + "\n\n" + SHARED.replace("def keep", "def other")
    evidence = Evidence("mod.keep", element_types={"words": frozenset({"str"}), "stop": frozenset({"str"})}, value_types={"stop": frozenset({"list"})})
    _new, applied, refused = fix_source(source, {"KZ102"}, evidence)
    assert [f.function for f in applied] == ["keep"] and [f.function for f in refused] == ["other"]


def test_fix_source_on_a_file_that_does_not_parse_changes_nothing() -> None:
    new, applied, refused = fix_source("def (:\n", None)
    assert new == "def (:\n" and not applied and [f.pattern_id for f in refused] == ["KZ000"]


def test_a_rewrite_that_never_settles_stops_and_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def same_site_again(self: MembershipInLoop, module: cst.Module, site: Site) -> cst.Module:
        return cst.parse_module(module.code + "# again\n")  # changes the text but leaves the site in place

    monkeypatch.setattr(MembershipInLoop, "rewrite", same_site_again)
    new, applied, _ = fix_source(SLOW, {"KZ102"})
    assert len(applied) == apply_module.MAX_ROUNDS
    compile(new, "<t>", "exec")


def test_a_rewrite_error_leaves_the_site_reported_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    from kaizen.patterns.base import RewriteError

    def refuses(self: MembershipInLoop, module: cst.Module, site: Site) -> cst.Module:
        raise RewriteError("cannot here")

    monkeypatch.setattr(MembershipInLoop, "rewrite", refuses)
    new, applied, refused = fix_source(SLOW, {"KZ102"})
    assert new == SLOW and not applied and [f.reason for f in refused] == ["cannot here"]
